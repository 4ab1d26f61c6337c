/** ISO 7064 MOD 97-10 arithmetic on long decimal strings (EID check digits). Pure. */

const DIGITS = /^[0-9]+$/;

/** `digits` (any length) modulo 97. Throws RangeError if not a non-empty string of digits. */
export function mod97(digits: string): number {
  if (!DIGITS.test(digits)) throw new RangeError('mod97 expects a non-empty string of digits.');
  return Number(BigInt(digits) % 97n);
}
