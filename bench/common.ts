// What the benchmarks share: a fresh database, a statement counter, the load generator in a process
// of its own, and small helpers. See bench/README.md.
import { AsyncLocalStorage } from 'node:async_hooks';
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import inspector from 'node:inspector/promises';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Kysely, type KyselyPlugin } from 'kysely';
import { loadQuoteFacts } from '../src/cancellation/load-quote-facts.ts';
import { composeQuote } from '../src/cancellation/compose-quote.ts';
import { newRequestReference } from '../src/cancellation/request-reference.ts';
import pg from 'pg';
import type { Database } from '../src/db/database.ts';
import type { DB } from '../src/db/schema.ts';
import { DEFAULT_RETRY, EXPIRE_SECONDS, HEARTBEAT_SECONDS } from '../src/jobs/queue.ts';
import { executionWorkOptions } from '../src/jobs/workers.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** A line for people to read (stdout). A process run by runInChild writes these to stderr instead. */
export const log = (msg: string) => process.stdout.write(`${msg}\n`);
/** The one line of figures a benchmark ends with: the last line on stdout. */
export const emitFigures = (figures: object) => process.stdout.write(`${JSON.stringify(figures)}\n`);
export const round = (n: number, digits = 1) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : null);

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(everyMs);
  }
}

export interface FreshDatabase {
  kind: 'postgres' | 'pglite';
  /** postgres://… of the new database (PostgreSQL only). */
  url: string | undefined;
  /** A temporary directory: PGlite's data (under pgdata/) and the key file live here. */
  dataDir: string;
  drop(): Promise<void>;
}

/**
 * A fresh database: on PostgreSQL (DATABASE_URL) a new database `<prefix>_<pid>_<hex>` on that
 * server (the role needs CREATEDB), otherwise PGlite in a temporary directory. Both go at drop().
 */
