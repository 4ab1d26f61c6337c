// `zhuxiao worker [--concurrency N]`: the job workers alone, with no HTTP server. Run any number of
// them, on any host that reaches the database: pg-boss hands each job to one of them, a job held by a
// process that dies is taken back once its heartbeat goes stale (src/jobs/queue.ts) and runs again
// elsewhere, and every execution step is idempotent per step key, so nothing is lost or done twice.
//
// PGlite is one process's database: a worker process needs PostgreSQL (DATABASE_URL), else exit 2.
// SIGTERM / SIGINT: the jobs in hand finish (up to 10 s), then the process exits 0.
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { closeContext, createContext } from '../bootstrap.ts';
import { EXECUTION_CONCURRENCY } from '../jobs/workers.ts';

export const PGLITE_SINGLE_PROCESS = 'needs PostgreSQL (set DATABASE_URL). The embedded database (PGlite) belongs to one process: '
  + 'without DATABASE_URL run `zhuxiao serve` alone, whose job workers run inside it.';

/** A whole number ≥ min from a command-line option, or a usage error (exit 2). */
export function wholeNumber(name: string, value: string, min: number, usage: (message: string) => never): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) usage(`${name} takes a whole number${min > 0 ? ` of at least ${min}` : ''}`);
  return n;
}

export async function workerCommand(config: Config, args: string[], usage: (message: string) => never): Promise<number> {
  const { values } = parseArgs({ args, options: { concurrency: { type: 'string' } }, strict: true });
  const concurrency = values.concurrency === undefined ? EXECUTION_CONCURRENCY : wholeNumber('--concurrency', values.concurrency, 1, usage);
  if (!config.databaseUrl) {
    process.stderr.write(`zhuxiao worker: ${PGLITE_SINGLE_PROCESS}\n`);
    return 2;
  }
  await runWorker(config, concurrency);
  return -1; // keep running
}

/**
 * Starts the job workers on the configured database and stops them on SIGTERM / SIGINT. Demo data is
 * never seeded here: that is the server's first start (two processes seeding at once would clash).
 */
export async function runWorker(config: Config, concurrency: number): Promise<void> {
  const ctx = await createContext(config, { workers: true, executionConcurrency: concurrency, seedDemo: false });
  ctx.logger.info({ pid: process.pid, concurrency }, `Zhuxiao worker ready (${concurrency} execution${concurrency === 1 ? '' : 's'} at once, ${ctx.database.kind})`);
  let stopping = false;
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.once(sig, () => {
      if (stopping) return;
      stopping = true;
      ctx.logger.info({ signal: sig }, 'worker shutting down');
      const timer = setTimeout(() => process.exit(1), 15_000);
      timer.unref();
      closeContext(ctx).then(() => process.exit(0), (err) => {
        ctx.logger.error({ err }, 'worker shutdown failed');
        process.exit(1);
      });
    });
  }
}
