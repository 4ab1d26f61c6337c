/**
 * Stopping a fleet job: the job is marked stopped, then every line whose execution has not started
 * (its request still approved) is withdrawn through the transition table (approved → withdrawn, one
 * conditional update per thousand lines: a line a worker picked up meanwhile carries on) and its row
 * becomes stopped. Lines under way finish; the last one ends the job. A chunk of a stopped job that a
 * worker takes up afterwards (a stop killed half-way, a chunk that was already queued) withdraws its
 * own lines instead of running them (run-fleet-chunk.ts), so nothing of a stopped job starts.
 */
import { sql } from 'kysely';
import type { AppContext } from '../context.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { moveRequests } from '../cancellation/move-request.ts';
import type { Actor } from '../cancellation/transitions.ts';
import type { FleetActor } from './plan-fleet-job.ts';
import { finishFleetJobIfDone } from './finish-fleet-job.ts';
import { rowIn, stateIn } from './fleet-line-filters.ts';

const WITHDRAW_BATCH = 1000;

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
  const stopped = await withdrawUnstartedLines(ctx, jobId, { kind: actor.kind, id: actor.id, ip: actor.ip ?? null });
  await finishFleetJobIfDone(ctx, jobId);
  return { stopped };
}

/**
 * Withdraws the lines of a stopped job (only those in `rowNos` if given) whose request is still
 * approved, and marks their rows stopped, a batch per transaction. Returns how many it withdrew.
 */
export async function withdrawUnstartedLines(
  ctx: AppContext,
  jobId: string,
  actor: Actor,
  rowNos?: readonly number[],
): Promise<number> {
  let q = ctx.db.selectFrom('fleet_job_lines as f').innerJoin('cancellation_requests as r', 'r.id', 'f.request_id').innerJoin('lines as l', 'l.id', 'r.line_id')
    .select(['r.id as requestId', 'r.channel', 'l.msisdn']).where('f.job_id', '=', jobId).where('r.status', '=', 'approved');
  // A chunk's rows by their row numbers (fleet-line-filters.ts); the whole job's by the state index.
  q = rowNos ? q.where(rowIn('f.row_no', rowNos)).where(stateIn('f.state', ['queued', 'executing'])) : q.where('f.state', 'in', ['queued', 'executing']);
  const waiting = await q.orderBy('f.row_no').execute();
  let stopped = 0;
  for (let i = 0; i < waiting.length; i += WITHDRAW_BATCH) {
    stopped += await ctx.db.transaction().execute(async (trx) => {
      const moved = await moveRequests(ctx, trx, { rows: waiting.slice(i, i + WITHDRAW_BATCH), from: 'approved', to: 'withdrawn', actor, note: 'fleet job stopped' });
      if (moved.length === 0) return 0;
      await trx.updateTable('fleet_job_lines').set({ state: 'stopped', reason: 'stopped', updated_at: new Date() })
        .where('job_id', '=', jobId).where('request_id', '=', sql<string>`any(${moved.map((m) => m.requestId)}::uuid[])`).execute();
      return moved.length;
    });
  }
  return stopped;
}
