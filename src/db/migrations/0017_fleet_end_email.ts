// A fleet job's end e-mail that failed every retry is marked on the job (when, and the last error),
// so the company's administrator sees it on the job and can send it again: it ends on a screen,
// never only in the queue's failed jobs.
import type { Kysely } from 'kysely';
import { execStatements } from './exec-statements.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(db, `
    ALTER TABLE fleet_jobs ADD COLUMN end_email_failed_at timestamptz;
    ALTER TABLE fleet_jobs ADD COLUMN end_email_error text;
  `);
}
