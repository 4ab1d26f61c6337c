// The operations dashboard's figures. Unless said otherwise a figure is about the requests SUBMITTED
// in the range (China calendar days, both ends included), optionally of one carrier:
// - cancellationsPerDay: requests per submit day, channel, carrier and outcome (completed, rejected,
//   withdrawn, needs_attention, or in_progress for pending_review/approved/executing);
// - byStatus: those requests by current status;
// - reviewSla: those that went through review and were decided (approved or rejected by a reviewer):
//   median and 90th percentile hours from submission to decision, how many were decided after their
//   deadline; plus overdueNow, requests of any date still waiting for review past their deadline now;
// - completionTime: those completed, hours from submission to completion;
// - refunds.paidFen: refunds paid out in the range (ledger refund debits dated in the range);
//   refunds.owedFen: refunds of requests approved, executing or needing attention whose refund step
//   has not run yet (as of now);
// - topBlockers: the conditions that blocked quotes made in the range, most frequent first;
// - needsAttention: requests needing attention now.
// Percentiles are continuous (interpolated), hours rounded to 2 decimals.
import { sql, type RawBuilder } from 'kysely';
import type { AppContext } from '../context.ts';
import type { RequestStatus } from '../db/schema.ts';
import type { ReportRange } from './report-range.ts';
import type { OpsStats, Outcome } from '../http/ops-schemas.ts';

export type { Outcome, OpsStats } from '../http/ops-schemas.ts';

const STATUSES: RequestStatus[] = ['pending_review', 'approved', 'executing', 'completed', 'rejected', 'withdrawn', 'needs_attention'];
const round2 = (v: number | null) => (v === null || v === undefined ? null : Math.round(Number(v) * 100) / 100);

