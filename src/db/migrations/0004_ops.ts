// Operations: the blocking conditions every quote met (for the dashboard's "most frequent blockers"),
// the one-time codes a former owner uses to recover a frozen number, and indexes for the ops views.
import type { Kysely } from 'kysely';
import { execStatements } from './exec-statements.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(db, `
    -- One row per blocker code of one quote; no line or person is recorded, only what blocked.
    CREATE TABLE quote_blockers (
      id bigserial PRIMARY KEY,
      quoted_at timestamptz NOT NULL DEFAULT now(),
      carrier text NOT NULL REFERENCES carriers(code),
      channel text NOT NULL CHECK (channel IN ('online','store')),
      code text NOT NULL
    );
    CREATE INDEX quote_blockers_quoted ON quote_blockers (quoted_at);

    -- A code sent to another live line of the former owner, to confirm the recovery of a frozen number.
    CREATE TABLE number_recovery_codes (
      msisdn text PRIMARY KEY REFERENCES number_pool(msisdn),
      customer_id uuid NOT NULL REFERENCES customers(id),
      sent_to text NOT NULL,
      code_hash text NOT NULL,
      expires_at timestamptz NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE INDEX number_pool_state ON number_pool (state, updated_at);
    CREATE INDEX request_events_to_status ON request_events (to_status, request_id);
    CREATE INDEX ledger_entries_kind_created ON ledger_entries (kind, created_at);
  `);
}
