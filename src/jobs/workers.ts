// The workers: execution of approved requests and SMS notifications. Each handler is idempotent;
// a handler that throws is retried by the queue with backoff.
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Job, JobResult } from 'pg-boss';
import type { AppContext } from '../context.ts';
import { errorMessage, isConnectionError } from '../db/connection-errors.ts';
import { escalate, executeCancellation } from '../cancellation/execute-cancellation.ts';
import { sendSms } from '../notifications/send-sms.ts';
import { statusSmsRecipient, type StatusSmsJob } from '../cancellation/notify-status.ts';
import { QUEUES } from './queue.ts';
import type { FleetChunkJob } from '../fleet/confirm-fleet-job.ts';
import { emailFleetJobEnd, type FleetEndEmailJob } from '../fleet/finish-fleet-job.ts';
import { noteFleetEndEmailError, recordFleetEndEmailFailure } from '../fleet/record-fleet-end-email-failure.ts';
import { runFleetChunk } from '../fleet/run-fleet-chunk.ts';
import { sendCertificateEmail } from '../cancellation/send-certificate-email.ts';
import { scheduleNumberRelease } from '../numbers/schedule-number-release.ts';
import { startWebhookDelivery } from '../webhooks/relay-deliveries.ts';

/** Execution jobs run at once in one process. */
export const EXECUTION_CONCURRENCY = 8;
/** Execution jobs fetched per poll (at most): each loop fetches this many and runs them together. */
export const EXECUTION_BATCH_SIZE = 4;

/**
 * How a process takes execution jobs: `concurrency` at once as ceil(concurrency / batch) loops, each
 * fetching a batch and running its jobs together. A full batch is followed by the next fetch at once
 * (burstWhenBatchFull): a backlog drains as fast as the process can execute, not one job per loop per
 * polling interval; a short or empty fetch goes back to polling every 0.5 s. Each job of a batch is
 * settled on its own (perJobResults): one that must retry does not fail its neighbours.
 */
export function executionWorkOptions(concurrency = EXECUTION_CONCURRENCY) {
  const batchSize = Math.max(1, Math.min(EXECUTION_BATCH_SIZE, concurrency));
  return { batchSize, localConcurrency: Math.ceil(concurrency / batchSize), pollingIntervalSeconds: 0.5, burstWhenBatchFull: true, perJobResults: true } as const;
}

/**
 * A fleet job's chunks run at once in one process. A chunk spends about a third of its time in its
 * network step, which its carrier's throttle paces (2,000 calls a second by default: 250 ms for 500
 * lines) while the database and this process have nothing of it to do; confirm hands the chunks out
 * with the carriers taking turns (chunksByCarrier), so four at a time keep both cores busy with the
 * others' statements, each carrier's calls under its own bucket. Measured (bench:fleet, 10,000 and
 * 30,000 lines, PostgreSQL, 2 cores): 1,047-1,223 lines/s in execution with two chunks of one carrier
 * at a time, 1,318-1,615 with four taking turns.
 */
export const FLEET_CHUNKS_IN_FLIGHT = 4;

/** How long a handler keeps a job through a database outage before it lets the queue retry it. */
export const OUTAGE_WAIT_MS = 60_000;

/**
 * Runs one job's work; if it fails because the database went away, waits for the database to answer
 * again and runs it again (the work is idempotent). Without this, the failed job could not even be
 * recorded as failed while the database is down, so it would stay active until its heartbeat went
 * stale, 10-20 s after the database came back; this way it carries on within a second. Gives up
 * (throws, and the queue retries the job) after OUTAGE_WAIT_MS, or when pg-boss takes the job back.
 */
export async function throughOutages<T>(ctx: AppContext, job: { signal?: AbortSignal }, work: () => Promise<T>): Promise<T> {
  const until = Date.now() + OUTAGE_WAIT_MS;
  for (;;) {
    try {
      return await work();
    } catch (err) {
      if (!isConnectionError(err) || Date.now() >= until || job.signal?.aborted) throw err;
      ctx.logger.warn({ reason: errorMessage(err) }, 'database unavailable; the job waits for it');
      while (!(await databaseAnswers(ctx))) {
        if (Date.now() >= until || job.signal?.aborted) throw err;
        await sleep(500);
      }
    }
  }
}

async function databaseAnswers(ctx: AppContext): Promise<boolean> {
  try {
    await sql`SELECT 1`.execute(ctx.db);
    return true;
  } catch {
    return false;
  }
}

/**
 * The execution queue's handler: a batch's requests run together, and each job gets its own outcome
 * (perJobResults): completed, or failed (retried by the queue with backoff, and after its last retry
 * moved to the dead-letter queue) when a step will be retried or the handler threw.
 */
