// The workers: execution of approved requests and SMS notifications. Each handler is idempotent;
// a handler that throws is retried by the queue with backoff.
import type { AppContext } from '../context.ts';
import { escalate, executeCancellation } from '../cancellation/execute-cancellation.ts';
import { sendSms } from '../notifications/send-sms.ts';
import { QUEUES } from './queue.ts';
import { scheduleNumberRelease } from '../numbers/schedule-number-release.ts';

export class RetryLater extends Error {}

export async function startWorkers(ctx: AppContext): Promise<void> {
  const boss = ctx.jobs.boss;
  await boss.work<{ requestId: string }>(QUEUES.execute, { batchSize: 1, localConcurrency: 2, pollingIntervalSeconds: 0.5 } as never, async (jobs) => {
    for (const job of jobs) {
      const outcome = await executeCancellation(ctx, job.data.requestId);
      if (outcome === 'retry_later') throw new RetryLater(`request ${job.data.requestId}: a step failed and will be retried`);
    }
  });
  // A job that failed every retry (a database outage, a bug) must not leave its request in limbo.
  await boss.work<{ requestId: string }>(QUEUES.executeDead, { batchSize: 5, pollingIntervalSeconds: 2 } as never, async (jobs) => {
    for (const job of jobs) await escalate(ctx, job.data.requestId, 'the execution job failed on every retry; see the server log');
  });
  await boss.work<{ to: string; text: string; idempotencyKey: string; queuedAt?: number }>(QUEUES.sms, { batchSize: 20, pollingIntervalSeconds: 0.5 } as never, async (jobs) => {
    // Oldest first, so a subscriber reads "received" before "approved".
    const ordered = [...jobs].sort((a, b) => (a.data.queuedAt ?? 0) - (b.data.queuedAt ?? 0));
    for (const job of ordered) await sendSms(ctx, job.data);
  });
  await scheduleNumberRelease(ctx); // QUEUES.releaseNumbers, every 10 minutes
}
