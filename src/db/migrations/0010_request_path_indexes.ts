// Indexes the request path reads by: the other lines of a billing account (the account's share in
// every quote and submit, the final bill's shared-account rules), which were a sequential scan of
// every line.
import type { Kysely } from 'kysely';
import { execStatements } from './exec-statements.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(db, `
    CREATE INDEX IF NOT EXISTS lines_account ON lines (account_id);
  `);
}
