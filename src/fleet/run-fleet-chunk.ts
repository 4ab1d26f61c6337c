/**
 * One queue job of a fleet: a chunk of its lines, each carried out by executeCancellation — the same
 * transitions and the same steps, each outside call keyed `<requestId>:<step>` — several at a time,
 * and each line's row in fleet_job_lines following its request (completed, or failed with the
 * request's attention reason). A line whose step will be retried keeps the chunk's job failing, so
 * the queue runs the chunk again with backoff; lines already finished are not touched again. The
 * chunk that leaves no line queued or executing ends the job (finish-fleet-job.ts).
 */
import type { AppContext } from '../context.ts';
import { executeCancellation } from '../cancellation/execute-cancellation.ts';
import type { FleetChunkJob } from './confirm-fleet-job.ts';
import { finishFleetJobIfDone } from './finish-fleet-job.ts';

/** Lines of one chunk in flight at once (their steps wait on the database and the outside systems). */
export const FLEET_LINE_CONCURRENCY = 16;

export async function runFleetChunk(ctx: AppContext, chunk: FleetChunkJob): Promise<{ completed: number; failed: number; retryLater: number }> {
  const lines = await ctx.db.selectFrom('fleet_job_lines').select(['row_no', 'request_id'])
    .where('job_id', '=', chunk.jobId).where('row_no', 'in', chunk.rowNos).where('state', 'in', ['queued', 'executing'])
    .where('request_id', 'is not', null).orderBy('row_no').execute();
  if (lines.length) {
    await ctx.db.updateTable('fleet_job_lines').set({ state: 'executing', updated_at: new Date() })
      .where('job_id', '=', chunk.jobId).where('row_no', 'in', lines.map((l) => l.row_no)).where('state', '=', 'queued').execute();
  }
  const tally = { completed: 0, failed: 0, retryLater: 0 };
  let next = 0;
  const worker = async () => {
    while (next < lines.length) {
      const line = lines[next++];
      const outcome = await executeCancellation(ctx, line.request_id!);
      if (outcome === 'retry_later') {
        tally.retryLater++;
        continue;
      }
      const request = await ctx.db.selectFrom('cancellation_requests').select(['status', 'attention_reason']).where('id', '=', line.request_id!).executeTakeFirstOrThrow();
      const done = request.status === 'completed';
      // needs_attention: ops may still retry or resolve it; the fleet row says failed, with the reason.
      await ctx.db.updateTable('fleet_job_lines')
        .set({ state: done ? 'completed' : 'failed', reason: done ? null : (request.attention_reason ?? request.status), updated_at: new Date() })
        .where('job_id', '=', chunk.jobId).where('row_no', '=', line.row_no).where('state', 'in', ['queued', 'executing']).execute();
      if (done) tally.completed++;
      else tally.failed++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(FLEET_LINE_CONCURRENCY, lines.length) }, worker));
  if (tally.retryLater > 0) throw new Error(`fleet job ${chunk.jobId}: ${tally.retryLater} line(s) of the chunk will be retried`);
  await finishFleetJobIfDone(ctx, chunk.jobId);
  return tally;
}
