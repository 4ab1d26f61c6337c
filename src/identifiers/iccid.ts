/**
 * ICCID (ITU-T E.118): 89 + country code 86 + issuer (2 digits) + account + Luhn check digit,
 * 19 or 20 characters. Pure. An ICCID from another country (89 + its code) is valid with a warning
 * and no carrier.
 *
 * Tolerated with a warning (domain.md): a 20-digit Chinese ICCID whose last digit does not satisfy
 * Luhn, and an old China Unicom ICCID containing one letter.
 */
import { CARRIERS, findIccidIssuer } from './ranges.ts';
import { isLuhnValid } from './luhn.ts';
import { asString, compact, count, issue, result } from './internal.ts';
import type { CheckResult, Issue } from './types.ts';

export function checkIccid(input: string): CheckResult {
  const raw = asString(input);
  const text = compact(raw).toUpperCase();
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const done = (carrier: CheckResult['carrier']): CheckResult =>
    result('iccid', raw, text, errors, warnings, { carrier: errors.length === 0 ? carrier : null });

  if (text === '') {
    errors.push(issue('empty', 'No ICCID was given; expected 19 or 20 digits starting with 8986.'));
    return done(null);
  }
  const letters = text.replace(/[0-9]/g, '');
  if (!/^[0-9A-Z]*$/.test(text) || letters.length > 1) {
    errors.push(
      issue('not_digits', 'An ICCID contains only digits (some old China Unicom cards have one letter); this one contains other characters.'),
    );
    return done(null);
  }

  if (text.length !== 19 && text.length !== 20) {
    errors.push(issue('wrong_length', `An ICCID has 19 or 20 digits; this one has ${count(text.length, 'character')}.`));
  }
  if (!text.startsWith('89')) {
    errors.push(issue('not_iccid', `An ICCID starts with 89 (telecommunications); this one starts with ${text.slice(0, 2)}.`));
  }
  if (errors.length > 0) return done(null);

  // A roaming fleet's card from abroad (e.g. 8944… UK): a valid ICCID no Chinese carrier issued.
  if (!text.startsWith('8986')) {
    if (letters.length > 0) {
      errors.push(issue('unexpected_letter', 'Only some old China Unicom ICCIDs contain a letter; a foreign ICCID has digits only.'));
    } else if (!isLuhnValid(text)) {
      errors.push(issue('bad_check_digit', 'The last digit does not match the Luhn check digit of the others; one digit is probably mistyped.'));
    } else {
      warnings.push(
        issue(
          'foreign_iccid',
          `This ICCID was issued outside mainland China (it starts with ${text.slice(0, 4)}, not 8986): valid, but no Chinese carrier issued it, so the carrier cannot be told.`,
        ),
      );
    }
    return done(null);
  }

  const prefix = text.slice(0, 6);
  const issuer = findIccidIssuer(prefix);
  const carrier = issuer?.carrier ?? null;
  if (!issuer) {
    warnings.push(
      issue(
        'unknown_issuer',
        `The issuer code ${prefix.slice(4)} (after 8986) is not a known carrier's, so the carrier cannot be told from the ICCID.`,
      ),
    );
  }

  if (letters.length === 1) {
    if (carrier === 'cucc') {
      warnings.push(
        issue(
          'contains_letter',
          `This ICCID contains the letter ${letters}: some old ${CARRIERS.cucc.nameEn} ICCIDs do, so it is accepted, but its check digit cannot be verified.`,
        ),
      );
    } else {
      errors.push(
        issue(
          'unexpected_letter',
          `Only some old ${CARRIERS.cucc.nameEn} ICCIDs (8986 01, 06 or 09) contain a letter; this one is not ${CARRIERS.cucc.nameEn}'s and should have digits only.`,
        ),
      );
    }
    return done(carrier);
  }

  if (!isLuhnValid(text)) {
    if (text.length === 20) {
      warnings.push(
        issue(
          'luhn_exception_20_digit',
          'The last digit is not a Luhn check digit. Some Chinese carriers issue 20-digit ICCIDs like this, so it is accepted; compare it with the number printed on the card.',
        ),
      );
    } else {
      errors.push(
        issue(
          'bad_check_digit',
          'The last digit of this 19-digit ICCID does not match the Luhn check digit of the others; one digit is probably mistyped.',
        ),
      );
    }
  }
  return done(carrier);
}
