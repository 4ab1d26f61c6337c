/**
 * A fleet job's end e-mail that failed every retry (the queue's dead letter): marked on the job with
 * the last error, and audited, in one transaction. The company's administrator then sees on the job
 * that the notice did not go, and can send it again (resend-fleet-end-email.ts).
 */
import type { AppContext } from '../context.ts';
import { appendAudit } from '../audit/append-audit.ts';

export async function recordFleetEndEmailFailure(ctx: AppContext, jobId: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const job = await trx.updateTable('fleet_jobs').set({ end_email_failed_at: ctx.now() })
      .where('id', '=', jobId).where('end_email_failed_at', 'is', null).returning('company_id').executeTakeFirst();
    if (!job) return; // already marked (a dead letter delivered twice)
    // The error stays on the job, not in the sealed log: a relay's message may quote the address.
    await appendAudit(trx, { actorKind: 'worker', action: 'fleet.end_email_failed', subject: jobId, details: { companyId: job.company_id } });
  });
}

/** Each failed attempt keeps its error on the job: the last one is what the administrator reads. */
export async function noteFleetEndEmailError(ctx: AppContext, jobId: string, reason: string): Promise<void> {
  await ctx.db.updateTable('fleet_jobs').set({ end_email_error: reason.slice(0, 500) }).where('id', '=', jobId).execute();
}
