/** fast-check arbitraries shared by the identifier tests. */
import fc from 'fast-check';
import { ICCID_ISSUERS, PROVINCE_CODES } from '../../../src/identifiers/index.ts';

export const digitString = (length: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: length, maxLength: length });

export const iccidParts = fc.record({
  issuer: fc.constantFrom(...ICCID_ISSUERS.map((i) => i.prefix)),
  account: fc.oneof(digitString(12), digitString(13)),
});

const yyyymmdd = (d: Date): string => d.toISOString().slice(0, 10).replaceAll('-', '');

/** Birth dates from 1900-01-01 to 2024-12-31; tests pass a `now` after that. */
export const residentIdParts = fc.record({
  region6: fc.tuple(fc.constantFrom(...PROVINCE_CODES), digitString(4)).map(([p, rest]) => p + rest),
  birthDate: fc
    .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2024-12-31T00:00:00Z'), noInvalidDate: true })
    .map(yyyymmdd),
  seq3: digitString(3),
});

/**
 * A position in a string of `length` digits and a different digit to put there:
 * every single-digit substitution is reachable.
 */
export const digitChange = (length: number) =>
  fc.record({ index: fc.nat({ max: length - 1 }), delta: fc.integer({ min: 1, max: 9 }) });

/** `value` with the digit at `index` replaced by (digit + delta) mod 10, which always differs. */
export function changeDigit(value: string, index: number, delta: number): string {
  const digit = (Number(value[index]) + delta) % 10;
  return value.slice(0, index) + String(digit) + value.slice(index + 1);
}
