// Benchmark: one fleet job of BENCH_FLEET_LINES lines (default 100,000) of a demo company, through
// its dry run, its confirmation and every execution step (simulators at zero latency), by the job
// workers of this process; next to a bare batched insert of the same rows (unnest, 5,000 a
// statement) into a table of their own, in the same run, on the same database. Goal (issue 14):
// ≥ 2,000 lines/s end to end on PostgreSQL, ratio ≥ 0.1, memory flat. See bench/README.md.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:fleet
//   BENCH_FLEET_LINES=5000 npm run bench:fleet        # smaller; PGlite without DATABASE_URL
//
// There is no HTTP load, so no load generator process: the job is planned and confirmed through the
// use cases the routes call. Ends with one JSON line of figures (rates, ratio, RSS, CPU seconds per phase, load average).
import crypto from 'node:crypto';
import fs from 'node:fs';
import inspector from 'node:inspector/promises';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Kysely, type KyselyPlugin } from 'kysely';
import type { DB } from '../src/db/schema.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { closeContext, createContext, hashPassword } from '../src/bootstrap.ts';
import { FLEET_COMPANY, seedDemoCompany } from '../src/db/seed/companies.ts';
import { seedReferenceData } from '../src/db/seed/reference-data.ts';
import { confirmFleetJob } from '../src/fleet/confirm-fleet-job.ts';
import { planFleetJob } from '../src/fleet/plan-fleet-job.ts';
import { emitFigures, freshDatabase, log, round } from './common.ts';

const LINES = Number(process.env.BENCH_FLEET_LINES ?? 100_000);
const TIMEOUT_SECONDS = Number(process.env.BENCH_TIMEOUT_SECONDS ?? 3600);
process.env.ZHUXIAO_MASTER_KEY ??= crypto.randomBytes(32).toString('base64');

const mb = (n: number) => round(n / 1024 / 1024, 0);

