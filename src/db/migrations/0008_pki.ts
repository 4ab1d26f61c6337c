// Issue 13: the deployment's PKI (root CA, one signing certificate per carrier, the TSA's and the
// transparency log's certificates; private keys sealed with the master key) and the certificates'
// transparency log (RFC 9162 leaves, in order).
import type { Kysely } from 'kysely';
import { execStatements } from './exec-statements.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(db, `
    CREATE TABLE pki_certificates (
      serial text PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('root', 'carrier', 'tsa', 'log')),
      carrier text REFERENCES carriers(code),
      subject text NOT NULL,
      cert_pem text NOT NULL,
      private_key_enc text,
      not_before timestamptz NOT NULL,
      not_after timestamptz NOT NULL,
      active boolean NOT NULL DEFAULT true,
      revoked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((kind = 'carrier') = (carrier IS NOT NULL))
    );
    CREATE INDEX pki_certificates_active ON pki_certificates (kind, carrier) WHERE active;

    CREATE TABLE certificate_log (
      leaf_index integer PRIMARY KEY CHECK (leaf_index >= 0),
      serial text NOT NULL UNIQUE REFERENCES certificates(serial),
      pdf_sha256 text NOT NULL,
      leaf_hash text NOT NULL,
      logged_at timestamptz NOT NULL
    );
  `);
}
