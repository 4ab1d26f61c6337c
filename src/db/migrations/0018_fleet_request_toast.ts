// A request's quote (about 1.7 kB of JSON, compressed to 1.4 kB) was kept in the request's row, so
// every change of the request (a fleet line's two: executing, completed) wrote the whole quote
// again, and a fleet job of 100,000 lines left 600 MB of request rows behind it, far more than the
// database's cache. With a toast target of 256 bytes the quote of a new request is stored beside
// its row (TOAST) and a change writes the row's few hundred bytes only; reading the quote reads it
// from there. Nothing else changes: the same columns, the same values.
import type { Kysely } from 'kysely';
import { execStatements } from './exec-statements.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(db, `
    ALTER TABLE cancellation_requests SET (toast_tuple_target = 256);
  `);
}