async function main(): Promise<void> {
  const fresh = await freshDatabase('fleet');
  const config: Config = { ...loadConfig({}), databaseUrl: fresh.url, dataDir: fresh.dataDir, dev: true, logLevel: 'warn', publicBaseUrl: 'http://127.0.0.1:3000' };
  // Seeded before the platform starts, as a deployment's data is: the SM-DP+ simulator learns the eSIM profiles at start.
  const seeding = await createContext(config, { workers: false, seedDemo: false });
  await seedReferenceData(seeding.db);
  log(`seeding a company with ${LINES} lines (${fresh.kind})`);
  await seedDemoCompany(seeding.db, seeding.vault, hashPassword, { ...FLEET_COMPANY, lines: LINES - 1 }); // the bundle adds one
  await closeContext(seeding);
  const ctx = await createContext(config, { workers: true, seedDemo: false });
  // Every statement the platform sends through ctx.db (the use cases and workers read it at each
  // call), counted, not BEGIN/COMMIT nor the queue's own: the statements per line of each phase.
  let statements = 0;
  // BENCH_FLEET_PROFILE=1: each statement's time (from its compilation to its result, so a wait for
  // a connection counts) and rows, summed by its text; the top ones printed at the end.
  const profile = process.env.BENCH_FLEET_PROFILE === '1' ? new Map<string, { n: number; ms: number; rows: number }>() : undefined;
  const started = new Map<unknown, { at: number; node: Parameters<NonNullable<KyselyPlugin['transformQuery']>>[0]['node'] }>();
  const counter: KyselyPlugin = {
    transformQuery: (a) => (statements++, profile && started.set(a.queryId, { at: performance.now(), node: a.node }), a.node),
    transformResult: async (a) => {
      const s = profile && started.get(a.queryId);
      if (s) {
        started.delete(a.queryId);
        const text = ctx.db.getExecutor().compileQuery(s.node, a.queryId as never).sql.replace(/\s+/g, ' ').replace(/\$\d+(, \$\d+)*/g, '$…').slice(0, 160);
        const e = profile.get(text) ?? { n: 0, ms: 0, rows: 0 };
        profile.set(text, { n: e.n + 1, ms: e.ms + performance.now() - s.at, rows: e.rows + (a.result.rows?.length ?? 0) + Number(a.result.numAffectedRows ?? 0) });
      }
      return a.result;
    },
  };
  (ctx as { db: Kysely<DB> }).db = ctx.db.withPlugin(counter);
  try {
    const lines = await ctx.db.selectFrom('lines').select(['id', 'iccid', 'msisdn', 'carrier']).where('company_id', '=', FLEET_COMPANY.id).orderBy('iccid').execute();
    const admin = await ctx.db.selectFrom('staff').select('id').where('username', '=', FLEET_COMPANY.admin.username).executeTakeFirstOrThrow();

    // The baseline: the same rows, inserted bare in batches, in this run.
    await sql`CREATE TABLE bench_fleet_baseline (row_no integer PRIMARY KEY, line_id uuid, iccid text, msisdn text, carrier text, state text)`.execute(ctx.db);
    const b0 = performance.now();
    for (let i = 0; i < lines.length; i += 5000) {
      const chunk = lines.slice(i, i + 5000);
      await sql`INSERT INTO bench_fleet_baseline SELECT * FROM unnest(${chunk.map((_, j) => i + j + 1)}::integer[], ${chunk.map((l) => l.id)}::uuid[],
        ${chunk.map((l) => l.iccid)}::text[], ${chunk.map((l) => l.msisdn)}::text[], ${chunk.map((l) => l.carrier)}::text[], ${chunk.map(() => 'done')}::text[])`.execute(ctx.db);
    }
    const baselineSeconds = (performance.now() - b0) / 1000;

    const rss: number[] = [process.memoryUsage().rss];
    // CPU seconds spent on the job, which the other work on the machine does not inflate as it does
    // the wall time: this process's, and the PostgreSQL backends' of this database (read from /proc
    // each second, the server being on this host; a backend's last second may be missed).
    const cpu0 = process.cpuUsage();
    const backendTicks = new Map<number, number>();
    const readBackends = async () => {
      if (fresh.kind !== 'postgres') return;
      const { rows } = await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`.execute(ctx.db.withoutPlugins());
      for (const { pid } of rows) {
        try {
          const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
          backendTicks.set(pid, Number(f[11]) + Number(f[12]));
        } catch { /* gone, or another host */ }
      }
    };
    await readBackends();
    const ticks0 = new Map(backendTicks);
    const pgSecondsSince = (since: Map<number, number>) => [...backendTicks].reduce((sum, [pid, t]) => sum + t - (since.get(pid) ?? 0), 0) / 100;
    const cpuAt: Array<{ node: NodeJS.CpuUsage; pg: Map<number, number> }> = [];
    const markCpu = async () => {
      await readBackends();
      cpuAt.push({ node: process.cpuUsage(), pg: new Map(backendTicks) });
    };
    await markCpu();
    const sampler = setInterval(() => {
      rss.push(process.memoryUsage().rss);
      void readBackends().catch(() => undefined);
    }, 1000);
    // BENCH_CPU_PROFILE=<prefix>: a CPU profile of this process per phase, <prefix>-dry-run.cpuprofile, -confirm, -execute.
    const profilePrefix = process.env.BENCH_CPU_PROFILE;
    const session = profilePrefix ? new inspector.Session() : undefined;
    const phaseProfile = async (done?: string) => {
      if (!session) return;
      if (done) fs.writeFileSync(`${profilePrefix}-${done}.cpuprofile`, JSON.stringify((await session.post('Profiler.stop')).profile));
      else {
        session.connect();
        await session.post('Profiler.enable');
      }
      await session.post('Profiler.start');
    };
    await phaseProfile();
    const t0 = performance.now();
    const s0 = statements;
    const { jobId } = await planFleetJob(ctx, { companyId: FLEET_COMPANY.id, actor: { kind: 'company_admin', id: admin.id }, rows: lines.map((l) => l.iccid), source: 'json' });
    const t1 = performance.now();
    const s1 = statements;
    await phaseProfile('dry-run');
    await markCpu();
    const rssAfterDryRun = process.memoryUsage().rss;
    log(`dry run: ${round((t1 - t0) / 1000)} s, RSS ${mb(rssAfterDryRun)} MB`);
    const confirmed = await confirmFleetJob(ctx, FLEET_COMPANY.id, jobId, { kind: 'company_admin', id: admin.id });
    const t2 = performance.now();
    const s2 = statements;
    await phaseProfile('confirm');
    await markCpu();
    const rssAfterConfirm = process.memoryUsage().rss;
    log(`confirmed: ${confirmed.queued} lines queued in ${round((t2 - t1) / 1000)} s, RSS ${mb(rssAfterConfirm)} MB`);
    // The bench's own polling goes around the counter.
    const plainDb = ctx.db.withoutPlugins();
    // The job's status each second; the lines done (a count over the job's rows, whose cost grows
    // with the job) only every 10 s, for the log.
    for (let polls = 1; ; await sleep(1000), polls++) {
      const job = await plainDb.selectFrom('fleet_jobs').select('status').where('id', '=', jobId).executeTakeFirstOrThrow();
      if (job.status === 'completed') break;
      if (polls % 10 === 0) {
        const done = await plainDb.selectFrom('fleet_job_lines').select(sql<number>`count(*)::int`.as('n')).where('job_id', '=', jobId).where('state', 'in', ['completed', 'failed']).executeTakeFirstOrThrow();
        log(`executed ${done.n} (${round(Number(done.n) / ((performance.now() - t2) / 1000), 0)}/s)`);
      }
      if ((performance.now() - t2) / 1000 > TIMEOUT_SECONDS) throw new Error('timed out');
    }
    const t3 = performance.now();
    const s3 = statements;
    await phaseProfile('execute');
    session?.disconnect();
    clearInterval(sampler);
    rss.push(process.memoryUsage().rss);
    await readBackends();
    const cpu = process.cpuUsage(cpu0);
    await markCpu();
    // CPU seconds per phase (this process, PostgreSQL): between the marks after each phase.
    const phaseCpu = (i: number) => ({
      node: round((cpuAt[i + 1].node.user + cpuAt[i + 1].node.system - cpuAt[i].node.user - cpuAt[i].node.system) / 1e6),
      postgres: fresh.kind === 'postgres' ? round([...cpuAt[i + 1].pg].reduce((sum, [pid, t]) => sum + t - (cpuAt[i].pg.get(pid) ?? 0), 0) / 100) : null,
    });
    const postgresCpuSeconds = pgSecondsSince(ticks0);
    const counts = Object.fromEntries((await ctx.db.selectFrom('fleet_job_lines').select(['state', sql<number>`count(*)::int`.as('n')]).where('job_id', '=', jobId).groupBy('state').execute()).map((r) => [r.state, Number(r.n)]));
    const reasonsOf = async (state: 'failed' | 'blocked') => Object.fromEntries((await ctx.db.selectFrom('fleet_job_lines').select(['reason', sql<number>`count(*)::int`.as('n')])
      .where('job_id', '=', jobId).where('state', '=', state).groupBy('reason').execute()).map((r) => [r.reason ?? '', Number(r.n)]));
    const failedReasons = await reasonsOf('failed');
    // BENCH_FLEET_TABLES=1: rows inserted and updated per table (HOT: with no new index entry) and its size, from PostgreSQL's statistics.
    if (process.env.BENCH_FLEET_TABLES === '1') {
      const { rows } = await sql<{ relname: string; n_tup_ins: string; n_tup_upd: string; n_tup_hot_upd: string; size: string }>`
        SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, pg_size_pretty(pg_total_relation_size(relid)) AS size FROM pg_stat_user_tables
        WHERE n_tup_ins + n_tup_upd > 1000 ORDER BY n_tup_ins + n_tup_upd DESC`.execute(ctx.db.withoutPlugins());
      for (const r of rows) log(`table ${r.relname}: ${r.n_tup_ins} inserted, ${r.n_tup_upd} updated (${r.n_tup_hot_upd} HOT), ${r.size}`);
    }
    const blockedReasons = await reasonsOf('blocked');
    const total = (t3 - t0) / 1000;
    const linesPerSecond = LINES / total;
    const baselineRowsPerSecond = lines.length / baselineSeconds;
    if (profile) {
      for (const [text, e] of [...profile].sort((a, b) => b[1].ms - a[1].ms).slice(0, 40)) {
        log(`${round(e.ms / 1000, 2)} s  ${e.n}×  ${e.rows} rows  ${text}`);
      }
    }
    emitFigures({
      bench: 'fleet', engine: fresh.kind, lines: LINES, counts, failedReasons, blockedReasons,
      dryRunSeconds: round((t1 - t0) / 1000), confirmSeconds: round((t2 - t1) / 1000), executeSeconds: round((t3 - t2) / 1000), totalSeconds: round(total),
      linesPerSecond: round(linesPerSecond, 0), executeLinesPerSecond: round(confirmed.queued / ((t3 - t2) / 1000), 0),
      statementsPerLine: { dryRun: round((s1 - s0) / LINES, 3), confirm: round((s2 - s1) / LINES, 3), execute: round((s3 - s2) / confirmed.queued, 3) },
      baselineRowsPerSecond: round(baselineRowsPerSecond, 0), ratio: round(linesPerSecond / baselineRowsPerSecond, 4),
      goal: { linesPerSecond: 2000, ratio: 0.1, met: linesPerSecond >= 2000 && linesPerSecond / baselineRowsPerSecond >= 0.1 },
      rssMb: { start: mb(rss[0]), afterDryRun: mb(rssAfterDryRun), afterConfirm: mb(rssAfterConfirm), max: mb(Math.max(...rss)), end: mb(rss[rss.length - 1]) },
      cpuSeconds: { node: round((cpu.user + cpu.system) / 1e6), postgres: fresh.kind === 'postgres' ? round(postgresCpuSeconds) : null },
      cpuSecondsPerPhase: { dryRun: phaseCpu(0), confirm: phaseCpu(1), execute: phaseCpu(2) },
      cpuMsPerLine: round(((cpu.user + cpu.system) / 1e3 + postgresCpuSeconds * 1000) / LINES, 2),
      loadAverage: os.loadavg().map((n) => round(n, 2)),
    });
  } finally {
    await closeContext(ctx);
    await fresh.drop();
  }
}

await main();
process.exit(0);
