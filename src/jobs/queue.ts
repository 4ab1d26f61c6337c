// The durable job queue: pg-boss on the platform's own database (PGlite through fromPglite, or the
// PostgreSQL server). Jobs are enqueued inside the caller's transaction (fromKysely(trx)), so a
// state change and the work it triggers commit together or not at all.
import { PgBoss, fromKysely, fromPglite } from 'pg-boss';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/database.ts';
import type { DB } from '../db/schema.ts';

export const QUEUES = {
  /** Runs (or resumes) the execution steps of one approved cancellation request. */
  execute: 'cancellation-execute',
  /** Sends one SMS notification. */
  sms: 'notify-sms',
  /** Releases numbers whose freeze period has ended. */
  releaseNumbers: 'numbers-release',
  /** Execution jobs that failed every retry land here, and their request moves to needs_attention. */
  executeDead: 'cancellation-execute-dead',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface RetryPolicy {
  retryLimit: number;
  retryDelaySeconds: number;
  retryBackoff: boolean;
}

export const DEFAULT_RETRY: RetryPolicy = { retryLimit: 6, retryDelaySeconds: 2, retryBackoff: true };

export interface JobQueue {
  boss: PgBoss;
  /** Enqueue within `trx` (a Kysely transaction); `key` makes the job a singleton while queued or active. */
  send(trx: Transaction<DB> | Kysely<DB>, queue: QueueName, data: object, opts?: { key?: string; startAfterSeconds?: number }): Promise<void>;
  stop(): Promise<void>;
}

export async function startJobQueue(database: Database, retry: RetryPolicy = DEFAULT_RETRY): Promise<JobQueue> {
  const boss = database.kind === 'pglite'
    ? new PgBoss({ db: fromPglite(database.pglite!), schema: 'pgboss', supervise: true, schedule: true } as ConstructorParameters<typeof PgBoss>[0])
    : new PgBoss({ connectionString: database.url!, schema: 'pgboss', max: 4 } as ConstructorParameters<typeof PgBoss>[0]);
  boss.on('error', (err: unknown) => {
    // pg-boss reports background (maintenance, polling) errors here; they must not crash the process.
    process.emitWarning(`job queue: ${err instanceof Error ? err.message : String(err)}`);
  });
  await boss.start();
  const policy = { retryLimit: retry.retryLimit, retryDelay: retry.retryDelaySeconds, retryBackoff: retry.retryBackoff, expireInSeconds: 300 };
  await boss.createQueue(QUEUES.executeDead, policy as never);
  for (const name of Object.values(QUEUES)) {
    if (name === QUEUES.executeDead) continue;
    await boss.createQueue(name, { ...policy, ...(name === QUEUES.execute ? { deadLetter: QUEUES.executeDead } : {}) } as never);
  }
  return {
    boss,
    async send(trx, queue, data, opts) {
      await boss.send(queue, data, {
        db: fromKysely(trx as never),
        ...(opts?.key ? { singletonKey: opts.key } : {}),
        ...(opts?.startAfterSeconds ? { startAfter: opts.startAfterSeconds } : {}),
      } as never);
    },
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 } as never);
    },
  };
}
