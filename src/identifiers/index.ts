/**
 * Identifier checks for Chinese mobile lines: MSISDN (IoT numbers too), IMSI, ICCID, EID, resident ID
 * and a company's unified social credit code.
 * Pure rules, no I/O. Every check returns a CheckResult and never throws.
 */
import { checkMsisdn } from './msisdn.ts';
import { checkImsi } from './imsi.ts';
import { checkIccid } from './iccid.ts';
import { checkEid } from './eid.ts';
import { checkResidentId } from './resident-id.ts';
import { checkUscc } from './uscc.ts';
import { asString, issue } from './internal.ts';
import type { CheckResult, IdentifierKind } from './types.ts';

export type { CarrierCode, CheckResult, IdentifierKind, Issue } from './types.ts';
export { checkMsisdn, nationalNumber } from './msisdn.ts';
export { checkImsi } from './imsi.ts';
export { checkIccid } from './iccid.ts';
export { checkEid, eidCheckDigits } from './eid.ts';
export { checkResidentId, residentIdCheckChar } from './resident-id.ts';
export { checkUscc, organizationCodeCheckChar, usccCheckChar, USCC_CHARSET } from './uscc.ts';
export { luhnCheckDigit, isLuhnValid } from './luhn.ts';
export { mod97 } from './mod97.ts';
export { makeEid, makeIccid, makeImsi, makeMsisdn, makeResidentId } from './generators.ts';
export {
  CARRIER_CODES,
  CARRIERS,
  CHINA_MCC,
  ICCID_ISSUERS,
  IMSI_MNCS,
  IOT_RANGES,
  MSISDN_RANGES,
  PROVINCE_CODES,
  findIccidIssuer,
  findImsiMnc,
  findIotRange,
  findMsisdnRange,
  msisdnRangesOf,
} from './ranges.ts';
export type { CarrierInfo, IccidIssuer, ImsiMncEntry, IotRange, MsisdnRange } from './ranges.ts';

export const IDENTIFIER_KINDS: readonly IdentifierKind[] = ['msisdn', 'imsi', 'iccid', 'eid', 'resident-id', 'uscc'];

/**
 * Checks `input` as an identifier of `kind`. `options.now` is used by the resident-ID "past date"
 * rule (default: the current time). An unknown kind (e.g. from an HTTP request) gives an invalid
 * result with error `unknown_kind` rather than an exception.
 */
export function checkIdentifier(kind: IdentifierKind, input: string, options: { now?: Date } = {}): CheckResult {
  switch (kind) {
    case 'msisdn':
      return checkMsisdn(input);
    case 'imsi':
      return checkImsi(input);
    case 'iccid':
      return checkIccid(input);
    case 'eid':
      return checkEid(input);
    case 'resident-id':
      return checkResidentId(input, options.now);
    case 'uscc':
      return checkUscc(input);
    default:
      return {
        kind,
        input: asString(input),
        valid: false,
        normalized: null,
        errors: [issue('unknown_kind', `Unknown identifier kind; expected one of ${IDENTIFIER_KINDS.join(', ')}.`)],
        warnings: [],
      };
  }
}
