import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkResidentId, makeResidentId, residentIdCheckChar, PROVINCE_CODES } from '../../../src/identifiers/index.ts';
import { changeDigit, digitChange, residentIdParts } from './arbitraries.ts';

const NOW = new Date('2025-06-01T12:00:00Z');
// The worked example of GB 11643-1999 (check character X).
const GB_EXAMPLE = '11010519491231002X';
const make = (birthDate: string, seq3 = '123', region6 = '110101') => makeResidentId({ region6, birthDate, seq3 });
const codes = (input: string, now = NOW) => checkResidentId(input, now).errors.map((e) => e.code);

describe('checkResidentId: valid numbers', () => {
  it('accepts the GB 11643-1999 example and reads birth date, sex and province', () => {
    const r = checkResidentId(GB_EXAMPLE, NOW);
    assert.equal(r.valid, true);
    assert.equal(r.normalized, GB_EXAMPLE);
    assert.equal(r.birthDate, '1949-12-31');
    assert.equal(r.sex, 'female'); // 17th digit 2 is even
    assert.equal(r.province, '11');
  });

  it('residentIdCheckChar computes X for the standard example and 4 for 44052418800101001', () => {
    assert.equal(residentIdCheckChar(GB_EXAMPLE.slice(0, 17)), 'X');
    assert.equal(residentIdCheckChar('44052418800101001'), '4');
  });

  it('accepts a lower-case x and normalizes it to upper case', () => {
    const r = checkResidentId(GB_EXAMPLE.toLowerCase(), NOW);
    assert.equal(r.valid, true);
    assert.equal(r.normalized, GB_EXAMPLE);
  });

  it('accepts spaces between the groups', () => {
    assert.equal(checkResidentId('110105 19491231 002X', NOW).normalized, GB_EXAMPLE);
  });

  it('an odd 17th digit is male, an even one female', () => {
    assert.equal(checkResidentId(make('19900101', '011'), NOW).sex, 'male');
    assert.equal(checkResidentId(make('19900101', '019'), NOW).sex, 'male');
    assert.equal(checkResidentId(make('19900101', '010'), NOW).sex, 'female');
    assert.equal(checkResidentId(make('19900101', '018'), NOW).sex, 'female');
  });

  it('accepts every listed province code, including 83 (Taiwan residents)', () => {
    for (const p of [...PROVINCE_CODES, '83']) {
      const r = checkResidentId(make('19900101', '123', `${p}0101`), NOW);
      assert.equal(r.valid, true, p);
      assert.equal(r.province, p);
    }
  });
});

describe('checkResidentId: dates', () => {
  it('29 February 2000 is a real date (leap year divisible by 400)', () => {
    const r = checkResidentId(make('20000229'), NOW);
    assert.equal(r.valid, true);
    assert.equal(r.birthDate, '2000-02-29');
  });

  it('29 February 1900 is not (1900 was not a leap year)', () => {
    assert.deepEqual(codes(make('19000229')), ['bad_date']);
  });

  it('rejects impossible dates', () => {
    for (const d of ['19990231', '19991301', '19990001', '19990100', '19990431']) {
      assert.deepEqual(codes(make(d)), ['bad_date'], d);
    }
  });

  it('rejects a birth year before 1900 but accepts 1 January 1900', () => {
    assert.deepEqual(codes(make('18991231')), ['bad_date']);
    assert.equal(checkResidentId(make('19000101'), NOW).valid, true);
  });

  it('rejects a date after today and accepts today', () => {
    assert.deepEqual(codes(make('20250602')), ['future_date']);
    assert.equal(checkResidentId(make('20250601'), NOW).valid, true);
  });

  it('"today" is the calendar date in China (UTC+8)', () => {
    // 16:30 UTC on 31 May is already 00:30 on 1 June in Beijing.
    const lateUtc = new Date('2025-05-31T16:30:00Z');
    assert.equal(checkResidentId(make('20250601'), lateUtc).valid, true);
    const earlierUtc = new Date('2025-05-31T15:30:00Z');
    assert.deepEqual(codes(make('20250601'), earlierUtc), ['future_date']);
  });

  it('uses the current time when no `now` is given', () => {
    assert.equal(checkResidentId(GB_EXAMPLE).valid, true);
    assert.deepEqual(checkResidentId(make('29991231')).errors.map((e) => e.code), ['future_date']);
  });

  it('never repeats the birth date in a message', () => {
    for (const e of checkResidentId(make('19990231'), NOW).errors) assert.ok(!e.message.includes('19990231'));
    for (const e of checkResidentId(make('20250602'), NOW).errors) assert.ok(!/2025/.test(e.message));
  });
});

