// The staff consoles: a reviewer claims a request for a while (others see who holds it, and a
// decision by anyone else is refused until the claim expires); a clerk confirms that a cash refund
// was handed over at the counter; the audit trail is filtered by action and by day.
import type { Kysely } from 'kysely';
import { execStatements } from './exec-statements.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(db, `
    ALTER TABLE cancellation_requests ADD COLUMN claimed_by uuid REFERENCES staff(id);
    ALTER TABLE cancellation_requests ADD COLUMN claim_expires_at timestamptz;
    ALTER TABLE cancellation_requests ADD COLUMN cash_handed_over_at timestamptz;
    ALTER TABLE cancellation_requests ADD COLUMN cash_handed_over_by uuid REFERENCES staff(id);
    CREATE INDEX audit_log_action_seq ON audit_log (action, seq);
  `);
}
