/**
 * One queue job of a fleet: a chunk of its lines, carried out together by executeFleetChunk — the
 * same transitions and steps as a single cancellation, each outside call keyed `<requestId>:<step>`
 * and throttled per carrier, the database work done once per chunk — and each line's row in
 * fleet_job_lines following its request (completed, or failed with the request's attention reason),
 * in bulk. A line whose step will be retried keeps the chunk's job failing, so the queue runs the
 * chunk again with backoff; lines already finished are not touched again. The chunk that leaves no
 * line queued or executing ends the job (finish-fleet-job.ts).
 */
import { sql } from 'kysely';
import type { AppContext } from '../context.ts';
import type { FleetChunkJob } from './confirm-fleet-job.ts';
import { executeFleetChunk } from './execute-fleet-chunk.ts';
import { finishFleetJobIfDone } from './finish-fleet-job.ts';
import { rowIn, stateIn } from './fleet-line-filters.ts';
import { withdrawUnstartedLines } from './stop-fleet-job.ts';

export async function runFleetChunk(ctx: AppContext, chunk: FleetChunkJob): Promise<{ completed: number; failed: number; retryLater: number }> {
  const linesLeft = () => ctx.db.selectFrom('fleet_job_lines').select(['row_no', 'request_id'])
    .where('job_id', '=', chunk.jobId).where(rowIn('row_no', chunk.rowNos)).where(stateIn('state', ['queued', 'executing']))
    .where('request_id', 'is not', null).orderBy('row_no').execute();
  let lines = await linesLeft();
  const tally = { completed: 0, failed: 0, retryLater: 0 };
  // A stopped job starts nothing more: its chunk withdraws the lines it holds that have not started
  // (those under way, from an earlier try of the chunk, go on to their end).
  const job = await ctx.db.selectFrom('fleet_jobs').select('status').where('id', '=', chunk.jobId).executeTakeFirst();
  if (job?.status === 'stopped' && lines.length) {
    if (await withdrawUnstartedLines(ctx, chunk.jobId, { kind: 'worker' }, lines.map((l) => l.row_no))) lines = await linesLeft();
  }
  if (lines.length) {
    await ctx.db.updateTable('fleet_job_lines').set({ state: 'executing', updated_at: new Date() })
      .where('job_id', '=', chunk.jobId).where(rowIn('row_no', lines.map((l) => l.row_no))).where(stateIn('state', ['queued'])).execute();
    const outcomes = await executeFleetChunk(ctx, lines.map((l) => l.request_id!));
    const settled = lines.filter((l) => outcomes.get(l.request_id!) !== 'retry_later');
    tally.retryLater = lines.length - settled.length;
    if (settled.length) {
      // Each settled line's row says what its request says now: completed, or failed with the reason
      // (needs_attention: ops may still retry or resolve it). One statement for the chunk.
      const updated = await sql<{ state: string }>`
        UPDATE fleet_job_lines f
        SET state = CASE WHEN r.status = 'completed' THEN 'completed' ELSE 'failed' END,
            reason = CASE WHEN r.status = 'completed' THEN NULL ELSE coalesce(r.attention_reason, r.status) END,
            updated_at = now()
        FROM cancellation_requests r
        WHERE f.job_id = ${chunk.jobId} AND ${rowIn('f.row_no', settled.map((l) => l.row_no))} AND ${stateIn('f.state', ['queued', 'executing'])} AND r.id = f.request_id
        RETURNING f.state`.execute(ctx.db);
      for (const u of updated.rows) {
        if (u.state === 'completed') tally.completed++;
        else tally.failed++;
      }
    }
  }
  if (tally.retryLater > 0) throw new Error(`fleet job ${chunk.jobId}: ${tally.retryLater} line(s) of the chunk will be retried`);
  await finishFleetJobIfDone(ctx, chunk.jobId);
  return tally;
}
