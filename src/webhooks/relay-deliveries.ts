// The outbox relay: due deliveries (new ones, and retries whose time has come) go to the delivery
// queue. Claimed with FOR UPDATE SKIP LOCKED and marked 'queued' in the same transaction that sends
// the job, so any number of processes relay each delivery once. Due is by ctx.now(), so a test that
// moves the clock makes retries due.
import { sql } from 'kysely';
import type { AppContext } from '../context.ts';
import { QUEUES } from '../jobs/queue.ts';
import { deliverWebhook } from './deliver-webhook.ts';
import { webhookSettings } from './settings.ts';
import { errorMessage } from '../db/connection-errors.ts';
import { throughOutages } from '../jobs/workers.ts';

export async function relayDueDeliveries(ctx: AppContext, limit = 100): Promise<number> {
  const now = ctx.now();
  // Most passes find nothing: one indexed read then, not a transaction.
  const due = await ctx.db.selectFrom('webhook_deliveries').select('id').where('status', '=', 'pending').where('next_attempt_at', '<=', now).limit(1).executeTakeFirst();
  if (!due) return 0;
  return ctx.db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ id: string; attempts: number }>`
      UPDATE webhook_deliveries SET status = 'queued', updated_at = ${now}
      WHERE id IN (
        SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ${now}
        ORDER BY next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED
      ) AND status = 'pending'
      RETURNING id, attempts`.execute(trx);
    for (const r of rows) await ctx.jobs.send(trx, QUEUES.webhookDeliver, { deliveryId: r.id }, { key: `${r.id}:${r.attempts}` });
    return rows.length;
  });
}

/** Starts the delivery workers and the relay loop; the relay stops before the job queue does. */
export async function startWebhookDelivery(ctx: AppContext): Promise<void> {
  await ctx.jobs.boss.work<{ deliveryId: string }>(QUEUES.webhookDeliver, { batchSize: 10, pollingIntervalSeconds: 0.5 } as never, async (jobs) => {
    // A slow receiver must not hold up the others: the batch's attempts run side by side.
    await Promise.all(jobs.map((job) => throughOutages(ctx, job, () => deliverWebhook(ctx, job.data.deliveryId))));
  });
  const { relayIntervalMs } = webhookSettings(ctx.webhooks);
  if (relayIntervalMs <= 0) return;
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    if (stopped) return;
    running = relayDueDeliveries(ctx)
      .catch((err) => ctx.logger.warn({ reason: errorMessage(err) }, 'webhook relay pass failed; it runs again shortly'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, relayIntervalMs);
      });
  };
  timer = setTimeout(tick, relayIntervalMs);
  const stopJobs = ctx.jobs.stop.bind(ctx.jobs);
  ctx.jobs.stop = async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
    await stopJobs();
  };
}
