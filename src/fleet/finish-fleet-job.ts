/**
 * The end of a fleet job: once no line is queued or executing, running → completed (conditional: the
 * last two chunks may finish at once, one of them ends it), and in that same transaction the audit
 * entry, the FleetJobEnded webhook event (recordFleetJobEnded) and the queue job that e-mails the
 * company's contact address (QUEUES.fleetEndEmail, retried with backoff like every outside call,
 * its key making a repeated send a no-op). A process killed after the commit loses nothing: the
 * e-mail is queued with the end, not sent after it.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { DB } from '../db/schema.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { formatYuan } from '../billing/final-bill.ts';
import { sendEmail } from '../notifications/send-email.ts';
import { QUEUES } from '../jobs/queue.ts';
import { recordFleetJobEnded } from '../webhooks/record-fleet-job-ended.ts';

export type FleetJobSummary = { counts: Record<string, number>; billFen: number; refundFen: number };

/** The queue job that e-mails a fleet job's end. */
export interface FleetEndEmailJob { jobId: string }

export async function finishFleetJobIfDone(ctx: AppContext, jobId: string): Promise<boolean> {
  return ctx.db.transaction().execute(async (trx) => {
    const job = await trx.updateTable('fleet_jobs').set({ status: 'completed', finished_at: ctx.now() })
      .where('id', '=', jobId).where('status', 'in', ['running', 'stopped'])
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('fleet_job_lines').select('row_no').where('job_id', '=', jobId).where('state', 'in', ['queued', 'executing']))))
      .returning(['company_id']).executeTakeFirst();
    if (!job) return false;
    await recordFleetJobEnd(ctx, trx, jobId, job.company_id);
    return true;
  });
}

/**
 * In the transaction that ends the job (here, or at its confirmation when no line was left to run):
 * the audit entry, the FleetJobEnded event and the queued e-mail.
 */
export async function recordFleetJobEnd(ctx: AppContext, trx: Transaction<DB>, jobId: string, companyId: string): Promise<void> {
  const summary = await summarize(trx, jobId);
  await appendAudit(trx, { actorKind: 'worker', action: 'fleet.end', subject: jobId, details: { companyId, ...summary } });
  await recordFleetJobEnded(trx, { companyId, jobId, summary });
  await ctx.jobs.send(trx, QUEUES.fleetEndEmail, { jobId } satisfies FleetEndEmailJob, { key: endEmailKey(jobId) });
}

export const endEmailKey = (jobId: string) => `fleet:${jobId}:ended`;

/** Counts per state, and the money of the completed lines. */
async function summarize(db: Transaction<DB> | Kysely<DB>, jobId: string): Promise<FleetJobSummary> {
  const rows = await db.selectFrom('fleet_job_lines')
    .select(['state', sql<number>`count(*)::int`.as('n'), sql<number>`coalesce(sum(bill_fen), 0)::bigint`.as('bill'), sql<number>`coalesce(sum(refund_fen), 0)::bigint`.as('refund')])
    .where('job_id', '=', jobId).groupBy('state').execute();
  const completed = rows.find((r) => r.state === 'completed');
  return { counts: Object.fromEntries(rows.map((r) => [r.state, Number(r.n)])), billFen: Number(completed?.bill ?? 0), refundFen: Number(completed?.refund ?? 0) };
}

/** The queue job's handler: the e-mail to the company's contact address, keyed so that it goes once. */
export async function emailFleetJobEnd(ctx: AppContext, jobId: string): Promise<void> {
  const job = await ctx.db.selectFrom('fleet_jobs as j').innerJoin('companies as c', 'c.id', 'j.company_id')
    .select(['c.name_zh', 'c.contact_email_enc']).where('j.id', '=', jobId).where('j.status', '=', 'completed').executeTakeFirst();
  if (!job?.contact_email_enc) return;
  const summary = await summarize(ctx.db, jobId);
  const c = summary.counts;
  await sendEmail(ctx, {
    to: ctx.vault.decrypt(job.contact_email_enc),
    subject: `【注销服务】批量注销任务已结束 Fleet cancellation job finished`,
    text: `${job.name_zh}：批量注销任务 ${jobId} 已结束。完成 ${c.completed ?? 0} 条，失败 ${c.failed ?? 0} 条，阻断 ${c.blocked ?? 0} 条，拒绝 ${c.rejected ?? 0} 条；`
      + `结算 ${formatYuan(summary.billFen)}，退款 ${formatYuan(summary.refundFen)}。`
      + `\nFleet job ${jobId} has finished: ${c.completed ?? 0} completed, ${c.failed ?? 0} failed, ${c.blocked ?? 0} blocked, ${c.rejected ?? 0} rejected. `
      + `Per-line results: ${ctx.config.publicBaseUrl}/api/v1/fleet/jobs/${jobId}/lines`,
    idempotencyKey: endEmailKey(jobId),
  });
}
