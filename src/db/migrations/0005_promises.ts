// The promises (issue 8): a request reference people can read aloud (受理编号), an optional e-mail
// address for the certificate, an e-mail dev outbox, a verification code on each certificate (the
// QR code carries it; the public page needs it for the facts), and a reason code for requests that
// need attention.
import type { Kysely } from 'kysely';
import { execStatements } from './exec-statements.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(db, `
    ALTER TABLE cancellation_requests ADD COLUMN reference text;
    ALTER TABLE cancellation_requests ADD COLUMN contact_email_enc text;
    ALTER TABLE cancellation_requests ADD COLUMN attention_reason text;
    CREATE UNIQUE INDEX cancellation_requests_reference ON cancellation_requests (reference);

    -- The hash (sha256 hex) of the certificate's verification code; the code itself is only in the QR.
    ALTER TABLE certificates ADD COLUMN verify_code_hash text;

    CREATE TABLE email_outbox (
      id bigserial PRIMARY KEY,
      to_address_enc text NOT NULL,
      to_masked text NOT NULL,
      subject text NOT NULL,
      text text NOT NULL,
      attachment_name text,
      request_id uuid,
      idempotency_key text UNIQUE,
      sent_at timestamptz NOT NULL DEFAULT now()
    );
  `);
}