export async function freshDatabase(prefix: string): Promise<FreshDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `zhuxiao-${prefix}-`));
  const base = process.env.DATABASE_URL;
  const removeDir = async () => fs.rmSync(dataDir, { recursive: true, force: true });
  if (!base) return { kind: 'pglite', url: undefined, dataDir, drop: removeDir };
  const name = `zx_${prefix}_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
  const admin = async (q: string) => {
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    try {
      await c.query(q);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const u = new URL(base);
  u.pathname = `/${name}`;
  return {
    kind: 'postgres', url: u.toString(), dataDir,
    drop: async () => {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await removeDir();
    },
  };
}

/**
 * Counts the statements sent through a Kysely instance, by label. Each HTTP request a tagged server
 * answers counts under its method and path, once the answer is sent (a request cut off at the end of
 * a run is left out, so statements per request are those of whole requests); `label(name, fn)`
 * labels what `fn` sends; the rest counts as `background` (the audit sealer, the job workers).
 * BEGIN and COMMIT (or ROLLBACK) count as one statement each, like any other round trip. Counted:
 * statements that completed (a failed one is not seen), and only those through this instance
 * (pg-boss polls through a pool of its own; its inserts inside our transactions are counted).
 */
export class StatementCounter {
  readonly statements = new Map<string, number>();
  readonly requests = new Map<string, number>();
  /** Time from a request's arrival to its answer, summed per label (ms). */
  readonly serverMs = new Map<string, number>();
  /** Time from sending a statement to its result, summed per label (ms; statements built by Kysely). */
  readonly databaseMs = new Map<string, number>();
  readonly #als = new AsyncLocalStorage<{ n: number; dbMs: number }>();
  readonly #sentAt = new WeakMap<object, number>();
  #labelled = new Map<string, { n: number; dbMs: number }>();

  #add(map: Map<string, number>, key: string, n = 1) {
    map.set(key, (map.get(key) ?? 0) + n);
  }

  #count = (n = 1) => {
    const store = this.#als.getStore();
    if (store) store.n += n;
    else this.#add(this.statements, 'background', n);
  };

  reset(): void {
    for (const m of [this.statements, this.requests, this.serverMs, this.databaseMs]) m.clear();
    for (const s of this.#labelled.values()) Object.assign(s, { n: 0, dbMs: 0 });
  }

  /** Runs `fn` with its statements counted under `name` (read with `statementsOf`). */
  label<T>(name: string, fn: () => T): T {
    let store = this.#labelled.get(name);
    if (!store) this.#labelled.set(name, (store = { n: 0, dbMs: 0 }));
    return this.#als.run(store, fn);
  }

  statementsOf(name: string): number {
    return (this.#labelled.get(name)?.n ?? 0) + (this.statements.get(name) ?? 0);
  }

  /** Counts every request the server answers under `<METHOD> <path>` (path without the query). */
  tagServer(server: http.Server, labelOf: (req: http.IncomingMessage) => string = (req) => `${req.method} ${(req.url ?? '').split('?')[0]}`): void {
    const listeners = server.listeners('request') as Array<(req: http.IncomingMessage, res: http.ServerResponse) => void>;
    server.removeAllListeners('request');
    for (const l of listeners) {
      server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
        const name = labelOf(req);
        const store = { n: 0, dbMs: 0 };
        const arrived = performance.now();
        res.once('finish', () => {
          this.#add(this.requests, name);
          this.#add(this.statements, name, store.n);
          this.#add(this.serverMs, name, performance.now() - arrived);
          this.#add(this.databaseMs, name, store.dbMs);
        });
        this.#als.run(store, () => l.call(server, req, res));
      });
    }
  }

  /** Statements (or, with `of`, server or database ms) per answered request of a label (NaN when no request had it). */
  perRequest(name: string, of: 'statements' | 'serverMs' | 'databaseMs' = 'statements'): number {
    return (this[of].get(name) ?? 0) / (this.requests.get(name) ?? NaN);
  }

  /** The database, its Kysely instance counting through this counter. */
  wrap(database: Database): Database {
    const plugin: KyselyPlugin = {
      transformQuery: (args) => {
        this.#sentAt.set(args.queryId, performance.now());
        return args.node;
      },
      transformResult: async (args) => {
        this.#count();
        const sent = this.#sentAt.get(args.queryId);
        const store = this.#als.getStore();
        if (sent !== undefined && store) store.dbMs += performance.now() - sent;
        return args.result;
      },
    };
    const db = countTransactions(database.db.withPlugin(plugin), () => this.#count(2));
    return { ...database, db };
  }
}

/** A Kysely instance whose transactions add two statements (BEGIN, COMMIT or ROLLBACK) each. */
function countTransactions(db: Kysely<DB>, onTransaction: () => void): Kysely<DB> {
  const wrapBuilder = (builder: object): object => new Proxy(builder, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (typeof v !== 'function') return v;
      if (prop === 'execute') {
        return (fn: unknown) => {
          onTransaction();
          return (v as (fn: unknown) => Promise<unknown>).call(target, fn);
        };
      }
      // setIsolationLevel, setAccessMode…: a new builder, counted the same way.
      return (...args: unknown[]) => {
        const r = (v as (...a: unknown[]) => unknown).apply(target, args);
        return r && typeof r === 'object' && 'execute' in r ? wrapBuilder(r) : r;
      };
    },
  });
  return new Proxy(db, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (typeof v !== 'function') return v;
      if (prop === 'transaction') return () => wrapBuilder(target.transaction());
      // The platform's ctx.db is a withPlugin copy (the verify cache): count that copy's transactions too.
      if (prop === 'withPlugin') return (p: Parameters<Kysely<DB>['withPlugin']>[0]) => countTransactions(target.withPlugin(p), onTransaction);
      return v.bind(target); // Kysely keeps its state in private fields: call on the real instance
    },
  });
}

/**
 * Runs a bench script in a process of its own (`node --import tsx <script> <spec file>`), with
 * `spec` as JSON in a temporary file, and returns the JSON of the last line it prints on stdout.
 * Its stderr goes to ours.
 */
export async function runInChild<T>(script: string, spec: object, env: NodeJS.ProcessEnv = process.env): Promise<T> {
  const specFile = path.join(os.tmpdir(), `zhuxiao-bench-spec-${process.pid}-${crypto.randomBytes(4).toString('hex')}.json`);
  fs.writeFileSync(specFile, JSON.stringify(spec));
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script), specFile], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    const last = out.trim().split('\n').pop() ?? '';
    if (code !== 0 || !last.startsWith('{')) throw new Error(`${script} exited ${code}: ${out.slice(-2000)}`);
    return JSON.parse(last) as T;
  } finally {
    fs.rmSync(specFile, { force: true });
  }
}

/**
 * With BENCH_CPU_PROFILE=<file>, records a CPU profile of this process while `fn` runs (open the
 * file in Chrome DevTools or speedscope); without it, just runs `fn`.
 */
export async function profiled<T>(fn: () => Promise<T>): Promise<T> {
  const file = process.env.BENCH_CPU_PROFILE;
  if (!file) return fn();
  const session = new inspector.Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    fs.writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
    log(`CPU profile of the measured run: ${file}`);
  }
}

/** bench:execute's baseline queue: a no-op job, on the execution queue's policy. */
export const NOOP_QUEUE = 'bench-noop';
export const noopQueuePolicy = {
  retryLimit: DEFAULT_RETRY.retryLimit, retryDelay: DEFAULT_RETRY.retryDelaySeconds, retryBackoff: DEFAULT_RETRY.retryBackoff,
  expireInSeconds: EXPIRE_SECONDS, heartbeatSeconds: HEARTBEAT_SECONDS,
};
/**
 * The no-op worker: the execution workers' work options for `concurrency` executions at once
 * (src/jobs/workers.ts: batches, each job settled on its own), `overrides` on top, and a handler that
 * does nothing but report each job completed.
 */
export const noopWork = (concurrency: number, overrides?: object) => ({
  options: { ...executionWorkOptions(concurrency), ...overrides },
  handler: async (jobs: Array<{ id: string }>) => jobs.map((j) => ({ id: j.id, status: 'completed' as const })),
});

/**
 * `count` approved requests, written by SQL, on lines with nothing in flight: each with the quote the
 * line really gets (at the counter, penalty accepted), the bill and refund it states, and an account
 * that holds them (cash topped up, no arrears). No jobs: the caller enqueues them. Returns their ids.
 */
export async function insertApprovedRequests(db: Kysely<DB>, count: number): Promise<string[]> {
  const lines = await db.selectFrom('lines as l').select(['l.id', 'l.account_id'])
    .where('l.status', '<>', 'cancelled')
    .where((eb) => eb.not(eb.exists(eb.selectFrom('cancellation_requests as r').select('r.id').whereRef('r.line_id', '=', 'l.id'))))
    .orderBy('l.id').limit(count).execute();
  if (lines.length < count) throw new Error(`only ${lines.length} lines for ${count} requests: raise BENCH_CUSTOMERS`);
  const accounts = [...new Set(lines.map((l) => l.account_id))];
  for (let i = 0; i < accounts.length; i += 1000) {
    await db.updateTable('billing_accounts').set({ cash_balance_fen: 500_000, arrears_fen: 0, arrears_since: null }).where('id', 'in', accounts.slice(i, i + 1000)).execute();
  }
  const now = new Date();
  const ids: string[] = [];
  for (let i = 0; i < lines.length; i += 500) {
    const batch = lines.slice(i, i + 500);
    const rows = await Promise.all(batch.map(async (l) => {
      const facts = await loadQuoteFacts(db, { lineId: l.id, channel: 'store', acceptPenalty: true, now });
      const quote = composeQuote(facts, 'zh-CN');
      return {
        id: crypto.randomUUID(), reference: newRequestReference(), line_id: l.id, customer_id: facts.line.customer_id, carrier: facts.line.carrier,
        channel: 'store' as const, status: 'approved' as const, quote_version: quote.version, quote: JSON.stringify(quote), acknowledgements: JSON.stringify(quote.requiredAcknowledgements),
        refund_route: JSON.stringify({ type: 'original' }), bill_total_fen: quote.bill.totalFen, refund_fen: quote.refund.refundableFen, decided_at: now, details: '{}',
      };
    }));
    await db.insertInto('cancellation_requests').values(rows).execute();
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

/**
 * CPU time the PostgreSQL backends of this database use from now on (ms), read from /proc: only when
 * the server runs on this machine (otherwise, and on PGlite, whose work is in this process's own CPU
 * time, `used()` gives NaN). Backends that start later count from zero.
 */
export async function databaseCpu(db: Kysely<DB>, kind: 'postgres' | 'pglite'): Promise<{ used(): Promise<number> }> {
  const ticksOf = (pid: number) => {
    const ms = processCpuMs(pid);
    return ms === undefined ? undefined : ms / 10;
  };
  const pids = async () => (await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`.execute(db)).rows.map((r) => Number(r.pid));
  if (kind !== 'postgres') return { used: async () => NaN };
  const start = new Map<number, number>();
  for (const pid of await pids()) {
    const t = ticksOf(pid);
    if (t === undefined) return { used: async () => NaN }; // not on this machine
    start.set(pid, t);
  }
  return {
    async used() {
      let ticks = 0;
      for (const pid of new Set([...start.keys(), ...(await pids())])) {
        const now = ticksOf(pid);
        if (now !== undefined) ticks += now - (start.get(pid) ?? 0);
      }
      return ticks * 10;
    },
  };
}

