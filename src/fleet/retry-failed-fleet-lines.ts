/**
 * Retrying a fleet job's failed lines only: each failed row whose request needs attention is retried
 * as ops would retry it (retryNeedsAttention: the failed step resumes, finished steps stay done),
 * the rows go back to queued and their chunks to the queue; the job runs again. Completed,
 * blocked and rejected rows are left alone.
 */
import type { AppContext } from '../context.ts';
import { retryNeedsAttention } from '../cancellation/retry-needs-attention.ts';
import { QUEUES } from '../jobs/queue.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { FLEET_CHUNK_SIZE, type FleetChunkJob } from './confirm-fleet-job.ts';
import type { FleetActor } from './plan-fleet-job.ts';

export async function retryFailedFleetLines(ctx: AppContext, companyId: string, jobId: string, actor: FleetActor): Promise<{ retried: number }> {
  const job = await ctx.db.selectFrom('fleet_jobs').select('status').where('id', '=', jobId).where('company_id', '=', companyId).executeTakeFirst();
  if (!job) throw notFound('The fleet job');
  if (job.status === 'dry_run') throw new AppError('conflict', 'The job has not been confirmed yet.', { status: job.status });
  const failed = await ctx.db.selectFrom('fleet_job_lines as f').innerJoin('cancellation_requests as r', 'r.id', 'f.request_id')
    .select(['f.row_no', 'r.id as request_id']).where('f.job_id', '=', jobId).where('f.state', '=', 'failed').where('r.status', '=', 'needs_attention')
    .orderBy('f.row_no').execute();
  const retried: number[] = [];
  for (const f of failed) {
    try {
      await retryNeedsAttention(ctx, { staffId: actor.id, ip: actor.ip ?? '' }, f.request_id);
      retried.push(f.row_no);
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'conflict')) throw err; // someone else retried or resolved it
    }
  }
  if (retried.length === 0) return { retried: 0 };
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('fleet_job_lines').set({ state: 'queued', reason: null, updated_at: new Date() })
      .where('job_id', '=', jobId).where('row_no', 'in', retried).where('state', '=', 'failed').execute();
    await trx.updateTable('fleet_jobs').set({ status: 'running', finished_at: null }).where('id', '=', jobId).execute();
    for (let i = 0; i < retried.length; i += FLEET_CHUNK_SIZE) {
      const chunk: FleetChunkJob = { jobId, rowNos: retried.slice(i, i + FLEET_CHUNK_SIZE) };
      await ctx.jobs.send(trx, QUEUES.fleetExecute, chunk);
    }
  });
  return { retried: retried.length };
}
