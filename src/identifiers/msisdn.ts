/**
 * Mobile numbers (MSISDN): +86 and an 11-digit national number starting with 1, or a 13-digit IoT
 * number (IOT_RANGES: 1440…, 146…, 1410…), which libphonenumber does not know.
 * Parsing and E.164 formatting use libphonenumber-js (full metadata, which also tells fixed lines
 * and service numbers apart); the original network comes from the prefix table in ranges.ts, which
 * is the authority on which mobile ranges exist.
 */
import { parsePhoneNumberFromString, type PhoneNumber } from 'libphonenumber-js/max';
import { CARRIERS, IOT_NUMBER_LENGTH, MSISDN_RANGES, findIotRange, findMsisdnRange } from './ranges.ts';
import { asString, count, issue, result } from './internal.ts';
import type { CheckResult, Issue } from './types.ts';

/** Digits grouped by spaces, hyphens, dots or brackets, with at most one '+' before the digits. */
const PHONE_CHARS = /^[\s(]*\+?[0-9\s\-.()]+$/;
const NATIONAL_LENGTH = 11;

export function checkMsisdn(input: string): CheckResult {
  const raw = asString(input);
  const text = raw.normalize('NFKC').trim();
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const empty = { network: null, mvno: false, mvnoHost: null };
  const fail = (code: string, message: string): CheckResult =>
    result('msisdn', raw, '', [issue(code, message)], warnings, empty);

  if (text === '') return fail('empty', 'No mobile number was given; expected 11 digits starting with 1, e.g. 138 1234 5678.');
  if (!PHONE_CHARS.test(text) || !/[0-9]/.test(text)) {
    return fail(
      'not_a_number',
      'A mobile number may contain only digits, an optional leading +, spaces, dashes, dots or brackets; this one contains other characters.',
    );
  }

  const iot = checkIotNumber(raw, text);
  if (iot) return iot;

  let parsed: PhoneNumber | undefined;
  try {
    parsed = parsePhoneNumberFromString(text, 'CN');
  } catch {
    parsed = undefined;
  }
  if (!parsed) {
    const digits = text.replace(/[^0-9]/g, '').length;
    return fail('wrong_length', `A Chinese mobile number has ${NATIONAL_LENGTH} digits; this one has ${count(digits, 'digit')}.`);
  }
  if (parsed.countryCallingCode !== '86') {
    return fail(
      'not_china',
      `Only mainland China numbers (+86) are handled; this one has country code +${parsed.countryCallingCode}.`,
    );
  }

  const national = parsed.nationalNumber;
  const type = parsed.getType();
  if (!national.startsWith('1') || (type !== undefined && type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE')) {
    return fail(
      'not_mobile',
      'This is not a mobile number: Chinese mobile numbers have 11 digits and start with 1 (landlines start with an area code such as 010 or 021).',
    );
  }
  if (national.length !== NATIONAL_LENGTH) {
    return fail(
      'wrong_length',
      `A Chinese mobile number has ${NATIONAL_LENGTH} digits after +86; this one has ${count(national.length, 'digit')}.`,
    );
  }

  const range = findMsisdnRange(national);
  if (!range) {
    // Show 5 digits when the 3-digit block is partly allocated (e.g. 17406 next to 17400-17405).
    const head = national.slice(0, 3);
    const shown = MSISDN_RANGES.some((r) => r.prefix.startsWith(head)) ? national.slice(0, 5) : head;
    return fail(
      'unknown_range',
      `No known mobile network range (号段) starts with ${shown}; expected a prefix such as 138, 186 or 189. Check the first digits.`,
    );
  }
  if (range.dataOnly) {
    warnings.push(
      issue(
        'data_only_range',
        `The prefix ${range.prefix} is a data-only range of ${CARRIERS[range.network].nameEn}: the line is probably a data or IoT SIM without voice service.`,
      ),
    );
  }
  return result('msisdn', raw, `+86${national}`, errors, warnings, {
    network: range.network,
    mvno: range.mvno,
    mvnoHost: range.mvno ? range.network : null,
  });
}

/**
 * A 13-digit IoT number, with or without +86 / 0086 / 86: valid with its network and a warning that
 * it has no voice service. Null when the digits are not 13 in an IoT range (the usual checks apply).
 */
function checkIotNumber(raw: string, text: string): CheckResult | null {
  let digits = text.replace(/[\s\-.()]/g, '');
  const international = digits.startsWith('+86') || digits.startsWith('0086');
  digits = digits.replace(/^(\+86|0086)/, '');
  if (!international && digits.length === IOT_NUMBER_LENGTH + 2 && digits.startsWith('86')) digits = digits.slice(2);
  if (!/^[0-9]+$/.test(digits)) return null;
  const range = findIotRange(digits);
  if (!range) return null;
  const warning = issue(
    'iot_number',
    `A ${IOT_NUMBER_LENGTH}-digit IoT number (物联网号码) of ${CARRIERS[range.network].nameEn} (range ${range.prefix}): data and SMS only, no voice service.`,
  );
  return result('msisdn', raw, `+86${digits}`, [], [warning], { network: range.network, mvno: false, mvnoHost: null, iot: true });
}

/**
 * The 11-digit national number of a Chinese mobile number in any form checkMsisdn accepts
 * (typically its E.164 form, '+8613812345678' → '13812345678').
 * Throws RangeError if the number is not a valid Chinese mobile number: validate first.
 */
export function nationalNumber(e164: string): string {
  const checked = checkMsisdn(e164);
  if (!checked.valid || checked.normalized === null) {
    throw new RangeError(`nationalNumber expects a valid Chinese mobile number (${checked.errors[0]?.code}).`);
  }
  return checked.normalized.slice(3);
}