describe('checkResidentId: rejections', () => {
  const cases: Array<[string, string[]]> = [
    ['', ['empty']],
    ['11010519491231002', ['wrong_length']],
    ['11010519491231002X1', ['wrong_length']],
    ['110105194912310', ['wrong_length']],
    ['1101051949123100XX', ['bad_format']],
    ['11010519491231002Y', ['bad_format']],
    ['11010519491231002-', ['wrong_length']],
    ['11O10519491231002X', ['bad_format']],
    ['110105194912310021', ['bad_check_char']],
    [make('19900101', '123', '990101'), ['bad_province']],
    [make('19900101', '123', '100101'), ['bad_province']],
    [make('19900101', '123', '840101'), ['bad_province']],
    [make('19990231', '123', '990101'), ['bad_province', 'bad_date']],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${expected.join(', ')}`, () => {
      const r = checkResidentId(input, NOW);
      assert.equal(r.valid, false);
      assert.equal(r.normalized, null);
      assert.equal(r.birthDate, null);
      assert.equal(r.sex, null);
      assert.equal(r.province, null);
      assert.deepEqual(r.errors.map((e) => e.code), expected);
    });
  }

  it('explains that old 15-digit numbers are no longer accepted', () => {
    assert.match(checkResidentId('110105491231002', NOW).errors[0].message, /18 characters; this one has 15.*15-digit/);
  });

  it('makeResidentId refuses malformed parts', () => {
    assert.throws(() => makeResidentId({ region6: '11010', birthDate: '19900101', seq3: '123' }), RangeError);
    assert.throws(() => makeResidentId({ region6: '110101', birthDate: '1990-01-01', seq3: '123' }), RangeError);
    assert.throws(() => residentIdCheckChar('1234'), RangeError);
  });
});

describe('checkResidentId: properties', () => {
  it('any generated resident ID is valid and reads back its parts', () => {
    fc.assert(
      fc.property(residentIdParts, (parts) => {
        const r = checkResidentId(makeResidentId(parts), NOW);
        assert.equal(r.valid, true, JSON.stringify(r.errors));
        assert.equal(r.birthDate?.replaceAll('-', ''), parts.birthDate);
        assert.equal(r.province, parts.region6.slice(0, 2));
        assert.equal(r.sex, Number(parts.seq3[2]) % 2 === 1 ? 'male' : 'female');
      }),
    );
  });

  it('any single-digit change in the first 17 digits fails the check character', () => {
    fc.assert(
      fc.property(residentIdParts, digitChange(17), (parts, { index, delta }) => {
        const id = makeResidentId(parts);
        const r = checkResidentId(changeDigit(id, index, delta), NOW);
        assert.equal(r.valid, false);
        assert.ok(r.errors.some((e) => e.code === 'bad_check_char'));
      }),
    );
  });

  it('any other check character fails', () => {
    fc.assert(
      fc.property(residentIdParts, fc.constantFrom(...'0123456789X'), (parts, other) => {
        const id = makeResidentId(parts);
        fc.pre(other !== id[17]);
        assert.deepEqual(checkResidentId(id.slice(0, 17) + other, NOW).errors.map((e) => e.code), ['bad_check_char']);
      }),
    );
  });
});
