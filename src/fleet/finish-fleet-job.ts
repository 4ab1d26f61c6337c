/**
 * The end of a fleet job: once no line is queued or executing, running → completed (conditional: the
 * last two chunks may finish at once, one of them ends it), the audit entry and the
 * FleetJobEnded webhook event (recordFleetJobEnded) in that transaction; then the e-mail to the
 * company's contact address, with a stable key so it goes once.
 *
 * The e-mail cannot be in the transaction (the adapter is an outside call), so a process killed
 * between the commit and the e-mail would lose it: the job is completed, and the conditional end
 * never fires again. The chunk's queue job is still unfinished then, so the queue runs it again and
 * it calls this again: a job found completed gets its e-mail once more, which its key makes a no-op
 * when it was sent.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { DB } from '../db/schema.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { formatYuan } from '../billing/final-bill.ts';
import { sendEmail } from '../notifications/send-email.ts';
import { recordFleetJobEnded } from '../webhooks/record-fleet-job-ended.ts';

export type FleetJobSummary = { counts: Record<string, number>; billFen: number; refundFen: number };

export async function finishFleetJobIfDone(ctx: AppContext, jobId: string): Promise<boolean> {
  const ended = await ctx.db.transaction().execute(async (trx) => {
    const job = await trx.updateTable('fleet_jobs').set({ status: 'completed', finished_at: ctx.now() })
      .where('id', '=', jobId).where('status', 'in', ['running', 'stopped'])
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('fleet_job_lines').select('row_no').where('job_id', '=', jobId).where('state', 'in', ['queued', 'executing']))))
      .returning(['company_id', 'created_at']).executeTakeFirst();
    if (!job) return undefined;
    return { companyId: job.company_id, summary: await recordFleetJobEnd(trx, jobId, job.company_id) };
  });
  if (ended) {
    await emailFleetJobEnd(ctx, jobId, ended.companyId, ended.summary);
    return true;
  }
  // Ended already, maybe by a process that died before its e-mail: send it (again, as a no-op if it went).
  const done = await ctx.db.selectFrom('fleet_jobs').select('company_id').where('id', '=', jobId).where('status', '=', 'completed').executeTakeFirst();
  if (done) await emailFleetJobEnd(ctx, jobId, done.company_id, await summarize(ctx.db, jobId));
  return false;
}

/**
 * In the transaction that ends the job (here, or at its confirmation when no line was left to run):
 * the audit entry and the FleetJobEnded event. Returns the summary, for the e-mail after the commit.
 */
export async function recordFleetJobEnd(trx: Transaction<DB>, jobId: string, companyId: string): Promise<FleetJobSummary> {
  const summary = await summarize(trx, jobId);
  await appendAudit(trx, { actorKind: 'worker', action: 'fleet.end', subject: jobId, details: { companyId, ...summary } });
  await recordFleetJobEnded(trx, { companyId, jobId, summary });
  return summary;
}

/** Counts per state, and the money of the completed lines. */
async function summarize(db: Transaction<DB> | Kysely<DB>, jobId: string): Promise<FleetJobSummary> {
  const rows = await db.selectFrom('fleet_job_lines')
    .select(['state', sql<number>`count(*)::int`.as('n'), sql<number>`coalesce(sum(bill_fen), 0)::bigint`.as('bill'), sql<number>`coalesce(sum(refund_fen), 0)::bigint`.as('refund')])
    .where('job_id', '=', jobId).groupBy('state').execute();
  const completed = rows.find((r) => r.state === 'completed');
  return { counts: Object.fromEntries(rows.map((r) => [r.state, Number(r.n)])), billFen: Number(completed?.bill ?? 0), refundFen: Number(completed?.refund ?? 0) };
}

/** The e-mail to the company's contact address, keyed so that it goes once. */
export async function emailFleetJobEnd(ctx: AppContext, jobId: string, companyId: string, summary: FleetJobSummary): Promise<void> {
  const company = await ctx.db.selectFrom('companies').select(['name_zh', 'contact_email_enc']).where('id', '=', companyId).executeTakeFirst();
  if (!company?.contact_email_enc) return;
  const c = summary.counts;
  await sendEmail(ctx, {
    to: ctx.vault.decrypt(company.contact_email_enc),
    subject: `【注销服务】批量注销任务已结束 Fleet cancellation job finished`,
    text: `${company.name_zh}：批量注销任务 ${jobId} 已结束。完成 ${c.completed ?? 0} 条，失败 ${c.failed ?? 0} 条，阻断 ${c.blocked ?? 0} 条，拒绝 ${c.rejected ?? 0} 条；`
      + `结算 ${formatYuan(summary.billFen)}，退款 ${formatYuan(summary.refundFen)}。`
      + `\nFleet job ${jobId} has finished: ${c.completed ?? 0} completed, ${c.failed ?? 0} failed, ${c.blocked ?? 0} blocked, ${c.rejected ?? 0} rejected. `
      + `Per-line results: ${ctx.config.publicBaseUrl}/api/v1/fleet/jobs/${jobId}/lines`,
    idempotencyKey: `fleet:${jobId}:ended`,
  });
}
