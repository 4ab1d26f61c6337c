import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkIdentifier, checkUscc, usccCheckChar, USCC_CHARSET } from '../../../src/identifiers/index.ts';

// Codes printed on the public business licences of well-known companies.
const KNOWN_VALID: Array<[string, string]> = [
  ['914403001922038216', 'Huawei Technologies Co., Ltd. (Shenzhen)'],
  ['91440300708461136T', 'Shenzhen Tencent Computer Systems Co., Ltd.'],
  ['91330100799655058B', 'Alibaba (China) Co., Ltd. (Hangzhou)'],
  ['91110108551385082Q', 'Xiaomi Technology Co., Ltd. (Beijing)'],
  ['911100001000044477', 'a Beijing state enterprise with a numeric check character'],
];

describe('checkUscc: known valid codes', () => {
  for (const [code, who] of KNOWN_VALID) {
    it(`${code} (${who})`, () => {
      const r = checkUscc(code);
      assert.equal(r.valid, true, JSON.stringify(r.errors));
      assert.equal(r.kind, 'uscc');
      assert.equal(r.normalized, code);
      assert.equal(r.organizationType, 'enterprise');
      assert.equal(r.province, code.slice(2, 4));
      assert.deepEqual(r.warnings, []);
    });
  }

  it('accepts lower case, spaces and full-width characters as typed, and normalises them', () => {
    const r = checkUscc(' 9144 0300 7084 6113 6t ');
    assert.equal(r.valid, true);
    assert.equal(r.normalized, '91440300708461136T');
    assert.equal(checkUscc('９１４４０３００１９２２０３８２１６').normalized, '914403001922038216');
  });

  it('is reached through checkIdentifier with the same shape as the other kinds', () => {
    const r = checkIdentifier('uscc', '914403001922038216');
    assert.deepEqual(Object.keys(r).slice(0, 6), ['kind', 'input', 'valid', 'normalized', 'errors', 'warnings']);
    assert.equal(r.valid, true);
  });
});

describe('checkUscc: rejections with a stable code', () => {
  const cases: Array<[string, string]> = [
    ['', 'empty'],
    ['91440300708461136', 'wrong_length'],
    ['91440300708461136TT', 'wrong_length'],
    ['9144030070846113-T!', 'not_digits'],
    ['91440300708461136I', 'bad_character'],
    ['Z1440300708461136T', 'bad_character'],
    ['B1440300708461136T', 'bad_authority'],
    ['9144A300708461136T', 'bad_region'],
    ['91440300708461136U', 'bad_check_char'],
    ['914403001922038217', 'bad_check_char'],
  ];
  for (const [input, code] of cases) {
    it(`${JSON.stringify(input)} → ${code}`, () => {
      const r = checkUscc(input);
      assert.equal(r.valid, false);
      assert.equal(r.normalized, null);
      assert.equal(r.errors[0].code, code);
    });
  }

  it('catches every single-character change of a valid code', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KNOWN_VALID.map(([c]) => c)), fc.nat(17), fc.integer({ min: 1, max: 30 }), (code, index, shift) => {
        const changed = code.slice(0, index) + USCC_CHARSET[(USCC_CHARSET.indexOf(code[index]) + shift) % 31] + code.slice(index + 1);
        assert.equal(checkUscc(changed).valid, false, changed);
      }),
    );
  });

  it('computes the check character for any 17 characters of the charset', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...USCC_CHARSET), { minLength: 17, maxLength: 17 }), (chars) => {
        const first17 = `91440300${chars.slice(8).join('')}`;
        const r = checkUscc(first17 + usccCheckChar(first17));
        assert.ok(r.errors.every((e) => e.code !== 'bad_check_char'));
      }),
    );
  });

  it('warns, without rejecting, when the organisation code inside breaks its own check', () => {
    const first17 = '91440300MA5D00000'; // organisation check would be computed, not 0
    const r = checkUscc(first17 + usccCheckChar(first17));
    assert.equal(r.valid, true);
    assert.deepEqual(r.warnings.map((w) => w.code), ['organization_code_check']);
  });
});

describe('IoT numbers and foreign ICCIDs (fleet lines)', () => {
  const iot: Array<[string, string, string]> = [
    ['1440 1234 56789', '+861440123456789', 'cmcc'],
    ['1481234567890', '+861481234567890', 'cmcc'],
    ['+86 10648 1234 5678', '+861064812345678', 'cmcc'],
    ['1461234567890', '+861461234567890', 'cucc'],
    ['0086 1410 123 456 789', '+861410123456789', 'ctcc'],
    ['1064912345678', '+861064912345678', 'ctcc'],
  ];
  for (const [input, normalized, network] of iot) {
    it(`msisdn ${JSON.stringify(input)} is a 13-digit IoT number of ${network}`, () => {
      const r = checkIdentifier('msisdn', input);
      assert.equal(r.valid, true, JSON.stringify(r.errors));
      assert.equal(r.normalized, normalized);
      assert.equal(r.network, network);
      assert.equal(r.iot, true);
      assert.deepEqual(r.warnings.map((w) => w.code), ['iot_number']);
    });
  }

  it('13 digits outside the IoT ranges, and an 11-digit 1440…, are still wrong', () => {
    assert.equal(checkIdentifier('msisdn', '1381234567890').valid, false);
    assert.equal(checkIdentifier('msisdn', '1440123456789 0').valid, false);
    assert.equal(checkIdentifier('msisdn', '14401234567').valid, false);
  });

  it('a UK ICCID (8944…) with a good Luhn digit is valid, has no carrier and a warning', () => {
    const r = checkIdentifier('iccid', '89441000301234567891');
    assert.equal(r.valid, true);
    assert.equal(r.carrier, null);
    assert.deepEqual(r.warnings.map((w) => w.code), ['foreign_iccid']);
    assert.equal(checkIdentifier('iccid', '89441000301234567892').errors[0].code, 'bad_check_digit');
  });
});
