import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkImsi, makeImsi } from '../../../src/identifiers/index.ts';

describe('checkImsi: carriers by MNC', () => {
  const cases: Array<[string, string]> = [
    ['00', 'cmcc'],
    ['02', 'cmcc'],
    ['07', 'cmcc'],
    ['08', 'cmcc'],
    ['01', 'cucc'],
    ['06', 'cucc'],
    ['09', 'cucc'],
    ['03', 'ctcc'],
    ['05', 'ctcc'],
    ['11', 'ctcc'],
    ['15', 'cbn'],
  ];
  for (const [mnc, carrier] of cases) {
    it(`460-${mnc} is ${carrier}`, () => {
      const r = checkImsi(`460${mnc}1234567890`);
      assert.equal(r.valid, true);
      assert.equal(r.carrier, carrier);
      assert.equal(r.normalized, `460${mnc}1234567890`);
      assert.deepEqual(r.warnings, []);
    });
  }

  it('460-04 is valid, but the carrier is unknown and a warning says why', () => {
    const r = checkImsi('460041234567890');
    assert.equal(r.valid, true);
    assert.equal(r.carrier, null);
    assert.deepEqual(r.warnings.map((w) => w.code), ['ambiguous_mnc']);
  });

  it('460-20 (railway GSM-R) is valid with a railway_network warning and no carrier', () => {
    const r = checkImsi('460201234567890');
    assert.equal(r.valid, true);
    assert.equal(r.carrier, null);
    assert.deepEqual(r.warnings.map((w) => w.code), ['railway_network']);
  });

  it('accepts spaces and full-width digits', () => {
    const r = checkImsi('460 00 １２３４５６７８９０');
    assert.equal(r.valid, true);
    assert.equal(r.normalized, '460001234567890');
  });

  it('makeImsi builds an IMSI that checks as valid', () => {
    assert.equal(makeImsi('01', '0000000001'), '460010000000001');
    assert.equal(checkImsi(makeImsi('11', '9999999999')).carrier, 'ctcc');
    assert.throws(() => makeImsi('1', '0000000001'), RangeError);
  });
});

describe('checkImsi: rejections', () => {
  const cases: Array<[string, string]> = [
    ['', 'empty'],
    ['46000123456789X', 'not_digits'],
    ['46000123456789', 'wrong_length'],
    ['4600012345678901', 'wrong_length'],
    ['310150123456789', 'not_china'],
    ['454001234567890', 'not_china'],
    ['460101234567890', 'unknown_mnc'],
    ['460991234567890', 'unknown_mnc'],
  ];
  for (const [input, code] of cases) {
    it(`${JSON.stringify(input)} → ${code}`, () => {
      const r = checkImsi(input);
      assert.equal(r.valid, false);
      assert.equal(r.normalized, null);
      assert.equal(r.carrier, null);
      assert.deepEqual(r.errors.map((e) => e.code), [code]);
    });
  }

  it('says what was expected', () => {
    assert.equal(checkImsi('46000123456789').errors[0].message, 'An IMSI has 15 digits; this one has 14 digits.');
    assert.match(checkImsi('310150123456789').errors[0].message, /460.*310/);
  });
});
