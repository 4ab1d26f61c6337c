/** IMSI: 15 digits = MCC (3, 460 for China) + MNC (2 in China) + MSIN (10). Pure. */
import { CHINA_MCC, findImsiMnc } from './ranges.ts';
import { asString, compact, count, issue, result } from './internal.ts';
import type { CheckResult, Issue } from './types.ts';

const IMSI_LENGTH = 15;

export function checkImsi(input: string): CheckResult {
  const raw = asString(input);
  const text = compact(raw);
  const warnings: Issue[] = [];
  const fail = (code: string, message: string): CheckResult =>
    result('imsi', raw, '', [issue(code, message)], warnings, { carrier: null });

  if (text === '') return fail('empty', `No IMSI was given; expected ${IMSI_LENGTH} digits starting with ${CHINA_MCC}.`);
  if (!/^[0-9]+$/.test(text)) return fail('not_digits', `An IMSI contains only digits (${IMSI_LENGTH} of them); this one contains other characters.`);
  if (text.length !== IMSI_LENGTH) {
    return fail('wrong_length', `An IMSI has ${IMSI_LENGTH} digits; this one has ${count(text.length, 'digit')}.`);
  }
  const mcc = text.slice(0, 3);
  if (mcc !== CHINA_MCC) {
    return fail('not_china', `A mainland China IMSI starts with the country code (MCC) ${CHINA_MCC}; this one starts with ${mcc}.`);
  }
  const mnc = text.slice(3, 5);
  const entry = findImsiMnc(mnc);
  if (!entry) {
    return fail(
      'unknown_mnc',
      `The network code (MNC) ${mnc} after 460 is not a known Chinese network; expected e.g. 00/02/07/08 (China Mobile), 01/06/09 (China Unicom), 03/05/11 (China Telecom) or 15 (China Broadnet).`,
    );
  }
  if (entry.note === 'ambiguous') {
    warnings.push(
      issue(
        'ambiguous_mnc',
        `The network code 460-${mnc} is listed for China Mobile IoT by some sources and for a satellite operator by others, so the carrier cannot be told from the IMSI.`,
      ),
    );
  } else if (entry.note === 'railway') {
    warnings.push(
      issue(
        'railway_network',
        `The network code 460-${mnc} is China Tietong's GSM-R railway network: a valid IMSI, but not a consumer carrier line.`,
      ),
    );
  }
  return result('imsi', raw, text, [], warnings, { carrier: entry.carrier });
}

