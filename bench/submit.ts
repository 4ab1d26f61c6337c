// Benchmark: online quote + submit against the real server, next to a baseline measured in the same
// run on the same database (a bare Fastify route doing one INSERT). See bench/README.md.
//
//   npm run bench:submit                         # embedded PGlite in a temporary directory
//   DATABASE_URL=postgres://… npm run bench:submit   # a fresh database on that PostgreSQL server
//
// Tuning (environment): BENCH_CUSTOMERS (4000), BENCH_CONNECTIONS (200), BENCH_SECONDS (10).
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig, type Config } from '../src/config.ts';
import { startServer, type RunningServer } from '../src/http/server.ts';
import { createSession, hashToken, SESSION_COOKIE, SUBSCRIBER_SESSION_MINUTES } from '../src/identity/sessions.ts';
import { quoteCancellation } from '../src/cancellation/quote-cancellation.ts';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 4000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

interface Flow { cookie: string; lineId: string; last4: string }
/** autocannon's per-connection context during one flow. */
interface FlowContext { flow?: Flow; t0?: number; quote?: { version: string; requiredAcknowledgements: string[] } }

const log = (msg: string) => process.stdout.write(`${msg}\n`);

/** A fresh database: a new one on the PostgreSQL server of DATABASE_URL, or PGlite in a temp directory. */
async function freshDatabase(): Promise<{ databaseUrl: string | undefined; drop(): Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base) return { databaseUrl: undefined, drop: async () => undefined };
  const name = `zx_bench_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
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
  return { databaseUrl: u.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/**
 * Lines that can be cancelled online as they are (the real quote says eligible), each with a session
 * of its owner, created directly in the database (no SMS, so no sign-in rate limits) and
 * real-name verified.
 */
async function eligibleFlows(server: RunningServer): Promise<Flow[]> {
  const { ctx } = server;
  const candidates = await ctx.db.selectFrom('lines as l').innerJoin('billing_accounts as a', 'a.id', 'l.account_id')
    .select(['l.id', 'l.msisdn', 'l.customer_id'])
    .where('l.status', '=', 'active').where('l.sold_by', '=', 'carrier').where('l.port_out_status', '=', 'none')
    .where('l.store_only_reason', 'is', null).where('l.bundle_role', '=', 'none').where('a.arrears_fen', '=', 0)
    .where('a.cash_balance_fen', '>', 0)
    .orderBy('l.id').execute();
  const eligible: typeof candidates = [];
  for (let i = 0; i < candidates.length; i += 50) {
    const batch = candidates.slice(i, i + 50);
    const quotes = await Promise.all(batch.map((c) => quoteCancellation(ctx, { lineId: c.id, channel: 'online', acceptPenalty: false, lang: 'en' })));
    batch.forEach((c, k) => quotes[k].eligible && eligible.push(c));
  }
  const sessions = new Map<string, string>();
  for (const c of eligible) {
    if (sessions.has(c.customer_id)) continue;
    const token = await createSession(ctx.db, { kind: 'subscriber', subjectId: c.msisdn, customerId: c.customer_id, minutes: SUBSCRIBER_SESSION_MINUTES });
    await ctx.db.updateTable('sessions').set({ real_name_verified: true }).where('id_hash', '=', hashToken(token)).execute();
    sessions.set(c.customer_id, token);
  }
  // Interleave people, so neighbouring flows belong to different subscribers.
  const flows = eligible.map((c) => ({ cookie: `${SESSION_COOKIE}=${sessions.get(c.customer_id)}`, lineId: c.id, last4: c.msisdn.slice(-4) }));
  return flows.sort(() => Math.random() - 0.5);
}

function runCannon(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const started = performance.now();
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'zhuxiao-bench-'));
  const database = await freshDatabase();
  const config: Config = {
    ...loadConfig({}),
    port: 0,
    host: '127.0.0.1',
    databaseUrl: database.databaseUrl,
    dataDir,
    dev: true,
    logLevel: 'warn',
    publicBaseUrl: 'http://127.0.0.1',
    workers: true,
  };
  log(`database: ${database.databaseUrl ? 'PostgreSQL (fresh database)' : 'PGlite (temporary directory)'}; seeding ${CUSTOMERS} demo customers…`);
  const server = await startServer(config, { demoCustomers: CUSTOMERS, logger: false });
  const baseline = Fastify({ logger: false });
  try {
    const flows = await eligibleFlows(server);
    const people = new Set(flows.map((f) => f.cookie)).size;
    log(`ready after ${((performance.now() - started) / 1000).toFixed(1)} s: ${flows.length} eligible lines of ${people} subscribers; ${CONNECTIONS} connections, ${SECONDS} s per run`);
    if (flows.length < CONNECTIONS) throw new Error(`only ${flows.length} eligible lines for ${CONNECTIONS} connections: raise BENCH_CUSTOMERS`);

    // Baseline: the same database, a bare Fastify route, one INSERT per request.
    await sql`CREATE TABLE bench_scratch (id bigserial PRIMARY KEY, payload text NOT NULL, at timestamptz NOT NULL DEFAULT now())`.execute(server.ctx.db);
    baseline.post('/insert', async (req, reply) => {
      await sql`INSERT INTO bench_scratch (payload) VALUES (${String((req.body as { payload?: string }).payload ?? '')})`.execute(server.ctx.db);
      return reply.status(201).send({ ok: true });
    });
    await baseline.listen({ port: 0, host: '127.0.0.1' });
    const baselineUrl = `http://127.0.0.1:${(baseline.server.address() as { port: number }).port}`;
    const baseOpts: autocannon.Options = {
      url: `${baselineUrl}/insert`, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ payload: 'hello' }),
      connections: CONNECTIONS,
      timeout: 30, // seconds: a slow answer is measured, not dropped as an error
    };
    await runCannon({ ...baseOpts, duration: 2, maxConnectionRequests: 20 }); // warm-up
    const base = await runCannon({ ...baseOpts, duration: SECONDS, maxConnectionRequests: 2000 });

    // The flow: quote, then submit what the quote asked for, each flow on a line not used before.
    let next = 0;
    let created = 0;
    let refused = 0;
    let exhausted = 0;
    const statuses = new Map<number, number>();
    const flowMs: number[] = [];
    const perConnection = Math.max(1, Math.floor(flows.length / CONNECTIONS));
    const flow = await runCannon({
      url: server.url,
      connections: CONNECTIONS,
      timeout: 30,
      duration: SECONDS,
      maxConnectionRequests: 2 * perConnection,
      requests: [
        {
          method: 'POST',
          path: '/api/v1/cancellations/quote',
          setupRequest: (req, ctx) => {
            const context = ctx as FlowContext;
            const f = flows[next++];
            if (!f) {
              exhausted++;
              return { ...req, method: 'GET', path: '/healthz', headers: {}, body: undefined };
            }
            context.flow = f;
            context.t0 = performance.now();
            return { ...req, headers: { 'content-type': 'application/json', cookie: f.cookie }, body: JSON.stringify({ lineId: f.lineId }) };
          },
          onResponse: (status, body, ctx) => {
            const context = ctx as FlowContext;
            if (status === 200 && context.flow) context.quote = JSON.parse(body);
          },
        },
        {
          method: 'POST',
          path: '/api/v1/cancellations',
          setupRequest: (req, ctx) => {
            const { flow: f, quote: q } = ctx as FlowContext;
            if (!f || !q) return null as never; // the quote failed: start a new flow
            return {
              ...req,
              headers: { 'content-type': 'application/json', cookie: f.cookie, 'idempotency-key': crypto.randomUUID() },
              body: JSON.stringify({ lineId: f.lineId, quoteVersion: q.version, acknowledgements: q.requiredAcknowledgements, confirmLast4: f.last4, refundRoute: { type: 'original' } }),
            };
          },
          onResponse: (status, _body, ctx) => {
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
            if (status === 201) {
              created++;
              flowMs.push(performance.now() - (ctx as FlowContext).t0!);
            } else refused++;
          },
        },
      ],
    });

    const rows = await server.ctx.db.selectFrom('cancellation_requests').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    flowMs.sort((a, b) => a - b);
    const baseRps = base.requests.total / base.duration;
    const flowRps = flow.requests.total / flow.duration;
    const flowsPerSec = created / flow.duration;
    log('');
    log(`baseline  (bare Fastify, 1 INSERT)   ${baseRps.toFixed(0).padStart(7)} req/s   p99 ${base.latency.p99} ms   (${base.requests.total} requests in ${base.duration} s, non-2xx ${base.non2xx}, errors ${base.errors})`);
    log(`flow      (quote + submit, 2 calls)  ${flowRps.toFixed(0).padStart(7)} req/s   p99 ${flow.latency.p99} ms per call   (${flow.requests.total} requests in ${flow.duration} s, non-2xx ${flow.non2xx}, errors ${flow.errors})`);
    log(`          completed flows            ${flowsPerSec.toFixed(0).padStart(7)} flows/s p99 ${percentile(flowMs, 99).toFixed(0)} ms per flow (p50 ${percentile(flowMs, 50).toFixed(0)} ms; ${created} submitted, ${refused} refused${exhausted ? `, ${exhausted} with no line left` : ''})`);
    log(`ratio     flow / baseline            ${(flowRps / baseRps).toFixed(3)} in requests/s, ${(flowsPerSec / baseRps).toFixed(3)} in flows/s`);
    if (refused) log(`          submit statuses: ${JSON.stringify(Object.fromEntries(statuses))}`);
    const inFlight = Number(rows.n) - created;
    if (inFlight > 0) log(`          (${inFlight} more submits were still in flight when the run stopped; the server completed them)`);
    if (inFlight < 0) log(`WARNING: ${rows.n} requests in the database for ${created} "201 Created" answers`);
    log(`total run time ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await baseline.close();
    await server.close();
    await database.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

await main();
