import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isLuhnValid, luhnCheckDigit, mod97 } from '../../../src/identifiers/index.ts';
import { changeDigit, digitChange, digitString } from './arbitraries.ts';

describe('luhnCheckDigit', () => {
  it('matches published examples', () => {
    assert.equal(luhnCheckDigit('7992739871'), '3'); // the textbook example 79927398713
    assert.equal(luhnCheckDigit('8901410321111851072'), '0'); // a published AT&T ICCID
    assert.equal(luhnCheckDigit('0'), '0');
  });

  it('refuses non-digits and the empty string', () => {
    assert.throws(() => luhnCheckDigit(''), RangeError);
    assert.throws(() => luhnCheckDigit('12a4'), RangeError);
  });

  it('isLuhnValid accepts a correct number and rejects a wrong last digit or non-digits', () => {
    assert.equal(isLuhnValid('79927398713'), true);
    assert.equal(isLuhnValid('79927398710'), false);
    assert.equal(isLuhnValid('7'), false);
    assert.equal(isLuhnValid('7992739871a'), false);
  });

  it('property: any number with its check digit appended is valid', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }).chain(digitString), (body) => {
        assert.equal(isLuhnValid(body + luhnCheckDigit(body)), true);
      }),
    );
  });

  it('property: any single-digit change of a valid number is detected', () => {
    fc.assert(
      fc.property(digitString(19), digitChange(20), (body, { index, delta }) => {
        assert.equal(isLuhnValid(changeDigit(body + luhnCheckDigit(body), index, delta)), false);
      }),
    );
  });
});

describe('mod97', () => {
  it('computes the remainder of numbers longer than 2^53', () => {
    assert.equal(mod97('97'), 0);
    assert.equal(mod97('98'), 1);
    assert.equal(mod97('0'), 0);
    assert.equal(mod97('89001012012341234012345678901224'), 1);
    assert.equal(mod97('1'.padEnd(31, '0')), Number(10n ** 30n % 97n));
  });

  it('refuses non-digits', () => {
    assert.throws(() => mod97(''), RangeError);
    assert.throws(() => mod97('12 34'), RangeError);
  });
});
