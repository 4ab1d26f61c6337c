// Benchmark: how soon the work of a crashed deployment is done after it restarts. The deployment is
// what two cores run: `zhuxiao serve --workers=0` (the API) and BENCH_WORKER_PROCESSES (2) `zhuxiao
// worker` processes. A thousand approved requests are in flight, the workers mid-way through the
// first of them, when every process is killed (SIGKILL, no shutdown); all are started again at once,
// and we measure restart → the last request terminal. See bench/README.md.
//
//   DATABASE_URL=postgres://… npm run bench:crash     # a fresh database on that PostgreSQL server
//
// Tuning (environment): BENCH_REQUESTS (1000), BENCH_CUSTOMERS (3000), BENCH_CONCURRENCY (16),
// BENCH_WORKER_PROCESSES (2), BENCH_RUN_BEFORE_KILL_SECONDS (3), BENCH_TIMEOUT_SECONDS (300).
import type { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { hashPassword } from '../src/bootstrap.ts';
import { openDatabase, type Database } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { seedReferenceData } from '../src/db/seed/reference-data.ts';
import { seedDemoData, seedDemoStaff } from '../src/db/seed/demo-data.ts';
import { createPiiVault } from '../src/identity/pii.ts';
import { createSession, hashToken, SESSION_COOKIE, STAFF_SESSION_MINUTES, SUBSCRIBER_SESSION_MINUTES } from '../src/identity/sessions.ts';
import { freshDatabase, log, spawnLogged, startProcess, stopProcesses } from './common.ts';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const WORKER_PROCESSES = Number(process.env.BENCH_WORKER_PROCESSES ?? 2);
const RUN_BEFORE_KILL_SECONDS = Number(process.env.BENCH_RUN_BEFORE_KILL_SECONDS ?? 3);
const TIMEOUT_SECONDS = Number(process.env.BENCH_TIMEOUT_SECONDS ?? 300);
/** Statuses the workers take a request out of by themselves; every later one is terminal here. */
const IN_FLIGHT = ['approved', 'executing'];

const seconds = (ms: number) => Number((ms / 1000).toFixed(1));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** The API, `zhuxiao serve --workers=0`; resolves once /healthz says 200. */
async function startApi(env: NodeJS.ProcessEnv, base: string, logFile: string): Promise<ChildProcess> {
  const api = spawnLogged(['bin/zhuxiao.js', 'serve', '--workers=0'], env, logFile);
  await waitHealthy(base, api, logFile);
  return api;
}

/** WORKER_PROCESSES `zhuxiao worker` processes; resolves once each says it is ready. */
async function startWorkers(env: NodeJS.ProcessEnv, logFile: string): Promise<ChildProcess[]> {
  const workerEnv = { ...env, LOG_LEVEL: 'info' }; // for the "ready" line
  return Promise.all(Array.from({ length: WORKER_PROCESSES }, () => startProcess(['bin/zhuxiao.js', 'worker'], workerEnv, /Zhuxiao worker ready/, logFile)));
}

/** Kills every process at once with SIGKILL (no shutdown: the jobs they held stay `active`). */
async function killAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(children.map(async (c) => {
    if (c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
  }));
}

async function waitHealthy(base: string, child: ChildProcess, logFile: string): Promise<void> {
  const until = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}); see ${logFile}`);
    try {
      if ((await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5_000) })).status === 200) return;
    } catch { /* not listening yet */ }
    if (Date.now() > until) throw new Error(`the server did not become healthy; see ${logFile}`);
    await sleep(100);
  }
}

/** Runs `fn` over `items` with `n` at a time. */
async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

async function call(base: string, cookie: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/api/v1/${url}`, {
    method,
    headers: { cookie, 'accept-language': 'en', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(60_000),
  });
  return { status: res.status, body: await res.json().catch(() => null) as any };
}

