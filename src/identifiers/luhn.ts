/** Luhn (mod 10) check digit, as used by ICCIDs (ITU-T E.118). Pure. */

const DIGITS = /^[0-9]+$/;

/**
 * The Luhn check digit ('0'-'9') to append to `digits`.
 * Throws RangeError if `digits` is not a non-empty string of ASCII digits.
 */
export function luhnCheckDigit(digits: string): string {
  if (!DIGITS.test(digits)) throw new RangeError('luhnCheckDigit expects a non-empty string of digits.');
  let sum = 0;
  // Walk from the right; the rightmost payload digit is doubled (it sits next to the check digit).
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/** True when the last digit of `digitsWithCheck` is the Luhn check digit of the others. */
export function isLuhnValid(digitsWithCheck: string): boolean {
  if (!DIGITS.test(digitsWithCheck) || digitsWithCheck.length < 2) return false;
  return luhnCheckDigit(digitsWithCheck.slice(0, -1)) === digitsWithCheck.slice(-1);
}
