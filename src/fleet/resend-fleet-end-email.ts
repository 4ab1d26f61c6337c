/**
 * Sending a fleet job's end e-mail again, after it failed every retry: the mark is cleared and the
 * e-mail queued once more, with the same key (the relay sends a key once, so a notice that did go
 * out after all is not sent twice), audited as the administrator's action. Only an ended job
 * whose notice failed; anything else is a 409.
 */
import type { AppContext } from '../context.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { QUEUES } from '../jobs/queue.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { endEmailKey, type FleetEndEmailJob } from './finish-fleet-job.ts';
import type { FleetActor } from './plan-fleet-job.ts';

export async function resendFleetEndEmail(ctx: AppContext, companyId: string, jobId: string, actor: FleetActor): Promise<{ queued: number }> {
  return ctx.db.transaction().execute(async (trx) => {
    const job = await trx.updateTable('fleet_jobs').set({ end_email_failed_at: null, end_email_error: null })
      .where('id', '=', jobId).where('company_id', '=', companyId).where('status', '=', 'completed').where('end_email_failed_at', 'is not', null)
      .returning('id').executeTakeFirst();
    if (!job) {
      const exists = await trx.selectFrom('fleet_jobs').select('status').where('id', '=', jobId).where('company_id', '=', companyId).executeTakeFirst();
      if (!exists) throw notFound('The fleet job');
      throw new AppError('conflict', 'The job\'s end e-mail has not failed: there is nothing to send again.', { status: exists.status });
    }
    await appendAudit(trx, { actorKind: actor.kind, actorId: actor.id, ip: actor.ip ?? null, action: 'fleet.end_email_resend', subject: jobId, details: { companyId } });
    await ctx.jobs.send(trx, QUEUES.fleetEndEmail, { jobId } satisfies FleetEndEmailJob, { key: endEmailKey(jobId) });
    return { queued: 1 };
  });
}
