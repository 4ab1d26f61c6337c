// In-store cancellation: the documents a clerk scans (sealed, they are personal data), the signed
// cancellation agreement (content, hash, sealed signature and PDF), and the SIM cards handed back.
import type { Kysely } from 'kysely';
import { execStatements } from './exec-statements.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(db, `
    CREATE TABLE store_documents (
      id uuid PRIMARY KEY,
      request_id uuid NOT NULL REFERENCES cancellation_requests(id),
      kind text NOT NULL CHECK (kind IN ('agent_id','authorisation_letter','death_certificate','relationship_proof','company_letter','applicant_id','other')),
      content_type text NOT NULL CHECK (content_type IN ('image/png','image/jpeg','application/pdf')),
      size_bytes integer NOT NULL CHECK (size_bytes > 0),
      sha256 text NOT NULL,
      -- The file name as given and the content: sealed with the PII vault.
      name_enc text,
      content_enc text NOT NULL,
      uploaded_by uuid NOT NULL REFERENCES staff(id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX store_documents_request ON store_documents (request_id);

    CREATE TABLE store_agreements (
      request_id uuid PRIMARY KEY REFERENCES cancellation_requests(id),
      lang text NOT NULL CHECK (lang IN ('zh-CN','en')),
      -- What the customer signed (masked facts, money, acknowledgements); agreement_hash = sha256 of its canonical JSON.
      content jsonb NOT NULL,
      agreement_hash text NOT NULL,
      signature_sha256 text NOT NULL,
      signature_enc text NOT NULL,
      pdf_enc text NOT NULL,
      signed_at timestamptz NOT NULL,
      store_id text NOT NULL REFERENCES stores(id),
      clerk_id uuid NOT NULL REFERENCES staff(id)
    );

    CREATE TABLE card_returns (
      request_id uuid PRIMARY KEY REFERENCES cancellation_requests(id),
      line_id uuid NOT NULL REFERENCES lines(id),
      iccid text NOT NULL,
      store_id text NOT NULL REFERENCES stores(id),
      received_by uuid NOT NULL REFERENCES staff(id),
      received_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX card_returns_line ON card_returns (line_id);

    CREATE INDEX cancellation_clerk_day ON cancellation_requests (clerk_id, created_at) WHERE clerk_id IS NOT NULL;
  `);
}
