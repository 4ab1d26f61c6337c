// Benchmark: online quote + submit against the real server, next to a baseline measured in the same
// run on the same database (a bare Fastify route doing one INSERT). The load generator runs in a
// process of its own (bench/load.ts); the server here counts the statements each call sends. See
// bench/README.md.
//
//   npm run bench:submit                         # embedded PGlite in a temporary directory
//   DATABASE_URL=postgres://… npm run bench:submit   # a fresh database on that PostgreSQL server
//
// Tuning (environment): BENCH_CUSTOMERS (4000), BENCH_CONNECTIONS (200), BENCH_SECONDS (10), BENCH_POOL
// (the server's pool size on PostgreSQL; default the platform's 10), BENCH_WORKERS=off (no job workers in
// the server: the SMS jobs the submits enqueue wait in the queue, to see the request path's cost alone).
// Ends with one JSON line of figures.
import { performance } from 'node:perf_hooks';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { loadConfig, type Config } from '../src/config.ts';
import { openConfiguredDatabase } from '../src/bootstrap.ts';
import { openDatabase } from '../src/db/database.ts';
import { startServer, type RunningServer } from '../src/http/server.ts';
import { createSession, hashToken, SESSION_COOKIE, SUBSCRIBER_SESSION_MINUTES } from '../src/identity/sessions.ts';
import { quoteCancellation } from '../src/cancellation/quote-cancellation.ts';
import { databaseCpu, emitFigures, freshDatabase, log, profiled, round, runInChild, StatementCounter } from './common.ts';
import type { Flow, FlowResult, FlowSpec, LoadResult, PlainSpec } from './load.ts';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 4000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** The server's pool size on PostgreSQL (default: the platform's, 10). */
const POOL = Number(process.env.BENCH_POOL ?? 0);
const QUOTE = 'POST /api/v1/cancellations/quote';
const SUBMIT = 'POST /api/v1/cancellations';

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

