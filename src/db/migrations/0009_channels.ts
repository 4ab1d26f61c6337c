// Machines become channels: a TMF622 order from the carrier's BSS ('api') and a company's fleet job
// ('fleet') open requests that live the same life as the online and store ones.
import type { Kysely } from 'kysely';
import { execStatements } from './exec-statements.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(db, `
    ALTER TABLE cancellation_requests DROP CONSTRAINT cancellation_requests_channel_check;
    ALTER TABLE cancellation_requests ADD CONSTRAINT cancellation_requests_channel_check CHECK (channel IN ('online','store','api','fleet'));
    ALTER TABLE quote_blockers DROP CONSTRAINT quote_blockers_channel_check;
    ALTER TABLE quote_blockers ADD CONSTRAINT quote_blockers_channel_check CHECK (channel IN ('online','store','api','fleet'));
  `);
}
