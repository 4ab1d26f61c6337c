// The worker that releases numbers whose freeze ended, run by the job queue every 10 minutes.
import type { AppContext } from '../context.ts';
import { QUEUES } from '../jobs/queue.ts';
import { releaseFrozenNumbers } from './release-frozen-numbers.ts';

export const RELEASE_CRON = '*/10 * * * *';

export async function scheduleNumberRelease(ctx: AppContext): Promise<void> {
  const boss = ctx.jobs.boss;
  await boss.work<object>(QUEUES.releaseNumbers, { batchSize: 1, pollingIntervalSeconds: 5 } as never, async () => {
    await releaseFrozenNumbers(ctx);
  });
  await boss.schedule(QUEUES.releaseNumbers, RELEASE_CRON);
}
