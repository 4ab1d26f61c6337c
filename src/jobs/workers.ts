// The workers: execution of approved requests and SMS notifications. Each handler is idempotent;
// a handler that throws is retried by the queue with backoff.
import type { AppContext } from '../context.ts';
import { executeCancellation } from '../cancellation/execute-cancellation.ts';
import { sendSms } from '../notifications/send-sms.ts';
import { QUEUES } from './queue.ts';

export class RetryLater extends Error {}

export async function startWorkers(ctx: AppContext): Promise<void> {
  const boss = ctx.jobs.boss;
  await boss.work<{ requestId: string }>(QUEUES.execute, { batchSize: 1, localConcurrency: 2, pollingIntervalSeconds: 0.5 } as never, async (jobs) => {
    for (const job of jobs) {
      const outcome = await executeCancellation(ctx, job.data.requestId);
      if (outcome === 'retry_later') throw new RetryLater(`request ${job.data.requestId}: a step failed and will be retried`);
    }
  });
  await boss.work<{ to: string; text: string; idempotencyKey: string }>(QUEUES.sms, { batchSize: 20, pollingIntervalSeconds: 0.5 } as never, async (jobs) => {
    for (const job of jobs) await sendSms(ctx, job.data);
  });
}
