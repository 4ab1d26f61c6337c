// A clerk's own day at the counter: the requests they opened since midnight (China time), newest first.
import type { AppContext } from '../context.ts';
import { chinaDate } from '../billing/final-bill.ts';
import { maskMsisdn } from '../lines/mask.ts';
import type { Clerk } from './clerk-store.ts';

/** Midnight in mainland China (UTC+8) of the day `now` falls on. */
export function startOfChinaDay(now: Date): Date {
  return new Date(`${chinaDate(now)}T00:00:00+08:00`);
}

export async function listClerkHistory(ctx: AppContext, clerk: Clerk) {
  const rows = await ctx.db.selectFrom('cancellation_requests as r').innerJoin('lines as l', 'l.id', 'r.line_id')
    .select(['r.id', 'r.status', 'r.carrier', 'r.created_at', 'r.refund_fen', 'r.bill_total_fen', 'r.refund_route', 'r.certificate_serial', 'l.msisdn', 'l.form_factor'])
    .where('r.clerk_id', '=', clerk.staffId).where('r.channel', '=', 'store').where('r.created_at', '>=', startOfChinaDay(ctx.now()))
    .orderBy('r.created_at', 'desc').limit(500).execute();
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    carrier: r.carrier,
    maskedMsisdn: maskMsisdn(r.msisdn),
    formFactor: r.form_factor,
    createdAt: r.created_at.toISOString(),
    billTotalFen: r.bill_total_fen,
    refundFen: r.refund_fen,
    refundRoute: String((r.refund_route as { type?: string }).type ?? ''),
    ...(r.certificate_serial ? { certificateSerial: r.certificate_serial } : {}),
  }));
}
