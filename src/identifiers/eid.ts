/** EID (GSMA SGP.29): 32 digits; the whole number mod 97 equals 1 (ISO 7064 MOD 97-10). Pure. */
import { mod97 } from './mod97.ts';
import { asString, compact, count, issue, result } from './internal.ts';
import type { CheckResult } from './types.ts';

const EID_LENGTH = 32;

/**
 * The two check digits that end an EID whose first 30 digits are `first30`: with the check digits
 * set to 00, check = 98 - (n mod 97), zero-padded. Throws RangeError unless given 30 digits.
 */
export function eidCheckDigits(first30: string): string {
  if (!/^[0-9]{30}$/.test(first30)) throw new RangeError('eidCheckDigits expects exactly 30 digits.');
  return String(98 - mod97(`${first30}00`)).padStart(2, '0');
}

export function checkEid(input: string): CheckResult {
  const raw = asString(input);
  const text = compact(raw);
  const fail = (code: string, message: string): CheckResult =>
    result('eid', raw, '', [issue(code, message)], [], {});

  if (text === '') return fail('empty', `No EID was given; expected ${EID_LENGTH} digits.`);
  if (!/^[0-9]+$/.test(text)) return fail('not_digits', `An EID contains only digits (${EID_LENGTH} of them); this one contains other characters.`);
  if (text.length !== EID_LENGTH) {
    return fail('wrong_length', `An EID has ${EID_LENGTH} digits; this one has ${count(text.length, 'digit')}.`);
  }
  if (mod97(text) !== 1) {
    return fail(
      'bad_check_digits',
      'The EID check digits (the last two) do not match the other 30 digits (the whole number mod 97 must be 1); one digit is probably mistyped.',
    );
  }
  return result('eid', raw, text, [], [], {});
}
