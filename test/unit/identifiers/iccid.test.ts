import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkIccid, makeIccid, ICCID_ISSUERS } from '../../../src/identifiers/index.ts';
import { changeDigit, digitChange, iccidParts } from './arbitraries.ts';

// 19 digits, Luhn-valid (China Mobile issuer); check digit 0 worked out by hand.
const CMCC_19 = makeIccid('898600', '123456789012');
// A 20-digit ICCID whose last digit is NOT the Luhn digit.
const luhnBreak = (iccid: string) => iccid.slice(0, -1) + String((Number(iccid.slice(-1)) + 1) % 10);

describe('checkIccid: valid ICCIDs and carriers', () => {
  it('a 19-digit China Mobile ICCID with a correct check digit', () => {
    assert.equal(CMCC_19, '8986001234567890120');
    const r = checkIccid(CMCC_19);
    assert.equal(r.valid, true);
    assert.equal(r.normalized, CMCC_19);
    assert.equal(r.carrier, 'cmcc');
    assert.deepEqual(r.warnings, []);
  });

  for (const { prefix, carrier } of ICCID_ISSUERS) {
    it(`issuer ${prefix} is ${carrier}, at 19 and 20 digits`, () => {
      for (const account of ['000011112222', '0000111122223']) {
        const r = checkIccid(makeIccid(prefix, account));
        assert.equal(r.valid, true);
        assert.equal(r.carrier, carrier);
      }
    });
  }

  it('accepts spaces and dashes as printed on cards', () => {
    const r = checkIccid('8986 0012 3456 7890 120');
    assert.equal(r.valid, true);
    assert.equal(r.normalized, CMCC_19);
    assert.equal(checkIccid('89860-01234-56789-0120').normalized, CMCC_19);
  });

  it('an unknown issuer is valid with an unknown_issuer warning and no carrier', () => {
    const r = checkIccid(makeIccid('898615', '000011112222'));
    assert.equal(r.valid, true);
    assert.equal(r.carrier, null);
    assert.deepEqual(r.warnings.map((w) => w.code), ['unknown_issuer']);
  });
});

describe('checkIccid: Luhn', () => {
  it('a wrong check digit on a 19-digit ICCID is an error', () => {
    const r = checkIccid(luhnBreak(CMCC_19));
    assert.equal(r.valid, false);
    assert.equal(r.carrier, null);
    assert.deepEqual(r.errors.map((e) => e.code), ['bad_check_digit']);
  });

  it('a non-Luhn last digit on a 20-digit Chinese ICCID is only a warning, with the reason', () => {
    const r = checkIccid(luhnBreak(makeIccid('898603', '0000111122223')));
    assert.equal(r.valid, true);
    assert.equal(r.carrier, 'ctcc');
    assert.deepEqual(r.warnings.map((w) => w.code), ['luhn_exception_20_digit']);
    assert.match(r.warnings[0].message, /20-digit/);
  });

  it('a Luhn-valid 20-digit ICCID has no warning', () => {
    assert.deepEqual(checkIccid(makeIccid('898603', '0000111122223')).warnings, []);
  });
});

describe('checkIccid: letters', () => {
  it('an old China Unicom ICCID with one letter is valid, upper-cased, with a warning', () => {
    const r = checkIccid('89860109a1234567890');
    assert.equal(r.valid, true);
    assert.equal(r.normalized, '89860109A1234567890');
    assert.equal(r.carrier, 'cucc');
    assert.deepEqual(r.warnings.map((w) => w.code), ['contains_letter']);
  });

  it('a letter in a non-Unicom ICCID is an error', () => {
    const r = checkIccid('89860009A1234567890');
    assert.equal(r.valid, false);
    assert.deepEqual(r.errors.map((e) => e.code), ['unexpected_letter']);
  });

  it('two letters, or other characters, are not an ICCID', () => {
    assert.deepEqual(checkIccid('89860109AB234567890').errors.map((e) => e.code), ['not_digits']);
    assert.deepEqual(checkIccid('8986010901234567890!').errors.map((e) => e.code), ['not_digits']);
  });
});

describe('checkIccid: rejections', () => {
  const cases: Array<[string, string[]]> = [
    ['', ['empty']],
    ['89860012345678901', ['wrong_length']],
    ['898600123456789012345', ['wrong_length']],
    ['8801001234567890123', ['not_iccid']],
    ['4600012345678901234', ['not_iccid']],
    ['8944001234567890123', ['bad_check_digit']],
    ['460001234567890', ['wrong_length', 'not_iccid']],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${expected.join(', ')}`, () => {
      const r = checkIccid(input);
      assert.equal(r.valid, false);
      assert.equal(r.normalized, null);
      assert.equal(r.carrier, null);
      assert.deepEqual(r.errors.map((e) => e.code), expected);
    });
  }

  it('states the expected and actual length', () => {
    assert.equal(checkIccid('89860012345678901').errors[0].message, 'An ICCID has 19 or 20 digits; this one has 17 characters.');
  });
});

describe('makeIccid', () => {
  it('refuses malformed parts', () => {
    assert.throws(() => makeIccid('89860', '123456789012'), RangeError);
    assert.throws(() => makeIccid('898600', '12345678901'), RangeError);
  });
});

describe('checkIccid: properties', () => {
  it('any generated ICCID is valid, with the issuer carrier and no warning', () => {
    fc.assert(
      fc.property(iccidParts, ({ issuer, account }) => {
        const iccid = makeIccid(issuer, account);
        const r = checkIccid(iccid);
        assert.equal(r.valid, true);
        assert.equal(r.normalized, iccid);
        assert.equal(r.carrier, ICCID_ISSUERS.find((i) => i.prefix === issuer)?.carrier);
        assert.deepEqual(r.warnings, []);
      }),
    );
  });

  it('any single-digit change after the 8986 prefix breaks Luhn: an error at 19 digits, a warning at 20', () => {
    fc.assert(
      fc.property(iccidParts, digitChange(16), ({ issuer, account }, { index, delta }) => {
        const iccid = makeIccid(issuer, account);
        // Changing the prefix 8986 gives not_iccid / not_china instead; keep the prefix.
        const changed = changeDigit(iccid, 4 + (index % (iccid.length - 4)), delta);
        const r = checkIccid(changed);
        if (iccid.length === 19) {
          assert.equal(r.valid, false);
          assert.ok(r.errors.some((e) => e.code === 'bad_check_digit'));
        } else {
          assert.ok(r.warnings.some((w) => w.code === 'luhn_exception_20_digit'));
        }
      }),
    );
  });
});
