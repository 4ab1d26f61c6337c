/**
 * Writes the demo data: first the fixed scenario customers (recorded in demo_scenarios), then
 * `customers` random customers from a seeded generator, in batches, each batch in one transaction.
 * Also the demo staff accounts.
 */
import type { Kysely } from 'kysely';
import { bulkInsert } from '../bulk-insert.ts';
import type { PiiVault } from '../../identity/pii.ts';
import type { DB, StaffRole } from '../schema.ts';
import { DemoGenerator } from './generate.ts';
import { DEFAULT_CARRIER_SETTINGS, seedReferenceData } from './reference-data.ts';
import { emptyRows, stableUuid, type SeedRows } from './rows.ts';
import { buildScenarioRows, DEMO_SCENARIO_CUSTOMERS } from './scenarios.ts';
import { seedRecycledNumbers } from './recycled-numbers.ts';

export { DEMO_SCENARIOS, DEMO_SCENARIO_CUSTOMERS, type DemoScenario, type DemoScenarioInfo } from './scenarios.ts';

export interface SeedDemoOptions {
  /** Random customers to generate, besides the fixed scenario customers (default 2000). */
  customers?: number;
  /** PRNG seed (default 1): the same seed and `now` give the same rows. */
  seed?: number;
  /** Customers per batch and transaction (default 1000). */
  batchSize?: number;
  /** Called after each batch with the customers written so far and the total to write. */
  onProgress?: (done: number, total: number) => void;
  /** The moment dates are relative to (contract ends, arrears, cancellations); default: now. */
  now?: Date;
}

export interface SeedDemoResult {
  /** Rows written, scenario customers included; all zero when demo data was already present. */
  customers: number;
  lines: number;
  accounts: number;
  companionDevices: number;
  scenarios: number;
  /** True when demo_scenarios already had rows, so nothing was written. */
  alreadySeeded: boolean;
}

/** Writes one batch in one transaction, parents before children. */
async function writeRows(db: Kysely<DB>, rows: SeedRows): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await bulkInsert(trx, 'customers', rows.customers);
    await bulkInsert(trx, 'billing_accounts', rows.accounts);
    await bulkInsert(trx, 'lines', rows.lines);
    await bulkInsert(trx, 'companion_devices', rows.companions);
    await bulkInsert(trx, 'number_pool', rows.numberPool);
    await bulkInsert(trx, 'demo_scenarios', rows.scenarios);
  });
}

function identifiersOf(rows: SeedRows, scenarioIdNumbers: readonly string[]) {
  return {
    msisdn: new Set(rows.lines.map((l) => l.msisdn)),
    imsi: new Set(rows.lines.map((l) => l.imsi)),
    iccid: new Set([...rows.lines.map((l) => l.iccid), ...rows.companions.map((c) => c.iccid)]),
    eid: new Set([...rows.lines.flatMap((l) => (l.eid ? [l.eid] : [])), ...rows.companions.map((c) => c.eid)]),
    idNumbers: new Set(scenarioIdNumbers),
  };
}

/**
 * Seeds the demo data (and the reference data it needs). Does nothing when demo_scenarios already
 * has rows. Deterministic: the same seed and `now` give the same rows, UUIDs included (encrypted
 * columns differ, as encryption uses a random IV, but decrypt to the same values).
 */
