// `zhuxiao seed`: deterministic demo data in batches, with a progress bar.
import cliProgress from 'cli-progress';
import type { Config } from '../config.ts';
import { hashPassword, openConfiguredDatabase } from '../bootstrap.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { seedReferenceData } from '../db/seed/reference-data.ts';
import { seedDemoData, seedDemoStaff } from '../db/seed/demo-data.ts';
import { FLEET_COMPANY, seedDemoCompany } from '../db/seed/companies.ts';
import { seedDemoHistory } from '../db/seed/history.ts';
import { createPiiVault, loadMasterKey } from '../identity/pii.ts';

export async function runSeed(config: Config, customers: number, seed: number, opts: { fleet?: boolean } = {}): Promise<void> {
  const database = await openConfiguredDatabase(config);
  try {
    await migrateToLatest(database.db);
    await seedReferenceData(database.db);
    const vault = createPiiVault(loadMasterKey(config.dataDir));
    const bar = new cliProgress.SingleBar({ format: 'seeding [{bar}] {percentage}% | {value}/{total} customers | {duration_formatted}', stream: process.stderr }, cliProgress.Presets.shades_classic);
    bar.start(customers, 0);
    const started = Date.now();
    const result = await seedDemoData(database.db, vault, { customers, seed, onProgress: (done, total) => {
      bar.setTotal(total);
      bar.update(done);
    } });
    bar.stop();
    await seedDemoStaff(database.db, hashPassword);
    const company = await seedDemoCompany(database.db, vault, hashPassword);
    const history = await seedDemoHistory(database.db, { seed });
    const secs = (Date.now() - started) / 1000;
    process.stdout.write(`${JSON.stringify({ ...result, seconds: Number(secs.toFixed(1)), customersPerSecond: Math.round(customers / secs), companyLines: company.lines, history })}\n`);
    if (opts.fleet) {
      const fleetStarted = Date.now();
      const fleetBar = new cliProgress.SingleBar({ format: 'fleet   [{bar}] {percentage}% | {value}/{total} lines | {duration_formatted}', stream: process.stderr }, cliProgress.Presets.shades_classic);
      fleetBar.start(FLEET_COMPANY.lines, 0);
      const fleet = await seedDemoCompany(database.db, vault, hashPassword, FLEET_COMPANY, { onProgress: (done) => fleetBar.update(done) });
      fleetBar.stop();
      const fleetSecs = (Date.now() - fleetStarted) / 1000;
      process.stdout.write(`${JSON.stringify({ fleet: { ...fleet, uscc: FLEET_COMPANY.uscc, admin: FLEET_COMPANY.admin.username, seconds: Number(fleetSecs.toFixed(1)), linesPerSecond: Math.round(fleet.lines / fleetSecs) } })}\n`);
    }
  } finally {
    await database.close();
  }
}
