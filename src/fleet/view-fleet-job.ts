/** A fleet job as its company sees it: status, totals, counts per state, and its rows page by page. */
import { sql } from 'kysely';
import type { AppContext } from '../context.ts';
import type { FleetLineState } from '../db/schema.ts';
import { notFound } from '../shared/errors.ts';
import type { FleetTotals } from './plan-fleet-job.ts';

export const FLEET_LINE_STATES: readonly FleetLineState[] = ['rejected', 'blocked', 'ready', 'queued', 'executing', 'completed', 'failed', 'stopped'];
export const MAX_LINES_PAGE = 1000;

export async function viewFleetJob(ctx: AppContext, companyId: string, jobId: string) {
  const job = await ctx.db.selectFrom('fleet_jobs').selectAll().where('id', '=', jobId).where('company_id', '=', companyId).executeTakeFirst();
  if (!job) throw notFound('The fleet job');
  const byState = await ctx.db.selectFrom('fleet_job_lines').select(['state', sql<number>`count(*)::int`.as('n')])
    .where('job_id', '=', jobId).groupBy('state').execute();
  const counts = Object.fromEntries(FLEET_LINE_STATES.map((s) => [s, 0])) as Record<FleetLineState, number>;
  for (const r of byState) counts[r.state] = Number(r.n);
  // Progress over the lines that were sent to run; the ETA from the pace of the last minute.
  const toRun = counts.queued + counts.executing + counts.completed + counts.failed + counts.stopped;
  const finished = counts.completed + counts.failed + counts.stopped;
  const recent = await ctx.db.selectFrom('fleet_job_lines').select(sql<number>`count(*)::int`.as('n'))
    .where('job_id', '=', jobId).where('state', 'in', ['completed', 'failed']).where('updated_at', '>', new Date(ctx.now().getTime() - 60_000)).executeTakeFirstOrThrow();
  const perSecond = Number(recent.n) / 60;
  const remaining = counts.queued + counts.executing;
  return {
    id: job.id,
    status: job.status,
    source: job.source,
    effectiveDate: job.effective_date,
    createdAt: new Date(job.created_at).toISOString(),
    confirmedAt: job.confirmed_at ? new Date(job.confirmed_at).toISOString() : null,
    finishedAt: job.finished_at ? new Date(job.finished_at).toISOString() : null,
    rowsTotal: job.rows_total,
    rowsAccepted: job.rows_accepted,
    counts,
    percent: toRun === 0 ? (job.status === 'dry_run' ? 0 : 100) : Math.floor((finished / toRun) * 1000) / 10,
    etaSeconds: remaining === 0 ? 0 : perSecond > 0 ? Math.ceil(remaining / perSecond) : null,
    totals: job.totals as FleetTotals,
    /** The end e-mail failed every retry (it can be sent again); null otherwise. */
    endEmailFailure: job.end_email_failed_at ? { at: new Date(job.end_email_failed_at).toISOString(), error: job.end_email_error } : null,
  };
}

export async function listFleetJobLines(
  ctx: AppContext,
  companyId: string,
  jobId: string,
  q: { state?: FleetLineState; page?: number; pageSize?: number },
) {
  const owned = await ctx.db.selectFrom('fleet_jobs').select('id').where('id', '=', jobId).where('company_id', '=', companyId).executeTakeFirst();
  if (!owned) throw notFound('The fleet job');
  const pageSize = Math.min(q.pageSize ?? 100, MAX_LINES_PAGE);
  const page = q.page ?? 1;
  const rows = await ctx.db.selectFrom('fleet_job_lines')
    .select(['row_no', 'input', 'id_kind', 'carrier', 'state', 'reason', 'blockers', 'bill_fen', 'refund_fen'])
    .where('job_id', '=', jobId).$if(q.state !== undefined, (qb) => qb.where('state', '=', q.state!))
    .orderBy('row_no').limit(pageSize).offset((page - 1) * pageSize).execute();
  return {
    page, pageSize,
    lines: rows.map((r) => ({
      rowNo: r.row_no, input: r.input, kind: r.id_kind, carrier: r.carrier, state: r.state, reason: r.reason,
      blockers: r.blockers as string[], billFen: Number(r.bill_fen), refundFen: Number(r.refund_fen),
    })),
  };
}

/** The job's rows as CSV, in file order: what each row became and why. */
export async function fleetResultsCsv(ctx: AppContext, companyId: string, jobId: string): Promise<string> {
  const owned = await ctx.db.selectFrom('fleet_jobs').select('id').where('id', '=', jobId).where('company_id', '=', companyId).executeTakeFirst();
  if (!owned) throw notFound('The fleet job');
  const rows = await ctx.db.selectFrom('fleet_job_lines as f').leftJoin('cancellation_requests as r', 'r.id', 'f.request_id')
    .select(['f.row_no', 'f.input', 'f.id_kind', 'f.carrier', 'f.state', 'f.reason', 'f.blockers', 'f.bill_fen', 'f.refund_fen', 'r.reference', 'r.completed_at'])
    .where('f.job_id', '=', jobId).orderBy('f.row_no').execute();
  const cell = (v: unknown) => {
    const text = v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : String(v);
    // Quoted when needed; a leading = + - @ is defused so a spreadsheet never runs it as a formula.
    const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
    return /[",\r\n']/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
  };
  const lines = ['row,input,kind,carrier,state,reason,blockers,bill_fen,refund_fen,reference,completed_at'];
  for (const r of rows) {
    lines.push([r.row_no, r.input, r.id_kind, r.carrier, r.state, r.reason, (r.blockers as string[]).join(' '), r.bill_fen, r.refund_fen, r.reference, r.completed_at].map(cell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
