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
// use cases the routes call. Ends with one JSON line of figures (rates, ratio, RSS, load average).
import crypto from 'node:crypto';
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
  const counter: KyselyPlugin = { transformQuery: (a) => (statements++, a.node), transformResult: async (a) => a.result };
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
    const sampler = setInterval(() => rss.push(process.memoryUsage().rss), 1000);
    const t0 = performance.now();
    const s0 = statements;
    const { jobId } = await planFleetJob(ctx, { companyId: FLEET_COMPANY.id, actor: { kind: 'company_admin', id: admin.id }, rows: lines.map((l) => l.iccid), source: 'json' });
    const t1 = performance.now();
    const s1 = statements;
    const rssAfterDryRun = process.memoryUsage().rss;
    log(`dry run: ${round((t1 - t0) / 1000)} s, RSS ${mb(rssAfterDryRun)} MB`);
    const confirmed = await confirmFleetJob(ctx, FLEET_COMPANY.id, jobId, { kind: 'company_admin', id: admin.id });
    const t2 = performance.now();
    const s2 = statements;
    const rssAfterConfirm = process.memoryUsage().rss;
    log(`confirmed: ${confirmed.queued} lines queued in ${round((t2 - t1) / 1000)} s, RSS ${mb(rssAfterConfirm)} MB`);
    // The bench's own polling goes around the counter.
    const plainDb = ctx.db.withoutPlugins();
    for (let last = 0; ; await sleep(1000)) {
      const job = await plainDb.selectFrom('fleet_jobs').select('status').where('id', '=', jobId).executeTakeFirstOrThrow();
      if (job.status === 'completed') break;
      const done = await plainDb.selectFrom('fleet_job_lines').select(sql<number>`count(*)::int`.as('n')).where('job_id', '=', jobId).where('state', 'in', ['completed', 'failed']).executeTakeFirstOrThrow();
      if (Number(done.n) - last >= 1000) log(`executed ${done.n} (${round(Number(done.n) / ((performance.now() - t2) / 1000), 0)}/s)`);
      last = Math.max(last, Number(done.n) - (Number(done.n) % 1000));
      if ((performance.now() - t2) / 1000 > TIMEOUT_SECONDS) throw new Error('timed out');
    }
    const t3 = performance.now();
    const s3 = statements;
    clearInterval(sampler);
    rss.push(process.memoryUsage().rss);
    const counts = Object.fromEntries((await ctx.db.selectFrom('fleet_job_lines').select(['state', sql<number>`count(*)::int`.as('n')]).where('job_id', '=', jobId).groupBy('state').execute()).map((r) => [r.state, Number(r.n)]));
    const reasonsOf = async (state: 'failed' | 'blocked') => Object.fromEntries((await ctx.db.selectFrom('fleet_job_lines').select(['reason', sql<number>`count(*)::int`.as('n')])
      .where('job_id', '=', jobId).where('state', '=', state).groupBy('reason').execute()).map((r) => [r.reason ?? '', Number(r.n)]));
    const failedReasons = await reasonsOf('failed');
    const blockedReasons = await reasonsOf('blocked');
    const total = (t3 - t0) / 1000;
    const linesPerSecond = LINES / total;
    const baselineRowsPerSecond = lines.length / baselineSeconds;
    emitFigures({
      bench: 'fleet', engine: fresh.kind, lines: LINES, counts, failedReasons, blockedReasons,
      dryRunSeconds: round((t1 - t0) / 1000), confirmSeconds: round((t2 - t1) / 1000), executeSeconds: round((t3 - t2) / 1000), totalSeconds: round(total),
      linesPerSecond: round(linesPerSecond, 0), executeLinesPerSecond: round(confirmed.queued / ((t3 - t2) / 1000), 0),
      statementsPerLine: { dryRun: round((s1 - s0) / LINES, 3), confirm: round((s2 - s1) / LINES, 3), execute: round((s3 - s2) / confirmed.queued, 3) },
      baselineRowsPerSecond: round(baselineRowsPerSecond, 0), ratio: round(linesPerSecond / baselineRowsPerSecond, 4),
      goal: { linesPerSecond: 2000, ratio: 0.1, met: linesPerSecond >= 2000 && linesPerSecond / baselineRowsPerSecond >= 0.1 },
      rssMb: { start: mb(rss[0]), afterDryRun: mb(rssAfterDryRun), afterConfirm: mb(rssAfterConfirm), max: mb(Math.max(...rss)), end: mb(rss[rss.length - 1]) },
      loadAverage: os.loadavg().map((n) => round(n, 2)),
    });
  } finally {
    await closeContext(ctx);
    await fresh.drop();
  }
}

await main();
process.exit(0);
