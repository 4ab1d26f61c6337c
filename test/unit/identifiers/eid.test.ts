import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkEid, eidCheckDigits, makeEid } from '../../../src/identifiers/index.ts';
import { changeDigit, digitChange, digitString } from './arbitraries.ts';

// Published examples: the SGP.23 test EID and the SGP.29 example EID.
const SGP23_EID = '89001012012341234012345678901224';
const SGP29_EID = '89049032123451234512345678901235';

describe('checkEid', () => {
  it('accepts published GSMA example EIDs', () => {
    for (const eid of [SGP23_EID, SGP29_EID]) {
      const r = checkEid(eid);
      assert.equal(r.valid, true, eid);
      assert.equal(r.normalized, eid);
      assert.deepEqual(r.errors, []);
    }
  });

  it('eidCheckDigits reproduces the check digits of the published EIDs', () => {
    assert.equal(eidCheckDigits(SGP23_EID.slice(0, 30)), '24');
    assert.equal(eidCheckDigits(SGP29_EID.slice(0, 30)), '35');
  });

  it('zero-pads check digits below 10', () => {
    // 98 - (n mod 97) is below 10 when n mod 97 > 88; find such a body and check the padding.
    const body = Array.from({ length: 200 }, (_, i) => `890490321234512345123456${String(i).padStart(6, '0')}`).find(
      (b) => Number(eidCheckDigits(b)) < 10,
    );
    assert.ok(body);
    const eid = makeEid(body);
    assert.equal(eid.length, 32);
    assert.match(eid.slice(30), /^0[0-9]$/);
    assert.equal(checkEid(eid).valid, true);
  });

  it('accepts spaces between digit groups', () => {
    assert.equal(checkEid('8900 1012 0123 4123 4012 3456 7890 1224').normalized, SGP23_EID);
  });

  const cases: Array<[string, string]> = [
    ['', 'empty'],
    ['8900101201234123401234567890122A', 'not_digits'],
    ['8900101201234123401234567890122', 'wrong_length'],
    ['890010120123412340123456789012245', 'wrong_length'],
    ['89001012012341234012345678901225', 'bad_check_digits'],
    ['89001012012341234012345678901242', 'bad_check_digits'],
  ];
  for (const [input, code] of cases) {
    it(`${JSON.stringify(input)} → ${code}`, () => {
      const r = checkEid(input);
      assert.equal(r.valid, false);
      assert.equal(r.normalized, null);
      assert.deepEqual(r.errors.map((e) => e.code), [code]);
    });
  }

  it('states the expected and actual length', () => {
    assert.equal(checkEid('8900101201234123401234567890122').errors[0].message, 'An EID has 32 digits; this one has 31 digits.');
  });

  it('eidCheckDigits and makeEid refuse anything but 30 digits', () => {
    assert.throws(() => eidCheckDigits('123'), RangeError);
    assert.throws(() => makeEid('8900101201234123401234567890122'), RangeError);
  });
});

describe('checkEid: properties', () => {
  it('any generated EID is valid', () => {
    fc.assert(fc.property(digitString(30), (body) => assert.equal(checkEid(makeEid(body)).valid, true)));
  });

  it('any single-digit change of a valid EID fails the check', () => {
    fc.assert(
      fc.property(digitString(30), digitChange(32), (body, { index, delta }) => {
        const r = checkEid(changeDigit(makeEid(body), index, delta));
        assert.deepEqual(r.errors.map((e) => e.code), ['bad_check_digits']);
      }),
    );
  });
});
