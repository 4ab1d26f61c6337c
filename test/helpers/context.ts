// Test contexts: a migrated, seeded database is built once per test process and cloned for each
// context (PGlite: dumpDataDir/loadDataDir; PostgreSQL: CREATE DATABASE … TEMPLATE), so every test
// starts from the same known data in well under a second.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import argon2 from 'argon2';
import pg from 'pg';
import { loadConfig, type Config } from '../../src/config.ts';
import { createContext, closeContext, type ContextOptions } from '../../src/bootstrap.ts';
import type { AppContext } from '../../src/context.ts';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { seedReferenceData } from '../../src/db/seed/reference-data.ts';
import { seedDemoData, seedDemoStaff } from '../../src/db/seed/demo-data.ts';
import { seedDemoCompany } from '../../src/db/seed/companies.ts';
import { createPiiVault } from '../../src/identity/pii.ts';
import { buildApp, type App } from '../../src/http/app.ts';

const DEMO_CUSTOMERS = Number(process.env.ZHUXIAO_TEST_CUSTOMERS ?? 150);

/**
 * The embedded template is cached on disk between test processes, keyed by everything that shapes it
 * (migrations, seed code, customer count): building it costs seconds, loading it a fraction of that.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
function templateKey(): string {
  const h = crypto.createHash('sha256').update(`customers=${DEMO_CUSTOMERS}\n`);
  for (const dir of ['src/db/migrations', 'src/db/seed', 'src/identifiers', 'src/lines']) {
    for (const f of fs.readdirSync(path.join(ROOT, dir)).sort()) h.update(f).update(fs.readFileSync(path.join(ROOT, dir, f)));
  }
  for (const f of ['src/db/migrate.ts', 'src/identity/pii.ts', 'test/helpers/context.ts']) h.update(fs.readFileSync(path.join(ROOT, f)));
  return h.digest('hex').slice(0, 16);
}
const TEMPLATE_KEY = templateKey();
const TEMPLATE_FILE = path.join(os.tmpdir(), `zhuxiao-test-template-${TEMPLATE_KEY}.tar`);

// The master key follows the template key: encrypted columns in a cached template decrypt in every clone.
process.env.ZHUXIAO_MASTER_KEY ??= crypto.createHash('sha256').update(`zhuxiao test key ${TEMPLATE_KEY}`).digest('base64');

/** Demo staff passwords hashed with argon2id at a low cost: verification reads the cost from the hash. */
const cheapHash = (p: string) => argon2.hash(p, { type: argon2.argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 });
export const onPostgres = !!process.env.DATABASE_URL;

let template: Promise<{ dump?: Blob; dbName?: string }> | undefined;

async function seedInto(database: Database): Promise<void> {
  await migrateToLatest(database.db);
  await seedReferenceData(database.db);
  const vault = createPiiVault(Buffer.from(process.env.ZHUXIAO_MASTER_KEY!, 'base64'));
  await seedDemoData(database.db, vault, { customers: DEMO_CUSTOMERS, seed: 1 });
  await seedDemoStaff(database.db, cheapHash);
  await seedDemoCompany(database.db, vault, cheapHash);
}

function serverUrl(dbName: string): string {
  const u = new URL(process.env.DATABASE_URL!);
  u.pathname = `/${dbName}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function buildTemplate() {
  return (template ??= (async () => {
    if (onPostgres) {
      const dbName = `zx_tpl_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
      await admin((c) => c.query(`CREATE DATABASE ${dbName}`));
      const database = await openDatabase({ databaseUrl: serverUrl(dbName), poolSize: 2 });
      await seedInto(database);
      await database.close();
      process.once('exit', () => undefined);
      return { dbName };
    }
    if (fs.existsSync(TEMPLATE_FILE)) return { dump: new Blob([fs.readFileSync(TEMPLATE_FILE)]) };
    const database = await openDatabase({ dataDir: 'memory://' });
    await seedInto(database);
    const dump = await database.pglite!.dumpDataDir('none');
    await database.close();
    // Written under a temporary name and renamed, so a concurrent test process never reads half a file.
    const tmp = `${TEMPLATE_FILE}.${process.pid}`;
    fs.writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    fs.renameSync(tmp, TEMPLATE_FILE);
    return { dump };
  })());
}

/** A fresh database cloned from the seeded template. */
export async function cloneDatabase(): Promise<Database & { drop(): Promise<void> }> {
  const t = await buildTemplate();
  if (onPostgres) {
    const name = `zx_t_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
    await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${t.dbName}`));
    const database = await openDatabase({ databaseUrl: serverUrl(name), poolSize: 8 });
    return { ...database, drop: () => dropDatabase(name) };
  }
  const database = await openDatabase({ dataDir: 'memory://', loadDataDir: t.dump });
  return { ...database, drop: async () => undefined };
}

/** Drops a test database, giving connections that are closing a moment before forcing them. */
async function dropDatabase(name: string): Promise<void> {
  for (let i = 0; i < 10; i++) {
    try {
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name}`));
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** Drops the PostgreSQL template at the end of the process (call from an after() hook). */
export async function dropTemplate(): Promise<void> {
  if (!template || !onPostgres) return;
  const t = await template;
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${t.dbName} WITH (FORCE)`)).catch(() => undefined);
}

export interface TestApp { ctx: AppContext; app: App; close(): Promise<void> }

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({}),
    dataDir: path.join(os.tmpdir(), `zhuxiao-test-${process.pid}`),
    dev: true,
    logLevel: 'silent',
    publicBaseUrl: 'http://zhuxiao.test',
    ...overrides,
  };
}

/**
 * One test app for the whole file: started before its first test and handed to `use`, closed after
 * its last (and the database template dropped), as most test files want it.
 */
export function testAppForFile(opts: Parameters<typeof startTestApp>[0], use: (t: TestApp) => void): void {
  let app: TestApp | undefined;
  before(async () => {
    use((app = await startTestApp(opts)));
  });
  after(async () => {
    await app?.close();
    await dropTemplate();
  });
}

/** A full platform (database clone, simulators, job queue and workers) with its HTTP app, not listening. */
export async function startTestApp(opts: ContextOptions & { config?: Partial<Config> } = {}): Promise<TestApp> {
  const database = await cloneDatabase();
  const ctx = await createContext(testConfig(opts.config), {
    retry: { retryLimit: 8, retryDelaySeconds: 1, retryBackoff: false },
    maxStepAttempts: 4,
    ...opts,
    database,
  });
  const app = await buildApp(ctx, { logger: false });
  await app.ready();
  return {
    ctx,
    app,
    close: async () => {
      await bounded('app.close', app.close());
      await bounded('closeContext', closeContext(ctx));
      await bounded('database.drop', database.drop());
    },
  };
}

/**
 * A teardown step that does not settle within 30 s is reported (with what the process still holds
 * open) and left behind, so a stuck shutdown fails loudly instead of holding the test file forever
 * (the runner's --test-force-exit then ends the process).
 */
async function bounded(what: string, p: Promise<unknown>, ms = 30_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<'stuck'>((r) => { timer = setTimeout(() => r('stuck'), ms); });
  const outcome = await Promise.race([p.then(() => 'done' as const), stuck]);
  clearTimeout(timer);
  if (outcome === 'stuck') {
    const handles = (process as unknown as { getActiveResourcesInfo(): string[] }).getActiveResourcesInfo();
    throw new Error(`test teardown: ${what} did not finish within ${ms / 1000} s; open resources: ${handles.join(', ')}`);
  }
}