export async function seedDemoData(db: Kysely<DB>, vault: PiiVault, options: SeedDemoOptions = {}): Promise<SeedDemoResult> {
  const { customers = 2000, seed = 1, batchSize = 1000, onProgress, now = new Date() } = options;
  if (!Number.isInteger(customers) || customers < 0) throw new RangeError('customers must be a non-negative integer.');
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer.');
  if (!Number.isInteger(seed)) throw new RangeError('seed must be an integer.');

  const result: SeedDemoResult = { customers: 0, lines: 0, accounts: 0, companionDevices: 0, scenarios: 0, alreadySeeded: false };
  await seedReferenceData(db);
  const existing = await db.selectFrom('demo_scenarios').select('scenario').limit(1).executeTakeFirst();
  if (existing) return { ...result, alreadySeeded: true };

  const count = (rows: SeedRows): void => {
    result.customers += rows.customers.length;
    result.lines += rows.lines.length;
    result.accounts += rows.accounts.length;
    result.companionDevices += rows.companions.length;
    result.scenarios += rows.scenarios.length;
  };

  const scenarioRows = buildScenarioRows(vault, now);
  const total = scenarioRows.customers.length + customers;
  await writeRows(db, scenarioRows);
  count(scenarioRows);
  onProgress?.(result.customers, total);

  const reserved = identifiersOf(
    scenarioRows,
    DEMO_SCENARIO_CUSTOMERS.flatMap((s) => [s.owner.idNumber, ...(s.applicant ? [s.applicant.idNumber] : [])]),
  );
  const generator = new DemoGenerator({ seed, vault, now, reserved, freezeDays: DEFAULT_CARRIER_SETTINGS.freezeDays });
  for (let done = 0; done < customers; ) {
    const n = Math.min(batchSize, customers - done);
    const rows = emptyRows();
    for (let i = 0; i < n; i++) generator.generateCustomer(rows);
    await writeRows(db, rows);
    count(rows);
    done += n;
    onProgress?.(result.customers, total);
  }
  result.lines += await seedRecycledNumbers(db, now); // numbers given to a new owner since (CAMARA Number Recycling)
  return result;
}

export interface DemoStaffAccount {
  username: string;
  /** Demo only: listed by the dev-mode API. */
  password: string;
  role: StaffRole;
  displayName: string;
  storeId: string | null;
}

export const DEMO_STAFF: readonly DemoStaffAccount[] = [
  { username: 'clerk', password: 'clerk-demo-1', role: 'clerk', displayName: '王店员', storeId: 'cmcc-bj-001' },
  // A store cancels its own carrier's lines: one demo clerk per carrier, in different provinces.
  { username: 'clerk-cucc', password: 'clerk-demo-1', role: 'clerk', displayName: '刘店员', storeId: 'cucc-sh-001' },
  { username: 'clerk-ctcc', password: 'clerk-demo-1', role: 'clerk', displayName: '张店员', storeId: 'ctcc-gd-001' },
  { username: 'clerk-cbn', password: 'clerk-demo-1', role: 'clerk', displayName: '周店员', storeId: 'cbn-bj-001' },
  { username: 'reviewer', password: 'reviewer-demo-1', role: 'reviewer', displayName: '李审核', storeId: null },
  { username: 'ops', password: 'ops-demo-1', role: 'ops', displayName: '赵运维', storeId: null },
  { username: 'admin', password: 'admin-demo-1', role: 'admin', displayName: '陈管理', storeId: null },
];

/** A stable UUID (v4 layout) for a demo staff member, so re-seeding keeps their ids. */
function staffId(username: string): string {
  return stableUuid(`zhuxiao demo staff:${username}`);
}

/**
 * Creates the demo staff accounts that do not exist yet (by username); existing ones, and their
 * passwords, are left alone. Returns the usernames created.
 */
export async function seedDemoStaff(db: Kysely<DB>, hashPassword: (password: string) => Promise<string>): Promise<string[]> {
  await seedReferenceData(db);
  const rows = [];
  for (const s of DEMO_STAFF) {
    rows.push({
      id: staffId(s.username),
      username: s.username,
      display_name: s.displayName,
      password_hash: await hashPassword(s.password),
      role: s.role,
      store_id: s.storeId,
      locked_until: null,
    });
  }
  const inserted = await db
    .insertInto('staff')
    .values(rows)
    .onConflict((oc) => oc.column('username').doNothing())
    .returning('username')
    .execute();
  return inserted.map((r) => r.username);
}