export async function computeOpsStats(ctx: AppContext, range: ReportRange): Promise<OpsStats> {
  const db = ctx.db;
  const inRange = sql`r.created_at >= ${range.start} AND r.created_at < ${range.end}`;
  const carrierIs = (col: RawBuilder<unknown>) => (range.carrier ? sql`AND ${col} = ${range.carrier}` : sql``);
  const rCarrier = carrierIs(sql.ref('r.carrier'));

  const perDay = sql<{ date: string; channel: string; carrier: string; outcome: Outcome; count: number }>`
    SELECT to_char(r.created_at AT TIME ZONE 'UTC' + interval '8 hours', 'YYYY-MM-DD') AS date, r.channel, r.carrier,
      CASE WHEN r.status IN ('completed','rejected','withdrawn','needs_attention') THEN r.status ELSE 'in_progress' END AS outcome,
      count(*)::int8 AS count
    FROM cancellation_requests r WHERE ${inRange} ${rCarrier}
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`.execute(db);

  const byStatus = sql<{ status: RequestStatus; count: number }>`
    SELECT r.status, count(*)::int8 AS count FROM cancellation_requests r WHERE ${inRange} ${rCarrier} GROUP BY r.status`.execute(db);

  // The decision is the move out of pending_review to approved or rejected, as the timeline recorded it.
  const review = sql<{ decided: number; median: number | null; p90: number | null; late: number }>`
    WITH d AS (
      SELECT r.id, r.sla_due_at, min(e.at) AS decided_at, r.created_at
      FROM cancellation_requests r
      JOIN request_events e ON e.request_id = r.id AND e.from_status = 'pending_review' AND e.to_status IN ('approved','rejected')
      WHERE ${inRange} ${rCarrier}
      GROUP BY r.id, r.sla_due_at, r.created_at
    )
    SELECT count(*)::int8 AS decided,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM (decided_at - created_at))::float8 / 3600) AS median,
      percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM (decided_at - created_at))::float8 / 3600) AS p90,
      count(*) FILTER (WHERE sla_due_at IS NOT NULL AND decided_at > sla_due_at)::int8 AS late
    FROM d`.execute(db);

  const completion = sql<{ completed: number; median: number | null; p90: number | null }>`
    SELECT count(*)::int8 AS completed,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM (r.completed_at - r.created_at))::float8 / 3600) AS median,
      percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM (r.completed_at - r.created_at))::float8 / 3600) AS p90
    FROM cancellation_requests r WHERE ${inRange} ${rCarrier} AND r.status = 'completed' AND r.completed_at IS NOT NULL`.execute(db);

  // A refund to another line writes a debit on the cancelled line's account and a credit on the
  // other: only the debits count as paid out.
  const paid = sql<{ paid: number; requests: number }>`
    SELECT coalesce(-sum(le.amount_fen), 0)::int8 AS paid, count(DISTINCT le.request_id)::int8 AS requests
    FROM ledger_entries le JOIN billing_accounts a ON a.id = le.account_id
    WHERE le.kind = 'refund' AND le.amount_fen < 0 AND le.created_at >= ${range.start} AND le.created_at < ${range.end} ${carrierIs(sql.ref('a.carrier'))}`.execute(db);

  const owed = sql<{ owed: number; requests: number }>`
    SELECT coalesce(sum(r.refund_fen), 0)::int8 AS owed, count(*)::int8 AS requests
    FROM cancellation_requests r
    WHERE r.status IN ('approved','executing','needs_attention') AND r.refund_fen > 0 ${rCarrier}
      AND NOT EXISTS (SELECT 1 FROM execution_steps s WHERE s.request_id = r.id AND s.step = 'refund' AND s.status = 'done')`.execute(db);

  const blockers = sql<{ code: string; count: number }>`
    SELECT qb.code, count(*)::int8 AS count FROM quote_blockers qb
    WHERE qb.quoted_at >= ${range.start} AND qb.quoted_at < ${range.end} ${carrierIs(sql.ref('qb.carrier'))}
    GROUP BY qb.code ORDER BY count(*) DESC, qb.code LIMIT 10`.execute(db);

  const now = sql<{ needs_attention: number; overdue: number }>`
    SELECT count(*) FILTER (WHERE r.status = 'needs_attention')::int8 AS needs_attention,
      count(*) FILTER (WHERE r.status = 'pending_review' AND r.sla_due_at < ${ctx.now()})::int8 AS overdue
    FROM cancellation_requests r WHERE r.status IN ('needs_attention','pending_review') ${rCarrier}`.execute(db);

  const [d, s, rv, c, p, o, b, n] = await Promise.all([perDay, byStatus, review, completion, paid, owed, blockers, now]);
  const statusCounts = Object.fromEntries(STATUSES.map((st) => [st, 0])) as Record<RequestStatus, number>;
  for (const row of s.rows) statusCounts[row.status] = Number(row.count);
  const r0 = rv.rows[0];
  const c0 = c.rows[0];
  return {
    range: { from: range.from, to: range.to, carrier: range.carrier, timezone: 'Asia/Shanghai' },
    cancellationsPerDay: d.rows.map((x) => ({ date: x.date, channel: x.channel, carrier: x.carrier, outcome: x.outcome, count: Number(x.count) })),
    byStatus: statusCounts,
    reviewSla: {
      decided: Number(r0.decided), medianHours: round2(r0.median), p90Hours: round2(r0.p90), decidedLate: Number(r0.late), overdueNow: Number(n.rows[0].overdue),
    },
    completionTime: { completed: Number(c0.completed), medianHours: round2(c0.median), p90Hours: round2(c0.p90) },
    refunds: { paidFen: Number(p.rows[0].paid), paidRequests: Number(p.rows[0].requests), owedFen: Number(o.rows[0].owed), owedRequests: Number(o.rows[0].requests) },
    topBlockers: b.rows.map((x) => ({ code: x.code, count: Number(x.count) })),
    needsAttention: Number(n.rows[0].needs_attention),
  };
}
