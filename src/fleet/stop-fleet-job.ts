/**
 * Stopping a fleet job: every line whose execution has not started (its request still approved) is
 * withdrawn through the transition table (approved → withdrawn, conditional: a line a worker picked up
 * meanwhile carries on) and its row becomes stopped. Lines under way finish; the last one ends the job.
 */
import type { AppContext } from '../context.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { transition } from '../cancellation/transitions.ts';
import type { FleetActor } from './plan-fleet-job.ts';
import { finishFleetJobIfDone } from './finish-fleet-job.ts';

export async function stopFleetJob(ctx: AppContext, companyId: string, jobId: string, actor: FleetActor): Promise<{ stopped: number }> {
  // A stop already under way is taken up again: a process killed after marking the job stopped left
  // its lines running, and the company must be able to stop them still.
  const job = await ctx.db.updateTable('fleet_jobs').set({ status: 'stopped' })
    .where('id', '=', jobId).where('company_id', '=', companyId).where('status', 'in', ['running', 'stopped']).returning('id').executeTakeFirst();
  if (!job) {
    const current = await ctx.db.selectFrom('fleet_jobs').select('status').where('id', '=', jobId).where('company_id', '=', companyId).executeTakeFirst();
    if (!current) throw notFound('The fleet job');
    throw new AppError('conflict', `Only a running job can be stopped; this one is ${current.status}.`, { status: current.status });
  }
  const waiting = await ctx.db.selectFrom('fleet_job_lines as f').innerJoin('cancellation_requests as r', 'r.id', 'f.request_id')
    .select(['f.row_no', 'r.id as request_id']).where('f.job_id', '=', jobId).where('f.state', 'in', ['queued', 'executing']).where('r.status', '=', 'approved')
    .orderBy('f.row_no').execute();
  let stopped = 0;
  for (let i = 0; i < waiting.length; i += 500) {
    stopped += await ctx.db.transaction().execute(async (trx) => {
      let n = 0;
      for (const w of waiting.slice(i, i + 500)) {
        try {
          await transition(trx, { requestId: w.request_id, from: 'approved', to: 'withdrawn', actor: { kind: actor.kind, id: actor.id, ip: actor.ip ?? null }, note: 'fleet job stopped' });
        } catch (err) {
          if (err instanceof AppError && err.code === 'conflict') continue; // a worker started it: it carries on
          throw err;
        }
        await trx.updateTable('fleet_job_lines').set({ state: 'stopped', reason: 'stopped', updated_at: new Date() })
          .where('job_id', '=', jobId).where('row_no', '=', w.row_no).execute();
        n++;
      }
      return n;
    });
  }
  await finishFleetJobIfDone(ctx, jobId);
  return { stopped };
}
