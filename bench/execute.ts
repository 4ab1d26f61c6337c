// Benchmark: approved requests drained through every execution step (simulators at zero latency) by
// the real job workers, next to a bare pg-boss no-op job drained the same way (same queue policy,
// same work options, same number of worker processes). See bench/README.md.
//
//   DATABASE_URL=postgres://… npm run bench:execute   # by 1 and by 2 `zhuxiao worker` processes
//   npm run bench:execute                            # PGlite: the workers in this process only
//
// The requests are seeded once into a template (demo data, then BENCH_REQUESTS approved requests
// written by SQL with each line's real quote), and every run starts from a copy of it. The jobs are
// enqueued in one statement once every worker process is ready; a run ends when no request is left
// approved or executing. Tuning (environment): BENCH_REQUESTS (5000), BENCH_CUSTOMERS (enough demo
// customers for the requests), BENCH_TIMEOUT_SECONDS (1800). Ends with one JSON line of figures.
import type { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import { loadConfig, type Config } from '../src/config.ts';
import { closeContext, createContext } from '../src/bootstrap.ts';
import { openDatabase, type Database } from '../src/db/database.ts';
import type { DB } from '../src/db/schema.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { seedReferenceData } from '../src/db/seed/reference-data.ts';
import { seedDemoData } from '../src/db/seed/demo-data.ts';
import { createPiiVault } from '../src/identity/pii.ts';
import { QUEUES } from '../src/jobs/queue.ts';
import { EXECUTION_CONCURRENCY, executionWorkOptions } from '../src/jobs/workers.ts';
import { databaseCpu, emitFigures, noopWork, startProcess, StatementCounter, stopProcesses, processCpuMs, insertApprovedRequests, freshDatabase, log, NOOP_QUEUE, noopQueuePolicy, round, type FreshDatabase } from './common.ts';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 5000);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? Math.ceil(REQUESTS * 0.75) + 300);
const TIMEOUT_SECONDS = Number(process.env.BENCH_TIMEOUT_SECONDS ?? 1800);
const MASTER_KEY = crypto.randomBytes(32).toString('base64');
/** pg-boss fetching full batches without waiting (burstWhenBatchFull): the queue's own drain rate. */
const BURST = { batchSize: 20, burstWhenBatchFull: true };

interface Drain { processes: number; jobs: number; seconds: number; perSecond: number; completed: number; needsAttention: number; postgresCpuMs?: number; workerCpuMs?: number; statements?: number }

function benchConfig(fresh: { url: string | undefined; dataDir: string }): Config {
  return { ...loadConfig({}), databaseUrl: fresh.url, dataDir: fresh.dataDir, dev: true, logLevel: 'warn', publicBaseUrl: 'http://127.0.0.1:3000', workers: false };
}

/** A copy of the seeded template for one run: CREATE DATABASE … TEMPLATE, or PGlite's data directory dumped and loaded. */
interface Copies { copy(name: string): Promise<{ url?: string; open(): Promise<Database>; drop(): Promise<void> }> }

async function copiesOf(template: FreshDatabase, database: Database): Promise<Copies> {
  if (template.kind === 'postgres') {
    await database.close();
    const base = process.env.DATABASE_URL!;
    const tplName = new URL(template.url!).pathname.slice(1);
    const admin = async (q: string) => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(q);
      } finally {
        await c.end();
      }
    };
    return {
      async copy(tag) {
        const name = `${tplName}_${tag}`;
        await admin(`CREATE DATABASE ${name} TEMPLATE ${tplName}`);
        const u = new URL(base);
        u.pathname = `/${name}`;
        return { url: u.toString(), open: () => openDatabase({ databaseUrl: u.toString() }), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
      },
    };
  }
  const dump = await database.pglite!.dumpDataDir('none');
  await database.close();
  return {
    async copy(tag) {
      const dir = path.join(template.dataDir, `copy-${tag}`);
      return { open: () => openDatabase({ dataDir: path.join(dir, 'pgdata'), loadDataDir: dump }), drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
    },
  };
}

/**
 * Demo data, then REQUESTS approved requests on lines with nothing in flight, each with the quote the
 * line really gets (at the counter, penalty accepted), the bill and refund it states, and an account
 * that holds them (cash topped up, no arrears). Then the platform's own first start on it (keys,
 * the queue's tables), so every copy starts ready.
 */
