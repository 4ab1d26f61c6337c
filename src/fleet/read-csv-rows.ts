/**
 * The identifiers of a CSV upload: the first column of every record (csv-parse: quotes, CRLF, a
 * BOM), a header row dropped when its first cell is a column name (iccid, msisdn, eid, number,
 * identifier…, in English or Chinese). Blank lines are kept, so each row's number matches the file.
 */
import { parse } from 'csv-parse/sync';
import { AppError } from '../shared/errors.ts';

const HEADER = /^(iccid|msisdn|eid|number|phone|identifier|id|sim|卡号|号码|手机号码|物联网号码)$/i;

export function readCsvRows(text: string, maxRows: number): string[] {
  let records: string[][];
  try {
    records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: false, trim: true, to: maxRows + 2 }) as string[][];
  } catch (err) {
    throw new AppError('validation_failed', `The CSV file cannot be read: ${err instanceof Error ? err.message.slice(0, 200) : 'malformed'}.`);
  }
  const rows = records.map((r) => r[0] ?? '');
  if (rows.length > 0 && HEADER.test(rows[0])) rows.shift();
  while (rows.length > 0 && rows[rows.length - 1] === '') rows.pop(); // the file's last newline
  if (rows.length > maxRows) throw new AppError('validation_failed', `A fleet job takes at most ${maxRows} rows.`, { rows: rows.length });
  return rows;
}
