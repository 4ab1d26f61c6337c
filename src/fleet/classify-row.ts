/**
 * One row of a fleet upload: which identifier it is (ICCID, MSISDN or EID) and its canonical form,
 * or a stable reason why it cannot be used. Pure. Duplicates are told by `classifyRows`.
 *
 * Reasons: blank, bad_format (not any of the three), bad_check_digit (an ICCID's Luhn digit or an
 * EID's MOD 97 digits), duplicate_in_file (the same line named earlier in the file, in any form).
 * Looking the line up (unknown, not_yours, already_cancelled) needs the database: resolve-rows.ts.
 */
import { checkEid, checkIccid, checkMsisdn, type CheckResult } from '../identifiers/index.ts';

export type FleetIdKind = 'iccid' | 'msisdn' | 'eid';
export type RowReason = 'blank' | 'bad_format' | 'bad_check_digit' | 'duplicate_in_file';

export type ClassifiedRow =
  | { rowNo: number; input: string; ok: true; kind: FleetIdKind; value: string; warnings: string[] }
  | { rowNo: number; input: string; ok: false; reason: RowReason; kind: FleetIdKind | null; detail?: string };

/** Longest input kept per row (the longest identifier with spaces is well under this). */
export const MAX_ROW_LENGTH = 64;

const CHECK_DIGIT_CODES = new Set(['bad_check_digit', 'bad_check_digits', 'bad_check_char']);

export function classifyRow(input: string, rowNo: number): ClassifiedRow {
  const text = input.normalize('NFKC').trim();
  if (text === '') return { rowNo, input, ok: false, reason: 'blank', kind: null };
  const compact = text.replace(/[\s\-.()]/g, '');
  const kind = guessKind(compact);
  if (!kind) return { rowNo, input, ok: false, reason: 'bad_format', kind: null };
  const checked: CheckResult = kind === 'eid' ? checkEid(text) : kind === 'iccid' ? checkIccid(text) : checkMsisdn(text);
  if (!checked.valid || checked.normalized === null) {
    const code = checked.errors[0]?.code ?? 'bad_format';
    return { rowNo, input, ok: false, reason: CHECK_DIGIT_CODES.has(code) ? 'bad_check_digit' : 'bad_format', kind, detail: code };
  }
  return { rowNo, input, ok: true, kind, value: checked.normalized, warnings: checked.warnings.map((w) => w.code) };
}

/** 32 digits: an EID; 89 and 18-19 more characters: an ICCID; otherwise a number (+86, 11 or 13 digits). */
function guessKind(compact: string): FleetIdKind | null {
  if (/^[0-9]{32}$/.test(compact)) return 'eid';
  if (/^89[0-9A-Za-z]{17,18}$/.test(compact)) return 'iccid';
  if (/^(\+86|0086|86)?1[0-9]{10}([0-9]{2})?$/.test(compact)) return 'msisdn';
  return null;
}

/** Every row classified, in order; the second and later mentions of one identifier are duplicate_in_file. */
export function classifyRows(inputs: readonly string[]): ClassifiedRow[] {
  const seen = new Map<string, number>();
  return inputs.map((input, i) => {
    const row = classifyRow(input.slice(0, MAX_ROW_LENGTH), i + 1);
    if (!row.ok) return row;
    const key = `${row.kind}:${row.value}`;
    const first = seen.get(key);
    if (first !== undefined) return { rowNo: row.rowNo, input, ok: false, reason: 'duplicate_in_file', kind: row.kind, detail: `row ${first}` };
    seen.set(key, row.rowNo);
    return row;
  });
}