async function seedTemplate(config: Config, database: Database): Promise<void> {
  const db = database.db;
  await migrateToLatest(db);
  await seedReferenceData(db);
  await seedDemoData(db, createPiiVault(Buffer.from(MASTER_KEY, 'base64')), { customers: CUSTOMERS, seed: 1 });
  await insertApprovedRequests(db, REQUESTS);
  await closeContext(await createContext(config, { database: await reopen(config, database), workers: false }));
}

/** createContext closes the database it is given: hand it a second handle on the same one (PGlite: the same engine). */
async function reopen(config: Config, database: Database): Promise<Database> {
  if (database.kind === 'postgres') return openDatabase({ databaseUrl: config.databaseUrl! });
  return { ...database, close: async () => undefined };
}

async function counts(db: Kysely<DB>): Promise<Record<string, number>> {
  const rows = await db.selectFrom('cancellation_requests').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** Waits until `done()` says every job is drained; returns the seconds since `t0`. */
async function drained(t0: number, done: () => Promise<boolean>): Promise<number> {
  for (;;) {
    if (await done()) return (performance.now() - t0) / 1000;
    if (performance.now() - t0 > TIMEOUT_SECONDS * 1000) throw new Error(`not drained within ${TIMEOUT_SECONDS} s`);
    await sleep(100);
  }
}

/** The execution jobs, one per approved request, as openRequest and approveCancellation enqueue them (singleton key = request id). */
async function executionJobs(db: Kysely<DB>) {
  const ids = await db.selectFrom('cancellation_requests').select('id').where('status', '=', 'approved').execute();
  return ids.map((r) => ({ data: { requestId: r.id }, singletonKey: r.id }));
}

async function executeOnPostgres(copies: Copies, processes: number, logFile: string): Promise<Drain> {
  const copy = await copies.copy(`exec${processes}`);
  const database = await copy.open();
  const workers: ChildProcess[] = [];
  const boss = new PgBoss({ connectionString: copy.url!, schema: 'pgboss', supervise: false, schedule: false, max: 2 } as never);
  boss.on('error', () => undefined);
  try {
    const env: NodeJS.ProcessEnv = {
      ...process.env, DATABASE_URL: copy.url, ZHUXIAO_DEV: '1', ZHUXIAO_MASTER_KEY: MASTER_KEY, LOG_LEVEL: 'info',
      ZHUXIAO_DATA_DIR: path.dirname(logFile), ZHUXIAO_PUBLIC_URL: 'http://127.0.0.1:3000',
    };
    for (let i = 0; i < processes; i++) workers.push(await startProcess(['bin/zhuxiao.js', 'worker'], env, /Zhuxiao worker ready/, logFile));
    await boss.start();
    const jobs = await executionJobs(database.db);
    const pgCpu = await databaseCpu(database.db, 'postgres');
    const workerCpu = () => workers.reduce((sum, w) => sum + (processCpuMs(w.pid!) ?? NaN), 0);
    const workerCpuAtStart = workerCpu();
    const t0 = performance.now();
    await boss.insert(QUEUES.execute, jobs);
    const seconds = await drained(t0, async () => {
      const c = await counts(database.db);
      return (c.approved ?? 0) + (c.executing ?? 0) === 0;
    });
    const c = await counts(database.db);
    const postgresCpuMs = (await pgCpu.used()) / Math.max(1, c.completed ?? 0);
    const workerCpuMs = (workerCpu() - workerCpuAtStart) / Math.max(1, c.completed ?? 0);
    return { processes, jobs: jobs.length, seconds, perSecond: (c.completed ?? 0) / seconds, completed: c.completed ?? 0, needsAttention: c.needs_attention ?? 0, postgresCpuMs, workerCpuMs };
  } finally {
    await boss.stop({ graceful: false, wait: true, timeout: 2000 } as never).catch(() => undefined);
    await stopProcesses(workers);
    await database.close();
    await copy.drop();
  }
}

async function noopOnPostgres(copies: Copies, processes: number, jobs: number, logFile: string, workOptions?: object): Promise<Drain> {
  const copy = await copies.copy(`noop${processes}${workOptions ? 'b' : ''}`);
  const database = await copy.open();
  const workers: ChildProcess[] = [];
  const boss = new PgBoss({ connectionString: copy.url!, schema: 'pgboss', supervise: false, schedule: false, max: 2 } as never);
  boss.on('error', () => undefined);
  try {
    await boss.start();
    await boss.createQueue(NOOP_QUEUE, noopQueuePolicy as never);
    const specFile = path.join(path.dirname(logFile), `noop-${processes}.json`);
    fs.writeFileSync(specFile, JSON.stringify({ databaseUrl: copy.url, concurrency: EXECUTION_CONCURRENCY, workOptions }));
    for (let i = 0; i < processes; i++) workers.push(await startProcess(['bench/noop-worker.ts', specFile], process.env, /noop worker \d+ ready/, logFile));
    const t0 = performance.now();
    await boss.insert(NOOP_QUEUE, Array.from({ length: jobs }, (_, i) => ({ data: { i } })));
    const seconds = await drained(t0, async () => {
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pgboss.job WHERE name = ${NOOP_QUEUE} AND state = 'completed'`.execute(database.db);
      return rows[0].n >= jobs;
    });
    return { processes, jobs, seconds, perSecond: jobs / seconds, completed: jobs, needsAttention: 0 };
  } finally {
    await boss.stop({ graceful: false, wait: true, timeout: 2000 } as never).catch(() => undefined);
    await stopProcesses(workers);
    await database.close();
    await copy.drop();
  }
}

/** PGlite: one process, so the workers run here, on a copy opened by this process. */
async function executeOnPglite(copies: Copies, config: Config): Promise<Drain> {
  const copy = await copies.copy('exec1');
  // The workers' statements counted through their Kysely instance (pg-boss's own polling and
  // settling go through the engine directly and are not counted; its inserts in our transactions are).
  const counter = new StatementCounter();
  const database = await copy.open();
  const ctx = await createContext(config, { database: counter.wrap(database), workers: true });
  try {
    const jobs = await executionJobs(database.db);
    counter.reset();
    const cpuAtStart = process.cpuUsage();
    const t0 = performance.now();
    await ctx.jobs.boss.insert(QUEUES.execute, jobs);
    const seconds = await drained(t0, async () => {
      const c = await counts(database.db);
      return (c.approved ?? 0) + (c.executing ?? 0) === 0;
    });
    const statements = counter.statementsOf('background');
    const cpu = process.cpuUsage(cpuAtStart);
    const c = await counts(database.db);
    return { processes: 1, jobs: jobs.length, seconds, perSecond: (c.completed ?? 0) / seconds, completed: c.completed ?? 0, needsAttention: c.needs_attention ?? 0,
      statements: statements / Math.max(1, c.completed ?? 0), workerCpuMs: (cpu.user + cpu.system) / 1000 / Math.max(1, c.completed ?? 0) };
  } finally {
    await closeContext(ctx);
    await copy.drop();
  }
}

async function noopOnPglite(copies: Copies, jobs: number, workOptions?: object): Promise<Drain> {
  const copy = await copies.copy(`noop1${workOptions ? 'b' : ''}`);
  const database = await copy.open();
  const { startJobQueue } = await import('../src/jobs/queue.ts');
  const queue = await startJobQueue(database);
  try {
    await queue.boss.createQueue(NOOP_QUEUE, noopQueuePolicy as never);
    const noop = noopWork(EXECUTION_CONCURRENCY, workOptions);
    await queue.boss.work(NOOP_QUEUE, noop.options as never, noop.handler as never);
    const t0 = performance.now();
    await queue.boss.insert(NOOP_QUEUE, Array.from({ length: jobs }, (_, i) => ({ data: { i } })));
    const seconds = await drained(t0, async () => {
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pgboss.job WHERE name = ${NOOP_QUEUE} AND state = 'completed'`.execute(database.db);
      return rows[0].n >= jobs;
    });
    return { processes: 1, jobs, seconds, perSecond: jobs / seconds, completed: jobs, needsAttention: 0 };
  } finally {
    await queue.stop();
    await database.close();
    await copy.drop();
  }
}

const line = (what: string, d: Drain) =>
  `${what.padEnd(34)} ${d.perSecond.toFixed(1).padStart(8)} /s   (${d.completed} of ${d.jobs} in ${d.seconds.toFixed(1)} s${d.needsAttention ? `, ${d.needsAttention} needs_attention` : ''}`
  + `${Number.isFinite(d.workerCpuMs) ? `; worker CPU ${d.workerCpuMs!.toFixed(1)} ms each` : ''}`
  + `${Number.isFinite(d.postgresCpuMs) ? `; PostgreSQL CPU ${d.postgresCpuMs!.toFixed(1)} ms each` : ''}`
  + `${Number.isFinite(d.statements) ? `; ${d.statements!.toFixed(1)} statements each` : ''})`;

async function main(): Promise<void> {
  const started = performance.now();
  const template = await freshDatabase('exec');
  const config = benchConfig(template);
  process.env.ZHUXIAO_MASTER_KEY = MASTER_KEY; // this process's contexts read the same key as the workers
  const logFile = path.join(template.dataDir, 'workers.log');
  try {
    log(`database: ${template.kind === 'postgres' ? 'PostgreSQL' : 'PGlite'}; seeding ${CUSTOMERS} demo customers and ${REQUESTS} approved requests…`);
    const database = await openDatabase(template.url ? { databaseUrl: template.url } : { dataDir: path.join(template.dataDir, 'pgdata') });
    await seedTemplate(config, database);
    const copies = await copiesOf(template, database);
    log(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s; ${EXECUTION_CONCURRENCY} executions at once per worker process; worker log ${logFile}`);
    const runs: Array<{ processes: number; execute: Drain; noop: Drain }> = [];
    for (const processes of template.kind === 'postgres' ? [1, 2] : [1]) {
      const execute = template.kind === 'postgres' ? await executeOnPostgres(copies, processes, logFile) : await executeOnPglite(copies, { ...config, dataDir: template.dataDir });
      log(line(`execute, ${processes} worker process${processes > 1 ? 'es' : ''}`, execute));
      const noop = template.kind === 'postgres' ? await noopOnPostgres(copies, processes, REQUESTS, logFile) : await noopOnPglite(copies, REQUESTS);
      log(line(`no-op job, ${processes} worker process${processes > 1 ? 'es' : ''}`, noop));
      log(`ratio execute / no-op              ${(execute.perSecond / noop.perSecond).toFixed(3)}`);
      runs.push({ processes, execute, noop });
    }
    // What the queue itself can drain when the workers fetch batches of 20 back to back.
    const capacity = template.kind === 'postgres'
      ? await noopOnPostgres(copies, 2, REQUESTS * 4, logFile, BURST)
      : await noopOnPglite(copies, REQUESTS * 4, BURST);
    log(line(`no-op, batches of ${BURST.batchSize} back to back`, capacity));
    if (template.kind === 'pglite') log('(PGlite is one process: the 2-process runs need PostgreSQL, DATABASE_URL)');
    log(`total run time ${((performance.now() - started) / 1000).toFixed(1)} s`);
    emitFigures({
      bench: 'execute', database: template.kind, requests: REQUESTS, executionsAtOncePerProcess: EXECUTION_CONCURRENCY, workOptions: executionWorkOptions(),
      runs: runs.map((r) => ({
        workerProcesses: r.processes,
        completionsPerSecond: round(r.execute.perSecond), seconds: round(r.execute.seconds), completed: r.execute.completed, needsAttention: r.execute.needsAttention,
        ...(Number.isFinite(r.execute.workerCpuMs) ? { workerCpuMsPerCompletion: round(r.execute.workerCpuMs!) } : {}),
        ...(Number.isFinite(r.execute.postgresCpuMs) ? { postgresCpuMsPerCompletion: round(r.execute.postgresCpuMs!) } : {}),
        ...(Number.isFinite(r.execute.statements) ? { statementsPerCompletion: round(r.execute.statements!) } : {}),
        noopJobsPerSecond: round(r.noop.perSecond), ratioToNoop: round(r.execute.perSecond / r.noop.perSecond, 3),
      })),
      queueCapacity: { workerProcesses: capacity.processes, batchSize: BURST.batchSize, jobsPerSecond: round(capacity.perSecond) },
    });
  } finally {
    await template.drop();
  }
}

await main();
