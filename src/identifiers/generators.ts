/**
 * Generators of valid identifiers for demo data and tests. Pure. They throw RangeError on malformed
 * arguments (a programming error), unlike the checks, which never throw.
 */
import { luhnCheckDigit } from './luhn.ts';
import { eidCheckDigits } from './eid.ts';
import { residentIdCheckChar } from './resident-id.ts';
import { CHINA_MCC } from './ranges.ts';

function digits(value: string, lengths: readonly number[], what: string): string {
  if (!/^[0-9]+$/.test(value) || !lengths.includes(value.length)) {
    throw new RangeError(`${what} must be ${lengths.join(' or ')} digits.`);
  }
  return value;
}

/**
 * A 19- or 20-digit ICCID with a correct Luhn check digit: the 6-digit issuer prefix (e.g. '898600',
 * see ICCID_ISSUERS) + 12 or 13 account digits + check digit.
 */
export function makeIccid(issuerPrefix6: string, accountDigits: string): string {
  const body = digits(issuerPrefix6, [6], 'issuerPrefix6') + digits(accountDigits, [12, 13], 'accountDigits');
  return body + luhnCheckDigit(body);
}

/** A 32-digit EID: the 30-digit body + its two MOD 97-10 check digits. */
export function makeEid(body30: string): string {
  return digits(body30, [30], 'body30') + eidCheckDigits(body30);
}

/** An 18-character resident ID number with a correct check character. */
export function makeResidentId(parts: { region6: string; birthDate: string; seq3: string }): string {
  const first17 =
    digits(parts.region6, [6], 'region6') +
    digits(parts.birthDate, [8], 'birthDate (YYYYMMDD)') +
    digits(parts.seq3, [3], 'seq3');
  return first17 + residentIdCheckChar(first17);
}

/** A 15-digit Chinese IMSI: 460 + 2-digit MNC (see IMSI_MNCS) + 10-digit MSIN. */
export function makeImsi(mnc2: string, msin10: string): string {
  return CHINA_MCC + digits(mnc2, [2], 'mnc2') + digits(msin10, [10], 'msin10');
}

/**
 * An E.164 mobile number: a prefix from MSISDN_RANGES (3-5 digits) completed to 11 national digits
 * with `subscriber` (exactly 11 - prefix length digits).
 */
export function makeMsisdn(prefix: string, subscriber: string): string {
  digits(prefix, [3, 4, 5], 'prefix');
  return `+86${prefix}${digits(subscriber, [11 - prefix.length], 'subscriber')}`;
}
