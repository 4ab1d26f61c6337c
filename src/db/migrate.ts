// Forward-only migrations, applied at start and by `zhuxiao migrate`; the same files on PGlite and PostgreSQL.
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import type { Kysely } from 'kysely';
import * as m0001 from './migrations/0001_core.ts';
import * as m0002 from './migrations/0002_cancellation.ts';
import * as m0003 from './migrations/0003_store.ts';
import * as m0004 from './migrations/0004_ops.ts';
import * as m0005 from './migrations/0005_promises.ts';
import * as m0006 from './migrations/0006_audit_sealing.ts';
import * as m0007 from './migrations/0007_edges.ts';
import * as m0008 from './migrations/0008_pki.ts';
import * as m0009 from './migrations/0009_channels.ts';
import * as m0010 from './migrations/0010_request_path_indexes.ts';
import * as m0011 from './migrations/0011_machine_clients.ts';
import * as m0012 from './migrations/0012_webhooks.ts';
import * as m0013 from './migrations/0013_fleet.ts';
import * as m0016 from './migrations/0016_staff_consoles.ts';
import * as m0017 from './migrations/0017_fleet_end_email.ts';
import * as m0018 from './migrations/0018_fleet_request_toast.ts';
import * as m0019 from './migrations/0019_execution_steps_fillfactor.ts';

const migrations: Record<string, Migration> = {
  '0001_core': m0001,
  '0002_cancellation': m0002,
  '0003_store': m0003,
  '0004_ops': m0004,
  '0005_promises': m0005,
  '0006_audit_sealing': m0006,
  '0007_edges': m0007,
  '0008_pki': m0008,
  '0009_channels': m0009,
  '0010_request_path_indexes': m0010,
  '0011_machine_clients': m0011,
  '0012_webhooks': m0012,
  '0013_fleet': m0013,
  '0016_staff_consoles': m0016,
  '0017_fleet_end_email': m0017,
  '0018_fleet_request_toast': m0018,
  '0019_execution_steps_fillfactor': m0019,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  // Unordered migrations are allowed: features land in parallel, and one numbered below a migration a
  // database already has must still be applied to it (each migration stands alone).
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true, migrationTableName: 'zhuxiao_migrations', migrationLockTableName: 'zhuxiao_migrations_lock' });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
