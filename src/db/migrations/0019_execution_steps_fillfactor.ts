// A request's step rows are written once (seven a request, as it starts) and then changed four or
// five times each as its steps finish (status, attempts, the far side's answer). The table's only
// index is its primary key (request_id, step), which no change touches, so each change can be a
// heap-only (HOT) update, with no new index entry, provided the row's page has room for the new
// version. Written full (the default fillfactor of 100), the pages had none, and every change went
// to another page with a new entry in the primary key: a fleet chunk of 500 lines wrote some 2,000
// index entries per step. With a fillfactor of 50 a page keeps half its space for those versions.
import type { Kysely } from 'kysely';
import { execStatements } from './exec-statements.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(db, `
    ALTER TABLE execution_steps SET (fillfactor = 50);
  `);
}
