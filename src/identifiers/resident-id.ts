/**
 * Resident identity card number (GB 11643-1999): 6-digit region + YYYYMMDD birth date + 3-digit
 * sequence (odd = male) + check character (ISO 7064 MOD 11-2, 10 written X). Pure: the "past date"
 * rule takes the current time as a parameter.
 *
 * Messages never repeat the birth date or other digits of the number: it is personal data.
 */
import { PROVINCE_CODES } from './ranges.ts';
import { asString, compact, count, issue, result } from './internal.ts';
import type { CheckResult, Issue } from './types.ts';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const ID_LENGTH = 18;
const EARLIEST_BIRTH_YEAR = 1900;
/** Mainland China time (UTC+8, no daylight saving): the day a birth date is compared with. */
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * The check character ('0'-'9' or 'X') for the first 17 digits of a resident ID:
 * (12 - (weighted sum mod 11)) mod 11. Throws RangeError unless given 17 digits.
 */
export function residentIdCheckChar(first17: string): string {
  if (!/^[0-9]{17}$/.test(first17)) throw new RangeError('residentIdCheckChar expects exactly 17 digits.');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i];
  const check = (12 - (sum % 11)) % 11;
  return check === 10 ? 'X' : String(check);
}

/** 'YYYY-MM-DD' when `yyyymmdd` is a real calendar date, else null. */
function calendarDate(yyyymmdd: string): string | null {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  const date = new Date(Date.UTC(2000, m - 1, d));
  date.setUTCFullYear(y); // Date.UTC maps years 0-99 to 1900-1999; set the year explicitly.
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}

/** Today's date in mainland China as 'YYYY-MM-DD'. */
function chinaToday(now: Date): string {
  return new Date(now.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * Checks a resident ID number. `now` (default: the current time) decides what "in the future" means;
 * the comparison uses the calendar date in mainland China.
 */
export function checkResidentId(input: string, now: Date = new Date()): CheckResult {
  const raw = asString(input);
  const text = compact(raw).toUpperCase();
  const errors: Issue[] = [];
  const none = { birthDate: null, sex: null, province: null };
  const fail = (code: string, message: string): CheckResult =>
    result('resident-id', raw, '', [issue(code, message)], [], none);

  if (text === '') return fail('empty', `No resident ID number was given; expected ${ID_LENGTH} characters (17 digits and a digit or X).`);
  if (text.length !== ID_LENGTH) {
    const old = text.length === 15 ? ' Old 15-digit numbers (first-generation cards) are no longer accepted.' : '';
    return fail(
      'wrong_length',
      `A resident ID number has ${ID_LENGTH} characters; this one has ${count(text.length, 'character')}.${old}`,
    );
  }
  if (!/^[0-9]{17}[0-9X]$/.test(text)) {
    return fail('bad_format', 'A resident ID number is 17 digits followed by a digit or the letter X; this one has other characters.');
  }

  const province = text.slice(0, 2);
  if (!PROVINCE_CODES.includes(province)) {
    errors.push(
      issue('bad_province', 'The first two digits are not a province code (expected 11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71, 81, 82 or 83).'),
    );
  }

  const birthDate = calendarDate(text.slice(6, 14));
  if (birthDate === null) {
    errors.push(issue('bad_date', 'Digits 7-14 should be the birth date as YYYYMMDD, but they are not a real calendar date.'));
  } else if (Number(birthDate.slice(0, 4)) < EARLIEST_BIRTH_YEAR) {
    errors.push(issue('bad_date', `The birth date (digits 7-14) is before ${EARLIEST_BIRTH_YEAR}, which is not plausible.`));
  } else if (birthDate > chinaToday(now)) {
    errors.push(issue('future_date', 'The birth date (digits 7-14) is in the future; expected a past date.'));
  }

  if (residentIdCheckChar(text.slice(0, 17)) !== text[17]) {
    errors.push(
      issue('bad_check_char', 'The last character does not match the check character computed from the first 17 digits; one character is probably mistyped.'),
    );
  }

  if (errors.length > 0) return result('resident-id', raw, '', errors, [], none);
  return result('resident-id', raw, text, [], [], {
    birthDate,
    sex: Number(text[16]) % 2 === 1 ? 'male' : 'female',
    province,
  });
}
