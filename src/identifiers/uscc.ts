/**
 * Unified social credit code (统一社会信用代码, GB 32100-2015): the 18-character number on every
 * Chinese business licence. Pure.
 *
 *   1      registration authority (1 机构编制, 5 民政, 9 市场监管/工商, Y other, …)
 *   2      organisation category within that authority (9 then 1 = enterprise, 2 = individual business…)
 *   3-8    administrative region (GB/T 2260), e.g. 440300 Shenzhen
 *   9-17   organisation code (GB 11714): 8 characters + its own check character
 *   18     check character: ISO 7064 MOD 31-3 with weights 3^(i) mod 31 over the charset below
 *
 * The charset is the digits and the capital letters without I, O, S, V, Z (31 characters). A wrong
 * 18th character is an error (a mistyped code); a wrong organisation-code check (9th-17th) is only a
 * warning, since codes issued before 2015 were converted as they were.
 */
import { PROVINCE_CODES } from './ranges.ts';
import { asString, compact, count, issue, result } from './internal.ts';
import type { CheckResult, Issue } from './types.ts';

export const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
const USCC_LENGTH = 18;

/** Registration authorities (first character) listed in GB 32100-2015, Annex A. */
const AUTHORITIES: Readonly<Record<string, string>> = {
  '1': 'institutional_staffing', '2': 'foreign_affairs', '3': 'judicial_administration', '4': 'culture',
  '5': 'civil_affairs', '6': 'tourism', '7': 'religious_affairs', '8': 'trade_union', '9': 'market_regulation',
  A: 'central_military_commission', N: 'agriculture', Y: 'other',
};

/** The organisation types registered by market regulation (first character 9). */
const MARKET_TYPES: Readonly<Record<string, string>> = { '1': 'enterprise', '2': 'individual_business', '3': 'farmers_cooperative' };

/** The 18th character of a unified social credit code from its first 17 (all from the charset). */
export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARSET.indexOf(first17[i]) * USCC_WEIGHTS[i];
  return USCC_CHARSET[(31 - (sum % 31)) % 31];
}

/** The check character (9th) of an organisation code (GB 11714) from its first 8 characters. */
export function organizationCodeCheckChar(first8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += parseInt(first8[i], 36) * ORG_WEIGHTS[i];
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

export function checkUscc(input: string): CheckResult {
  const raw = asString(input);
  const text = compact(raw).toUpperCase();
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const done = (extra: Partial<CheckResult> = {}): CheckResult =>
    result('uscc', raw, text, errors, warnings, { organizationType: null, province: null, ...(errors.length === 0 ? extra : {}) });

  if (text === '') {
    errors.push(issue('empty', 'No unified social credit code was given; expected 18 characters, e.g. 91440300MA5xxxxxxx.'));
    return done();
  }
  if (!/^[0-9A-Z]+$/.test(text)) {
    errors.push(issue('not_digits', 'A unified social credit code has only digits and capital letters; this one contains other characters.'));
    return done();
  }
  if (text.length !== USCC_LENGTH) {
    errors.push(issue('wrong_length', `A unified social credit code has ${USCC_LENGTH} characters; this one has ${count(text.length, 'character')}.`));
    return done();
  }
  const foreign = [...text].filter((c) => !USCC_CHARSET.includes(c));
  if (foreign.length > 0) {
    errors.push(
      issue('bad_character', `The letters I, O, S, V and Z are never used in a unified social credit code; this one contains ${[...new Set(foreign)].join(', ')}.`),
    );
    return done();
  }
  const authority = AUTHORITIES[text[0]];
  if (!authority) errors.push(issue('bad_authority', `The first character (registration authority) cannot be ${text[0]}.`));
  const region = text.slice(2, 8);
  if (!/^[0-9]{6}$/.test(region)) {
    errors.push(issue('bad_region', 'Characters 3 to 8 are the administrative region code, six digits.'));
  } else if (region !== '100000' && !PROVINCE_CODES.includes(region.slice(0, 2))) {
    warnings.push(issue('unknown_region', `The region code starts with ${region.slice(0, 2)}, which is not a province code.`));
  }
  if (!/^[0-9A-Z]{8}[0-9X]$/.test(text.slice(8, 17))) {
    errors.push(issue('bad_organization_code', 'Characters 9 to 17 are the organisation code: 8 digits or letters and a check digit or X.'));
  }
  if (errors.length > 0) return done();
  if (usccCheckChar(text.slice(0, 17)) !== text[17]) {
    errors.push(issue('bad_check_char', 'The last character does not match the check character of the others; one character is probably mistyped.'));
    return done();
  }
  if (organizationCodeCheckChar(text.slice(8, 16)) !== text[16]) {
    warnings.push(issue('organization_code_check', 'The organisation code inside (characters 9 to 17) does not satisfy its own check character.'));
  }
  const organizationType = text[0] === '9' ? (MARKET_TYPES[text[1]] ?? 'other') : authority;
  return done({ organizationType, province: region.slice(0, 2) === '10' ? null : region.slice(0, 2) });
}