export function executeJobs(ctx: AppContext) {
  return async (jobs: Array<Job<{ requestId: string }>>): Promise<JobResult[]> => Promise.all(jobs.map(async (job): Promise<JobResult> => {
    try {
      const outcome = await throughOutages(ctx, job, () => executeCancellation(ctx, job.data.requestId));
      if (outcome !== 'retry_later') return { id: job.id, status: 'completed' };
      return { id: job.id, status: 'failed', output: { message: `request ${job.data.requestId}: a step failed and will be retried` } };
    } catch (err) {
      ctx.logger.warn({ requestId: job.data.requestId, reason: errorMessage(err) }, 'execution job failed; the queue retries it');
      return { id: job.id, status: 'failed', output: { message: errorMessage(err) } };
    }
  }));
}

export async function startWorkers(ctx: AppContext, opts: { executionConcurrency?: number } = {}): Promise<void> {
  const boss = ctx.jobs.boss;
  // An execution spends much of its time waiting on the database, so several at a time overlap those
  // waits; beyond a few the process is short of CPU (the certificate's PDF and signature, see
  // bench/README.md): more executions go to more processes (`zhuxiao worker`).
  await boss.work<{ requestId: string }>(QUEUES.execute, executionWorkOptions(opts.executionConcurrency) as never, executeJobs(ctx) as never);
  // A job that failed every retry (a database outage, a bug) must not leave its request in limbo.
  await boss.work<{ requestId: string }>(QUEUES.executeDead, { batchSize: 5, pollingIntervalSeconds: 2 } as never, async (jobs) => {
    for (const job of jobs) await throughOutages(ctx, job, () => escalate(ctx, job.data.requestId, 'the execution job failed on every retry; see the server log', 'job_failed'));
  });
  await boss.work<StatusSmsJob>(QUEUES.sms, { batchSize: 20, pollingIntervalSeconds: 0.5 } as never, async (jobs) => {
    // Oldest first, so a subscriber reads "received" before "approved".
    const ordered = [...jobs].sort((a, b) => (a.data.queuedAt ?? 0) - (b.data.queuedAt ?? 0));
    for (const job of ordered) {
      await throughOutages(ctx, job, async () => {
        // The job names the request; the number is looked up here, so it is not stored in the queue.
        const to = await statusSmsRecipient(ctx, job.data);
        if (to) await sendSms(ctx, { to, text: job.data.text, idempotencyKey: job.data.idempotencyKey });
      });
    }
  });
  await boss.work<{ requestId: string }>(QUEUES.email, { batchSize: 5, pollingIntervalSeconds: 1 } as never, async (jobs) => {
    for (const job of jobs) await throughOutages(ctx, job, () => sendCertificateEmail(ctx, job.data.requestId));
  });
  await scheduleNumberRelease(ctx); // QUEUES.releaseNumbers, every 10 minutes
  await startWebhookDelivery(ctx); // QUEUES.webhookDeliver, and the outbox relay
  // A fleet job's chunks, FLEET_CHUNKS_IN_FLIGHT at a time per process: while one waits on PostgreSQL or
  // on its carrier's throttle, the others build their statements or make their outside calls (two
  // chunks: 3,000 lines at 575 lines/s, about half that with one). A chunk's outside calls run side by
  // side, and all chunks of a process share each carrier's throttle (carrier-throttle.ts).
  await boss.work<FleetChunkJob>(QUEUES.fleetExecute, { batchSize: 1, localConcurrency: FLEET_CHUNKS_IN_FLIGHT, pollingIntervalSeconds: 0.5 } as never, async (jobs) => {
    for (const job of jobs) await throughOutages(ctx, job, () => runFleetChunk(ctx, job.data));
  });
  await boss.work<FleetEndEmailJob>(QUEUES.fleetEndEmail, { batchSize: 5, pollingIntervalSeconds: 1 } as never, async (jobs) => {
    for (const job of jobs) {
      try {
        await throughOutages(ctx, job, () => emailFleetJobEnd(ctx, job.data.jobId));
      } catch (err) {
        await noteFleetEndEmailError(ctx, job.data.jobId, errorMessage(err)).catch(() => undefined); // the database may be what failed
        throw err; // the queue retries it
      }
    }
  });
  // An end e-mail that failed every retry is marked on its job: its administrator sees it and can send it again.
  await boss.work<FleetEndEmailJob>(QUEUES.fleetEndEmailDead, { batchSize: 5, pollingIntervalSeconds: 2 } as never, async (jobs) => {
    for (const job of jobs) await throughOutages(ctx, job, () => recordFleetEndEmailFailure(ctx, job.data.jobId));
  });
}