async function main(): Promise<void> {
  const started = performance.now();
  const fresh = await freshDatabase('bench');
  const config: Config = {
    ...loadConfig({}),
    port: 0,
    host: '127.0.0.1',
    databaseUrl: fresh.url,
    dataDir: fresh.dataDir,
    dev: true,
    logLevel: 'warn',
    publicBaseUrl: 'http://127.0.0.1',
    workers: process.env.BENCH_WORKERS !== 'off',
  };
  log(`database: ${fresh.kind === 'postgres' ? 'PostgreSQL (fresh database)' : 'PGlite (temporary directory)'}; seeding ${CUSTOMERS} demo customers…`);
  const counter = new StatementCounter();
  const database = counter.wrap(POOL && config.databaseUrl ? await openDatabase({ databaseUrl: config.databaseUrl, poolSize: POOL }) : await openConfiguredDatabase(config));
  const server = await startServer(config, { database, demoCustomers: CUSTOMERS, logger: false });
  counter.tagServer(server.app.server);
  const baseline = Fastify({ logger: false });
  try {
    const flows = await eligibleFlows(server);
    // The seed has just written every table: analysed and vacuumed now rather than by autovacuum
    // during the measured runs, whose PostgreSQL CPU (from /proc, every backend of this database)
    // would count it against the few hundred flows of a run.
    await sql`VACUUM ANALYZE`.execute(server.ctx.db);
    const people = new Set(flows.map((f) => f.cookie)).size;
    log(`ready after ${((performance.now() - started) / 1000).toFixed(1)} s: ${flows.length} eligible lines of ${people} subscribers; ${CONNECTIONS} connections, ${SECONDS} s per run; load generator in its own process`);
    if (flows.length < CONNECTIONS) throw new Error(`only ${flows.length} eligible lines for ${CONNECTIONS} connections: raise BENCH_CUSTOMERS`);

    // Baseline: the same database handle, a bare Fastify route in this process, one INSERT per request.
    await sql`CREATE TABLE bench_scratch (id bigserial PRIMARY KEY, payload text NOT NULL, at timestamptz NOT NULL DEFAULT now())`.execute(server.ctx.db);
    baseline.post('/insert', async (req, reply) => {
      await sql`INSERT INTO bench_scratch (payload) VALUES (${String((req.body as { payload?: string }).payload ?? '')})`.execute(server.ctx.db);
      return reply.status(201).send({ ok: true });
    });
    await baseline.listen({ port: 0, host: '127.0.0.1' });
    counter.tagServer(baseline.server, () => 'baseline');
    const baselineUrl = `http://127.0.0.1:${(baseline.server.address() as { port: number }).port}`;
    let cpu = process.cpuUsage();
    let pgCpu = await databaseCpu(server.ctx.db, fresh.kind);
    const base = await runInChild<LoadResult>('bench/load.ts', {
      kind: 'plain', url: `${baselineUrl}/insert`, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ payload: 'hello' }),
      connections: CONNECTIONS, seconds: SECONDS, warmupSeconds: 2,
    } satisfies PlainSpec);
    const baselineStatements = counter.perRequest('baseline');
    const baselineServerMs = counter.perRequest('baseline', 'serverMs');
    const baseCpu = process.cpuUsage(cpu);
    const baseCpuMs = (baseCpu.user + baseCpu.system) / 1000 / base.requests; // includes the warm-up's share: a little high
    const basePgCpuMs = (await pgCpu.used()) / base.requests;

    // The flow: quote, then submit what the quote asked for, each flow on a line not used before.
    counter.reset();
    cpu = process.cpuUsage();
    pgCpu = await databaseCpu(server.ctx.db, fresh.kind);
    const flow = await profiled(() => runInChild<FlowResult>('bench/load.ts', { kind: 'flow', url: server.url, flows, connections: CONNECTIONS, seconds: SECONDS } satisfies FlowSpec));
    // Percentiles of no flow at all are NaN, which JSON carried as null.
    for (const k of ['flowP50Ms', 'flowP99Ms'] as const) flow[k] = Number(flow[k] ?? NaN);
    const flowCpu = process.cpuUsage(cpu);
    const flowCpuMs = (flowCpu.user + flowCpu.system) / 1000 / Math.max(1, flow.created);
    const flowPgCpuMs = (await pgCpu.used()) / Math.max(1, flow.created);
    const quoteStatements = counter.perRequest(QUOTE);
    const submitStatements = counter.perRequest(SUBMIT);
    const background = (counter.statements.get('background') ?? 0) / Math.max(1, flow.created);

    const rows = await server.ctx.db.selectFrom('cancellation_requests').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const ratio = flow.flowsPerSecond / base.requestsPerSecond;
    const p99Limit = 3 * base.p99Ms;
    log('');
    log(`baseline  (bare Fastify, 1 INSERT)   ${base.requestsPerSecond.toFixed(0).padStart(7)} req/s   p99 ${base.p99Ms} ms   (${base.requests} requests in ${base.seconds} s, non-2xx ${base.non2xx}, errors ${base.errors}; ${baselineStatements.toFixed(1)} statements each)`);
    log(`flow      (quote + submit, 2 calls)  ${flow.requestsPerSecond.toFixed(0).padStart(7)} req/s   p99 ${flow.p99Ms} ms per call   (${flow.requests} requests in ${flow.seconds} s, non-2xx ${flow.non2xx}, errors ${flow.errors})`);
    log(`          completed flows            ${flow.flowsPerSecond.toFixed(0).padStart(7)} flows/s p99 ${flow.flowP99Ms.toFixed(0)} ms per flow (p50 ${flow.flowP50Ms.toFixed(0)} ms; ${flow.created} submitted, ${flow.refused} refused${flow.exhausted ? `, ${flow.exhausted} with no line left` : ''})`);
    log(`ratio     flow / baseline            ${(flow.requestsPerSecond / base.requestsPerSecond).toFixed(3)} in requests/s, ${ratio.toFixed(3)} in flows/s (goal ≥ 0.25, aim 0.5)`);
    log(`p99       per flow vs 3× baseline    ${flow.flowP99Ms.toFixed(0)} ms vs ${p99Limit} ms: ${flow.flowP99Ms <= p99Limit ? 'within' : 'above'}`);
    log(`server time per call                 quote ${counter.perRequest(QUOTE, 'serverMs').toFixed(1)} ms (database ${counter.perRequest(QUOTE, 'databaseMs').toFixed(1)} ms), submit ${counter.perRequest(SUBMIT, 'serverMs').toFixed(1)} ms (database ${counter.perRequest(SUBMIT, 'databaseMs').toFixed(1)} ms); baseline ${baselineServerMs.toFixed(1)} ms`);
    log(`server CPU                           ${baseCpuMs.toFixed(2)} ms per baseline request, ${flowCpuMs.toFixed(2)} ms per flow (this process, during each run)`);
    if (Number.isFinite(flowPgCpuMs)) log(`PostgreSQL CPU                       ${basePgCpuMs.toFixed(2)} ms per baseline request, ${flowPgCpuMs.toFixed(2)} ms per flow (its backends for this database, /proc)`);
    log(`statements per flow                  ${(quoteStatements + submitStatements).toFixed(1)} (quote ${quoteStatements.toFixed(1)}, submit ${submitStatements.toFixed(1)}; BEGIN and COMMIT included) + ${background.toFixed(1)} in the background (audit sealer)`);
    if (flow.refused) log(`          submit statuses: ${JSON.stringify(flow.statuses)}`);
    const inFlight = Number(rows.n) - flow.created;
    if (inFlight > 0) log(`          (${inFlight} more submits were still in flight when the run stopped; the server completed them)`);
    if (inFlight < 0) log(`WARNING: ${rows.n} requests in the database for ${flow.created} "201 Created" answers`);
    log(`total run time ${((performance.now() - started) / 1000).toFixed(1)} s`);
    emitFigures({
      bench: 'submit', database: fresh.kind, customers: CUSTOMERS, connections: CONNECTIONS, seconds: SECONDS, eligibleLines: flows.length,
      baseline: { requestsPerSecond: round(base.requestsPerSecond, 0), p99Ms: base.p99Ms, statements: round(baselineStatements) },
      flow: {
        callsPerSecond: round(flow.requestsPerSecond, 0), p99MsPerCall: flow.p99Ms, flowsPerSecond: round(flow.flowsPerSecond), p50MsPerFlow: round(flow.flowP50Ms, 0), p99MsPerFlow: round(flow.flowP99Ms, 0),
        submitted: flow.created, refused: flow.refused, errors: flow.errors,
      },
      ratioFlowsPerSecond: round(ratio, 3),
      p99PerFlowVs3xBaseline: { flowMs: round(flow.flowP99Ms, 0), limitMs: p99Limit, within: flow.flowP99Ms <= p99Limit },
      serverCpuMs: { perBaselineRequest: round(baseCpuMs, 2), perFlow: round(flowCpuMs, 2) },
      postgresCpuMs: { perBaselineRequest: round(basePgCpuMs, 2), perFlow: round(flowPgCpuMs, 2) },
      statementsPerFlow: { total: round(quoteStatements + submitStatements), quote: round(quoteStatements), submit: round(submitStatements), background: round(background) },
    });
  } finally {
    await baseline.close();
    await server.close();
    await fresh.drop();
  }
}

await main();