async function statusCounts(database: Database): Promise<Record<string, number>> {
  const rows = await database.db.selectFrom('cancellation_requests').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
const inFlight = (c: Record<string, number>) => IN_FLIGHT.reduce((a, s) => a + (c[s] ?? 0), 0);

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL) {
    process.stderr.write('bench:crash runs on PostgreSQL: set DATABASE_URL (a role with CREATEDB; a fresh database is created and dropped)\n');
    process.exit(2);
  }
  const started = performance.now();
  const fresh = await freshDatabase('crash');
  const dataDir = fresh.dataDir;
  // The processes' log outlives the data directory, for a look afterwards.
  const logFile = path.join(os.tmpdir(), `zhuxiao-crash-${process.pid}.log`);
  const key = crypto.randomBytes(32);
  const database = await openDatabase({ databaseUrl: fresh.url, poolSize: 4 });
  let processes: ChildProcess[] = [];
  try {
    log(`database: PostgreSQL (fresh database); seeding ${CUSTOMERS} demo customers…`);
    await migrateToLatest(database.db);
    await seedReferenceData(database.db);
    await seedDemoData(database.db, createPiiVault(key), { customers: CUSTOMERS, seed: 1 });
    await seedDemoStaff(database.db, hashPassword);

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env, DATABASE_URL: fresh.url, ZHUXIAO_DEV: '1', PORT: String(port), HOST: '127.0.0.1',
      ZHUXIAO_DATA_DIR: dataDir, ZHUXIAO_MASTER_KEY: key.toString('base64'), LOG_LEVEL: 'warn',
    };
    // The API's first start (keys, the queue's tables); the workers start once the requests are approved.
    processes = [await startApi(env, base, logFile)];

    // Sessions straight in the database (no SMS codes, no sign-in rate limits), as bench:submit does.
    const candidates = await database.db.selectFrom('lines as l').innerJoin('billing_accounts as a', 'a.id', 'l.account_id')
      .select(['l.id', 'l.msisdn', 'l.customer_id', 'l.account_id'])
      .where('l.status', '=', 'active').where('l.sold_by', '=', 'carrier').where('l.port_out_status', '=', 'none')
      .where('l.store_only_reason', 'is', null).where('l.bundle_role', '=', 'none').where('a.arrears_fen', '=', 0)
      .where('a.cash_balance_fen', '>', 0).orderBy('l.id').execute()
      // One line per billing account: each quote sees the account's whole balance, so two requests
      // on one account could overdraw it and park the second in needs_attention, which is not what
      // this measures.
      .then((rows) => rows.filter((r, i) => rows.findIndex((x) => x.account_id === r.account_id) === i));
    const cookies = new Map<string, string>();
    for (const c of candidates) {
      if (cookies.has(c.customer_id)) continue;
      const token = await createSession(database.db, { kind: 'subscriber', subjectId: c.msisdn, customerId: c.customer_id, minutes: SUBSCRIBER_SESSION_MINUTES });
      await database.db.updateTable('sessions').set({ real_name_verified: true }).where('id_hash', '=', hashToken(token)).execute();
      cookies.set(c.customer_id, `${SESSION_COOKIE}=${token}`);
    }
    const reviewerId = (await database.db.selectFrom('staff').select('id').where('role', '=', 'reviewer').orderBy('username').executeTakeFirstOrThrow()).id;
    const reviewer = `${SESSION_COOKIE}=${await createSession(database.db, { kind: 'staff', subjectId: reviewerId, minutes: STAFF_SESSION_MINUTES })}`;

    // Submit through the API until REQUESTS are waiting for review (lines the quote blocks are skipped).
    const submitted: string[] = [];
    let reserved = 0; // submissions under way or done: never more than REQUESTS
    const t0 = performance.now();
    await pool(candidates, CONCURRENCY, async (c) => {
      if (reserved >= REQUESTS) return;
      const cookie = cookies.get(c.customer_id)!;
      const q = await call(base, cookie, 'POST', 'cancellations/quote', { lineId: c.id });
      if (q.status !== 200 || !q.body.eligible || reserved >= REQUESTS) return;
      reserved++;
      const s = await call(base, cookie, 'POST', 'cancellations', {
        lineId: c.id, quoteVersion: q.body.version, acknowledgements: q.body.requiredAcknowledgements, confirmLast4: c.msisdn.slice(-4), refundRoute: { type: 'original' },
      }, { 'idempotency-key': crypto.randomUUID() });
      if (s.status === 201) submitted.push(s.body.id);
      else reserved--;
    });
    log(`${submitted.length} requests submitted in ${seconds(performance.now() - t0)} s (of ${candidates.length} candidate lines)`);
    if (submitted.length < REQUESTS) throw new Error(`only ${submitted.length} requests for ${REQUESTS}: raise BENCH_CUSTOMERS`);

    // Approve them all; each approval enqueues its execution job.
    const t1 = performance.now();
    let refused = 0;
    await pool(submitted, CONCURRENCY, async (id) => {
      const r = await call(base, reviewer, 'POST', `review/${id}/approve`);
      if (r.status !== 200) refused++;
    });
    log(`approved in ${seconds(performance.now() - t1)} s${refused ? ` (${refused} approvals refused)` : ''}`);

    // The workers start on them; a few seconds later, while they are mid-way through the first ones,
    // the crash: SIGKILL to every process, no shutdown, the jobs they held left active in the queue.
    processes.push(...(await startWorkers(env, logFile)));
    await sleep(RUN_BEFORE_KILL_SECONDS * 1000);
    await killAll(processes);
    const atKill = await statusCounts(database);
    const activeAtKill = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'cancellation-execute' AND state = 'active'`.execute(database.db);
    const stranded = (await database.db.selectFrom('cancellation_requests').select('id').where('status', '=', 'executing').execute()).map((r) => r.id);
    log(`${WORKER_PROCESSES} worker processes ran for ${RUN_BEFORE_KILL_SECONDS} s; every process killed (SIGKILL) with ${inFlight(atKill)} requests in flight: ${JSON.stringify(atKill)}; ${activeAtKill.rows[0].n} execution jobs active`);

    // Restart everything at once and watch the requests to the end.
    const restart = performance.now();
    let healthyMs = NaN;
    let workersReadyMs = NaN;
    const restarted = Promise.all([
      startApi(env, base, logFile).then((api) => ((healthyMs = performance.now() - restart), [api])),
      startWorkers(env, logFile).then((ws) => ((workersReadyMs = performance.now() - restart), ws)),
    ]).then((all) => (processes = all.flat()));
    restarted.catch(() => undefined); // awaited (and thrown) after the watch below
    let strandedDoneMs: number | undefined;
    let othersDoneMs: number | undefined;
    let firstProgressMs: number | undefined;
    let lastTerminalMs: number | undefined;
    const inFlightAtKill = inFlight(atKill);
    let counts = atKill;
    let nextReport = 10_000;
    for (;;) {
      counts = await statusCounts(database);
      const now = performance.now() - restart;
      if (now >= nextReport) {
        log(`  ${seconds(now).toFixed(0).padStart(4)} s after restart: ${inFlight(counts)} in flight`);
        nextReport += 10_000;
      }
      if (firstProgressMs === undefined && inFlight(counts) < inFlightAtKill) firstProgressMs = now;
      const strandedLeft = stranded.length && strandedDoneMs === undefined
        ? (await database.db.selectFrom('cancellation_requests').select('id').where('id', 'in', stranded).where('status', 'in', IN_FLIGHT as never).execute()).length
        : 0;
      if (strandedDoneMs === undefined && strandedLeft === 0) strandedDoneMs = now;
      if (othersDoneMs === undefined && inFlight(counts) - strandedLeft === 0) othersDoneMs = now;
      if (inFlight(counts) === 0) {
        lastTerminalMs = now;
        break;
      }
      if (now > TIMEOUT_SECONDS * 1000) break;
      await sleep(200);
    }
    await restarted;

    const others = inFlightAtKill - stranded.length;
    const drainSeconds = othersDoneMs !== undefined && firstProgressMs !== undefined ? (othersDoneMs - firstProgressMs) / 1000 : undefined;
    log('');
    log(`restart → /healthz 200                   ${seconds(healthyMs).toFixed(1).padStart(6)} s`);
    log(`restart → every worker process ready     ${seconds(workersReadyMs).toFixed(1).padStart(6)} s   (${WORKER_PROCESSES} processes)`);
    log(`restart → first request moves on         ${firstProgressMs === undefined ? '     —' : seconds(firstProgressMs).toFixed(1).padStart(6)} s`);
    log(`restart → requests executing at the kill ${strandedDoneMs === undefined ? '     —' : seconds(strandedDoneMs).toFixed(1).padStart(6)} s   (${stranded.length} requests whose jobs died with the process)`);
    log(`restart → the other requests terminal    ${othersDoneMs === undefined ? '     —' : seconds(othersDoneMs).toFixed(1).padStart(6)} s   (${others} requests)`);
    log(`restart → last request terminal          ${lastTerminalMs === undefined ? `  none: ${inFlight(counts)} still in flight after ${TIMEOUT_SECONDS} s` : `${seconds(lastTerminalMs).toFixed(1).padStart(6)} s`}   (goal: under 60 s)`);
    if (drainSeconds) log(`throughput after restart                 ${(others / drainSeconds).toFixed(1).padStart(6)} requests/s   (the other requests, from the first one moving on)`);
    log(`final statuses: ${JSON.stringify(counts)}`);
    log(`total run time ${seconds(performance.now() - started)} s; server log ${logFile}`);
    log(JSON.stringify({
      bench: 'crash-recovery', database: 'postgres', requests: submitted.length, workerProcesses: WORKER_PROCESSES, inFlightAtKill, executingAtKill: stranded.length,
      activeJobsAtKill: activeAtKill.rows[0].n, restartToHealthySeconds: seconds(healthyMs), restartToWorkersReadySeconds: seconds(workersReadyMs),
      restartToExecutingAtKillTerminalSeconds: strandedDoneMs === undefined ? null : seconds(strandedDoneMs),
      restartToOthersTerminalSeconds: othersDoneMs === undefined ? null : seconds(othersDoneMs),
      requestsPerSecondAfterRestart: drainSeconds ? Number((others / drainSeconds).toFixed(1)) : null,
      restartToLastTerminalSeconds: lastTerminalMs === undefined ? null : seconds(lastTerminalMs),
      completed: counts.completed ?? 0, needsAttention: counts.needs_attention ?? 0, stillInFlight: inFlight(counts),
    }));
  } finally {
    await stopProcesses(processes);
    await database.close();
    await fresh.drop();
  }
}

await main();
