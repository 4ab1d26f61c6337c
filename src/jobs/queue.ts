// The durable job queue: pg-boss on the platform's own database (PGlite through fromPglite, or the
// PostgreSQL server). Jobs are enqueued inside the caller's transaction (fromKysely(trx)), so a
// state change and the work it triggers commit together or not at all.
import { PgBoss, fromKysely, fromPglite } from 'pg-boss';
import type { Kysely, Transaction } from 'kysely';
import { CONNECT_TIMEOUT_MS, throttledWarning, type Database } from '../db/database.ts';
import type { DB } from '../db/schema.ts';

export const QUEUES = {
  /** Runs (or resumes) the execution steps of one approved cancellation request. */
  execute: 'cancellation-execute',
  /** Sends one SMS notification. */
  sms: 'notify-sms',
  /** E-mails a completed request's certificate to the address left at submission. */
  email: 'notify-email',
  /** Releases numbers whose freeze period has ended. */
  releaseNumbers: 'numbers-release',
  /** Execution jobs that failed every retry land here, and their request moves to needs_attention. */
  executeDead: 'cancellation-execute-dead',
  /** Sends one webhook delivery (one attempt; src/webhooks schedules the retries). */
  webhookDeliver: 'webhooks-deliver',
  /** Carries out one chunk of a fleet job's lines (src/fleet/run-fleet-chunk.ts). */
  fleetExecute: 'fleet-execute',
  /** E-mails the end of a fleet job to its company (src/fleet/finish-fleet-job.ts). */
  fleetEndEmail: 'fleet-end-email',
  /** A fleet end e-mail that failed every retry: marked on its job (record-fleet-end-email-failure.ts). */
  fleetEndEmailDead: 'fleet-end-email-dead',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface RetryPolicy {
  retryLimit: number;
  retryDelaySeconds: number;
  retryBackoff: boolean;
}

export const DEFAULT_RETRY: RetryPolicy = { retryLimit: 6, retryDelaySeconds: 2, retryBackoff: true };

/**
 * Crash recovery. A worker refreshes the heartbeat of each job it holds every HEARTBEAT_SECONDS / 2;
 * the monitor (every MONITOR_SECONDS, in whichever instance claims the pass) fails a job whose
 * heartbeat is older than HEARTBEAT_SECONDS, and it is retried. So a job held by a process that was
 * killed runs again about 10-15 s later (plus its retry delay), not after EXPIRE_SECONDS. The
 * handlers are idempotent (execution steps are keyed per request and step), so running an
 * interrupted job again is safe. EXPIRE_SECONDS only bounds a handler that is alive but stuck.
 */
export const HEARTBEAT_SECONDS = 10; // pg-boss's minimum
export const MONITOR_SECONDS = 5;
export const EXPIRE_SECONDS = 300;

export interface JobQueue {
  boss: PgBoss;
  /** Enqueue within `trx` (a Kysely transaction); `key` makes the job a singleton while queued or active. */
  send(trx: Transaction<DB> | Kysely<DB>, queue: QueueName, data: object, opts?: { key?: string; startAfterSeconds?: number }): Promise<void>;
  stop(): Promise<void>;
}

export async function startJobQueue(database: Database, retry: RetryPolicy = DEFAULT_RETRY): Promise<JobQueue> {
  const supervision = { supervise: true, schedule: true, superviseIntervalSeconds: MONITOR_SECONDS, monitorIntervalSeconds: MONITOR_SECONDS };
  // On PostgreSQL pg-boss has a pool of its own. It survives connections the server drops (its
  // queries listen for connection errors, and idle ones are reported through 'error' below), and
  // its workers keep polling through an outage and pick up again once the server is back.
  const boss = database.kind === 'pglite'
    ? new PgBoss({ db: fromPglite(database.pglite!), schema: 'pgboss', ...supervision } as ConstructorParameters<typeof PgBoss>[0])
    : new PgBoss({ connectionString: database.url!, schema: 'pgboss', max: 4, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, ...supervision } as ConstructorParameters<typeof PgBoss>[0]);
  // pg-boss reports background (maintenance, polling, heartbeat) errors here; they must not crash
  // the process. During an outage every poll fails: one warning per distinct message per 10 s.
  boss.on('error', throttledWarning('job queue'));
  await boss.start();
  const policy = {
    retryLimit: retry.retryLimit, retryDelay: retry.retryDelaySeconds, retryBackoff: retry.retryBackoff,
    expireInSeconds: EXPIRE_SECONDS, heartbeatSeconds: HEARTBEAT_SECONDS,
  };
  const ensureQueue = async (name: QueueName, options: object) => {
    await boss.createQueue(name, options as never);
    // createQueue leaves an existing queue as it was: bring its policy up to date too.
    await boss.updateQueue(name, options as never);
  };
  const DEAD_LETTERS: Partial<Record<QueueName, QueueName>> = { [QUEUES.execute]: QUEUES.executeDead, [QUEUES.fleetEndEmail]: QUEUES.fleetEndEmailDead };
  const deadQueues = new Set(Object.values(DEAD_LETTERS));
  for (const name of deadQueues) await ensureQueue(name, policy);
  for (const name of Object.values(QUEUES)) {
    if (deadQueues.has(name)) continue;
    const deadLetter = DEAD_LETTERS[name];
    await ensureQueue(name, { ...policy, ...(deadLetter ? { deadLetter } : {}) });
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
