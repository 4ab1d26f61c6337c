// `zhuxiao seed`: deterministic demo data in batches, with a progress bar.
import cliProgress from 'cli-progress';
import type { Config } from '../config.ts';
import { hashPassword, openConfiguredDatabase } from '../bootstrap.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { seedReferenceData } from '../db/seed/reference-data.ts';
import { seedDemoData, seedDemoStaff } from '../db/seed/demo-data.ts';
import { createPiiVault, loadMasterKey } from '../identity/pii.ts';

export async function runSeed(config: Config, customers: number, seed: number): Promise<void> {
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
    const secs = (Date.now() - started) / 1000;
    process.stdout.write(`${JSON.stringify({ ...result, seconds: Number(secs.toFixed(1)), customersPerSecond: Math.round(customers / secs) })}\n`);
  } finally {
    await database.close();
  }
}
