import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkMsisdn,
  nationalNumber,
  makeMsisdn,
  MSISDN_RANGES,
} from '../../../src/identifiers/index.ts';

const codes = (input: string) => checkMsisdn(input).errors.map((e) => e.code);

describe('checkMsisdn: accepted forms', () => {
  for (const input of [
    '13812345678',
    '+86 138 1234 5678',
    '8613812345678',
    '+8613812345678',
    '138-1234-5678',
    '0086 138 1234 5678',
    '(+86) 138 1234 5678',
    '１３８１２３４５６７８', // full-width digits from a Chinese IME
    '  13812345678  ',
  ]) {
    it(`normalizes ${JSON.stringify(input)} to E.164`, () => {
      const r = checkMsisdn(input);
      assert.equal(r.valid, true, JSON.stringify(r.errors));
      assert.equal(r.normalized, '+8613812345678');
      assert.equal(r.input, input);
      assert.equal(r.network, 'cmcc');
      assert.equal(r.mvno, false);
      assert.equal(r.mvnoHost, null);
    });
  }
});

describe('checkMsisdn: original network by prefix', () => {
  const cases: Array<[string, string]> = [
    ['13012345678', 'cucc'],
    ['13312345678', 'ctcc'],
    ['13512345678', 'cmcc'],
    ['15812345678', 'cmcc'],
    ['18612345678', 'cucc'],
    ['18912345678', 'ctcc'],
    ['19212345678', 'cbn'],
    ['19512345678', 'cmcc'],
    ['19612345678', 'cucc'],
    ['19912345678', 'ctcc'],
  ];
  for (const [input, network] of cases) {
    it(`${input.slice(0, 3)} is ${network}`, () => {
      const r = checkMsisdn(input);
      assert.equal(r.valid, true);
      assert.equal(r.network, network);
      assert.equal(r.mvno, false);
    });
  }

  it('1340-1348 are China Mobile but 1349 is China Telecom', () => {
    for (let d = 0; d <= 8; d++) assert.equal(checkMsisdn(`134${d}1234567`).network, 'cmcc', `134${d}`);
    assert.equal(checkMsisdn('13491234567').network, 'ctcc');
  });

  it('17400-17405 are China Telecom; 17406-17409 and other 174x are unknown ranges', () => {
    for (let x = 0; x <= 5; x++) {
      const r = checkMsisdn(`1740${x}123456`);
      assert.equal(r.valid, true, `1740${x}`);
      assert.equal(r.network, 'ctcc');
    }
    for (const input of ['17406123456', '17409123456', '17412345678', '17491234567']) {
      assert.deepEqual(codes(input), ['unknown_range'], input);
    }
    assert.match(checkMsisdn('17406123456').errors[0].message, /17406/);
  });

  it('every prefix in the table is accepted with its network and MVNO flag', () => {
    for (const range of MSISDN_RANGES) {
      const number = makeMsisdn(range.prefix, '0'.repeat(11 - range.prefix.length));
      const r = checkMsisdn(number);
      assert.equal(r.valid, true, `${range.prefix}: ${JSON.stringify(r.errors)}`);
      assert.equal(r.network, range.network, range.prefix);
      assert.equal(r.mvno, range.mvno, range.prefix);
    }
  });
});

describe('checkMsisdn: MVNO ranges', () => {
  const cases: Array<[string, string]> = [
    ['16512345678', 'cmcc'],
    ['17031234567', 'cmcc'],
    ['17051234567', 'cmcc'],
    ['17061234567', 'cmcc'],
    ['16712345678', 'cucc'],
    ['17112345678', 'cucc'],
    ['17041234567', 'cucc'],
    ['17071234567', 'cucc'],
    ['17081234567', 'cucc'],
    ['17091234567', 'cucc'],
    ['16212345678', 'ctcc'],
    ['17001234567', 'ctcc'],
    ['17011234567', 'ctcc'],
    ['17021234567', 'ctcc'],
  ];
  for (const [input, host] of cases) {
    const prefix = input.startsWith('170') ? input.slice(0, 4) : input.slice(0, 3);
    it(`${prefix} is an MVNO range hosted on ${host}`, () => {
      const r = checkMsisdn(input);
      assert.equal(r.valid, true);
      assert.equal(r.mvno, true);
      assert.equal(r.network, host);
      assert.equal(r.mvnoHost, host);
    });
  }
});

describe('checkMsisdn: data-only ranges', () => {
  for (const [input, network] of [
    ['14712345678', 'cmcc'],
    ['14512345678', 'cucc'],
    ['14912345678', 'ctcc'],
  ] as const) {
    it(`${input.slice(0, 3)} is valid with a data_only_range warning`, () => {
      const r = checkMsisdn(input);
      assert.equal(r.valid, true);
      assert.equal(r.network, network);
      assert.deepEqual(r.warnings.map((w) => w.code), ['data_only_range']);
    });
  }

  it('ordinary ranges carry no warning', () => {
    assert.deepEqual(checkMsisdn('13812345678').warnings, []);
  });
});

describe('checkMsisdn: rejections', () => {
  const cases: Array<[string, string]> = [
    ['', 'empty'],
    ['   ', 'empty'],
    ['abc', 'not_a_number'],
    ['138-1234-567a', 'not_a_number'],
    ['13812345678 ext 12', 'not_a_number'],
    ['+86+8613812345678', 'not_a_number'],
    ['---', 'not_a_number'],
    ['1', 'wrong_length'],
    ['1381234567', 'wrong_length'],
    ['138123456789', 'wrong_length'],
    ['+86 1381234567', 'wrong_length'],
    ['010 1234 5678', 'not_mobile'],
    ['021-1234-5678', 'not_mobile'],
    ['400 123 4567', 'not_mobile'],
    ['+852 9123 4567', 'not_china'],
    ['+1 212 555 1234', 'not_china'],
    ['+44 7911 123456', 'not_china'],
    ['10012345678', 'unknown_range'],
    ['14012345678', 'unknown_range'],
    ['15412345678', 'unknown_range'],
    ['16012345678', 'unknown_range'],
    ['19412345678', 'unknown_range'],
  ];
  for (const [input, code] of cases) {
    it(`${JSON.stringify(input)} → ${code}`, () => {
      const r = checkMsisdn(input);
      assert.equal(r.valid, false);
      assert.equal(r.normalized, null);
      assert.deepEqual(r.errors.map((e) => e.code), [code]);
      assert.equal(r.network, null);
      assert.equal(r.mvno, false);
      assert.equal(r.mvnoHost, null);
    });
  }

  it('states the expected length and the actual one', () => {
    assert.equal(
      checkMsisdn('1381234567').errors[0].message,
      'A Chinese mobile number has 11 digits after +86; this one has 10 digits.',
    );
  });

  it('does not repeat the number in messages', () => {
    for (const input of ['17406123456', '+852 9123 4567', '1381234567']) {
      for (const e of checkMsisdn(input).errors) assert.ok(!e.message.includes(input.replace(/\D/g, '')), e.message);
    }
  });
});

describe('nationalNumber', () => {
  it('returns the 11 national digits of an E.164 number', () => {
    assert.equal(nationalNumber('+8613812345678'), '13812345678');
    assert.equal(nationalNumber('+86 186 1234 5678'), '18612345678');
  });

  it('refuses something that is not a Chinese mobile number', () => {
    assert.throws(() => nationalNumber('+12125551234'), RangeError);
    assert.throws(() => nationalNumber(''), RangeError);
  });
});
