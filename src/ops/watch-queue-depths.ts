// Feeds the queue-depth gauges read on every /metrics scrape: requests waiting on staff (pending
// review, needing attention) counted in the database, and the job queue's waiting and running jobs
// as pg-boss reports them (its counts are refreshed every minute or so).
import type { AppContext } from '../context.ts';
import { QUEUES } from '../jobs/queue.ts';

export const WAITING_STATUSES = ['pending_review', 'needs_attention'] as const;

export function watchQueueDepths(ctx: AppContext): void {
  ctx.metrics.depthSources.requestsWaiting = async () => {
    const rows = await ctx.db.selectFrom('cancellation_requests').select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('status', 'in', [...WAITING_STATUSES]).groupBy('status').execute();
    const counts: Record<string, number> = Object.fromEntries(WAITING_STATUSES.map((s) => [s, 0]));
    for (const r of rows) counts[r.status] = Number(r.n);
    return counts;
  };
  ctx.metrics.depthSources.jobs = async () => {
    const queues = await ctx.jobs.boss.getQueues(Object.values(QUEUES));
    return queues.map((q) => ({ queue: q.name, queued: Number(q.queuedCount ?? 0), active: Number(q.activeCount ?? 0) }));
  };
}
