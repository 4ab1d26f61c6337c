// Hardening the edges (issues 8 and 9): failed staff sign-ins are counted per (username, client
// address), so wrong passwords from one address lock that address out of that account, not the
// account for everyone. Rows exist for unknown usernames too, so a lock reveals nothing.
import type { Kysely } from 'kysely';
import { execStatements } from './exec-statements.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(db, `
    CREATE TABLE staff_sign_in_failures (
      username text NOT NULL,
      client text NOT NULL,
      failures integer NOT NULL DEFAULT 0,
      last_failed_at timestamptz NOT NULL,
      locked_until timestamptz,
      PRIMARY KEY (username, client)
    );
    CREATE INDEX staff_sign_in_failures_last_failed_at ON staff_sign_in_failures (last_failed_at);
  `);
}
