// Builds the running platform: database (migrated), reference data, demo data in dev mode, the
// outside-system adapters, the job queue and its workers.
import path from 'node:path';
import argon2 from 'argon2';
import type { Config } from './config.ts';
import type { AppContext } from './context.ts';
import { openDatabase, type Database } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { createPiiVault, loadMasterKey } from './identity/pii.ts';
import { startJobQueue, DEFAULT_RETRY, type RetryPolicy } from './jobs/queue.ts';
import { startWorkers } from './jobs/workers.ts';
import { createSimulatedAdapters, type Adapters, type SimulatedAdapters } from './adapters/index.ts';
import { createMetrics } from './http/metrics.ts';
import { createLogger } from './shared/logger.ts';
import { seedReferenceData } from './db/seed/reference-data.ts';
import { seedDemoData, seedDemoStaff } from './db/seed/demo-data.ts';
import { seedDemoHistory } from './db/seed/history.ts';
import { seedDemoCompany } from './db/seed/companies.ts';
import { ensureSigningKeys } from './certificates/signing-keys.ts';
import { startAuditSealer } from './audit/seal-audit-log.ts';
import { listenForTrustChanges, VerifyCache } from './certificates/verify-cache.ts';

export interface ContextOptions {
  database?: Database;
  adapters?: Adapters;
  retry?: RetryPolicy;
  /** Seed demo customers on first start (dev mode): how many. */
  demoCustomers?: number;
  workers?: boolean;
  /** How many execution jobs this process's workers run at once (default EXECUTION_CONCURRENCY). */
  executionConcurrency?: number;
  /** Seed demo data on first start in dev mode (default true); off in processes that follow another one's start. */
  seedDemo?: boolean;
  /** How often the audit sealer runs (ms; default 250); 0: only when asked (ctx.auditSealer.sealNow). */
  auditSealIntervalMs?: number;
  maxStepAttempts?: number;
  now?: () => Date;
}

export const hashPassword = (p: string) => argon2.hash(p, { type: argon2.argon2id });

export async function openConfiguredDatabase(config: Config): Promise<Database> {
  return openDatabase(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: path.join(config.dataDir, 'pgdata') });
}

export async function createContext(config: Config, opts: ContextOptions = {}): Promise<AppContext> {
  const logger = createLogger(config.logLevel);
  const database = opts.database ?? (await openConfiguredDatabase(config));
  await migrateToLatest(database.db);
  await seedReferenceData(database.db);
  const vault = createPiiVault(loadMasterKey(config.dataDir));
  if (config.dev && opts.seedDemo !== false) {
    const seeded = await database.db.selectFrom('customers').select('id').limit(1).executeTakeFirst();
    if (!seeded) {
      logger.info('seeding demo data (first start in dev mode)');
      await seedDemoData(database.db, vault, { customers: opts.demoCustomers ?? 2000, seed: 1 });
      await seedDemoStaff(database.db, hashPassword);
      await seedDemoCompany(database.db, vault, hashPassword);
      await seedDemoHistory(database.db);
    }
  }
  const adapters = opts.adapters ?? createSimulatedAdapters();
  const jobs = await startJobQueue(database, opts.retry ?? DEFAULT_RETRY);
  // Writes through ctx.db to what the verify cache holds drop it; other processes' revocations arrive by NOTIFY.
  const verifyCache = new VerifyCache();
  const ctx: AppContext = {
    config,
    database,
    db: database.db.withPlugin(verifyCache.plugin),
    verifyCache,
    trustListener: await listenForTrustChanges(database, verifyCache),
    vault,
    jobs,
    adapters,
    logger,
    metrics: createMetrics(),
    now: opts.now ?? (() => new Date()),
    execution: { maxStepAttempts: opts.maxStepAttempts ?? 5 },
  };
  await ensureSigningKeys(ctx);
  ctx.auditSealer = startAuditSealer(ctx, { intervalMs: opts.auditSealIntervalMs });
  const workers = opts.workers ?? config.workers;
  // Only the execution steps talk to the SM-DP+: a process without workers does not start its simulator.
  if (workers && 'es2plusSimulator' in adapters) await registerSimulatedProfiles(ctx, adapters as SimulatedAdapters);
  if (workers) await startWorkers(ctx, { executionConcurrency: opts.executionConcurrency });
  return ctx;
}

/**
 * The SM-DP+ simulator starts empty; tell it about the eSIM profiles our records say are not yet
 * installed, as a real SM-DP+ would know them.
 */
async function registerSimulatedProfiles(ctx: AppContext, adapters: SimulatedAdapters): Promise<void> {
  const rows = await ctx.db.selectFrom('lines').select(['iccid', 'eid', 'esim_profile_state'])
    .where('form_factor', '=', 'esim').where('status', '<>', 'cancelled').where('esim_profile_state', 'in', ['released', 'downloaded']).execute();
  if (!rows.length) return;
  const sim = await adapters.es2plusSimulator();
  for (const r of rows) sim.setProfile(r.iccid, { state: r.esim_profile_state === 'downloaded' ? 'Downloaded' : 'Released', ...(r.eid ? { eid: r.eid } : {}) });
}

export async function closeContext(ctx: AppContext): Promise<void> {
  await ctx.jobs.stop().catch(() => undefined);
  await ctx.auditSealer?.stop().catch(() => undefined);
  await ctx.adapters.close().catch(() => undefined);
  await ctx.trustListener?.close();
  await ctx.database.close();
}