/** CPU time (user + system, ms) a process on this machine has used, from /proc; undefined if unreadable. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return undefined;
  }
}

/** Starts `node --import tsx <args>`, its output appended to `logFile`; `onOutput` sees it too. */
export function spawnLogged(args: string[], env: NodeJS.ProcessEnv, logFile: string, onOutput?: (text: string) => void): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const onData = (d: Buffer) => {
    fs.appendFileSync(logFile, d);
    onOutput?.(d.toString());
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  return child;
}

/** Starts `node --import tsx <args>` and resolves once its output matches `ready`; its output goes to `logFile`. */
export async function startProcess(args: string[], env: NodeJS.ProcessEnv, ready: RegExp, logFile: string): Promise<ChildProcess> {
  let seen = '';
  let resolveReady!: () => void;
  const isReady = new Promise<void>((resolve) => (resolveReady = resolve));
  const child = spawnLogged(args, env, logFile, (text) => {
    seen = (seen + text).slice(-5000);
    if (ready.test(seen)) resolveReady();
  });
  await Promise.race([isReady, new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code} before it was ready; see ${logFile}`))))]);
  return child;
}

/** SIGTERM, and SIGKILL for a process still there 15 s later. */
export async function stopProcesses(children: ChildProcess[]): Promise<void> {
  await Promise.all(children.map(async (c) => {
    if (c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await Promise.race([exited, sleep(15_000)]);
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }));
}
