// The rows behind the dashboard, as CSV: one line per request submitted in the range, with masked
// identifiers only (no names, no ID numbers, no full numbers). The export itself is a staff action
// and lands in the audit trail.
import type { AppContext } from '../context.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { maskMsisdn } from '../lines/mask.ts';
import type { ReportRange } from './report-range.ts';

export const CSV_COLUMNS = [
  'id', 'created_at', 'carrier', 'channel', 'status', 'decided_at', 'completed_at', 'refund_fen', 'bill_total_fen', 'masked_msisdn',
] as const;

const PAGE = 2000;

/** RFC 4180 quoting; a text cell that a spreadsheet would run as a formula is prefixed with '. */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export async function exportRequestsCsv(
  ctx: AppContext,
  who: { staffId: string; ip: string },
  range: ReportRange,
): Promise<{ csv: string; rows: number; filename: string }> {
  const lines: string[] = [CSV_COLUMNS.join(',')];
  let after: { createdAt: Date; id: string } | null = null;
  for (;;) {
    let q = ctx.db.selectFrom('cancellation_requests as r').innerJoin('lines as l', 'l.id', 'r.line_id')
      .select(['r.id', 'r.created_at', 'r.carrier', 'r.channel', 'r.status', 'r.decided_at', 'r.completed_at', 'r.refund_fen', 'r.bill_total_fen', 'l.msisdn'])
      .where('r.created_at', '>=', range.start).where('r.created_at', '<', range.end);
    if (range.carrier) q = q.where('r.carrier', '=', range.carrier);
    if (after) {
      const a = after;
      q = q.where((eb) => eb(eb.refTuple('r.created_at', 'r.id'), '>', eb.tuple(a.createdAt, a.id)));
    }
    const page = await q.orderBy('r.created_at').orderBy('r.id').limit(PAGE).execute();
    for (const r of page) {
      lines.push([
        r.id, iso(r.created_at), r.carrier, r.channel, r.status, iso(r.decided_at), iso(r.completed_at), r.refund_fen, r.bill_total_fen, maskMsisdn(r.msisdn),
      ].map(csvCell).join(','));
    }
    if (page.length < PAGE) break;
    const last = page[page.length - 1];
    after = { createdAt: last.created_at, id: last.id };
  }
  const rows = lines.length - 1;
  // In a transaction: the audit append's lock holds until its entry is written.
  await ctx.db.transaction().execute((trx) => appendAudit(trx, {
    actorKind: 'staff', actorId: who.staffId, ip: who.ip, action: 'ops.export_requests',
    details: { from: range.from, to: range.to, carrier: range.carrier, rows },
  }));
  return { csv: `${lines.join('\r\n')}\r\n`, rows, filename: `zhuxiao-requests-${range.from}-to-${range.to}${range.carrier ? `-${range.carrier}` : ''}.csv` };
}
