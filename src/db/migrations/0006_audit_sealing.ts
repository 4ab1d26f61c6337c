// Audit sealing (issue 11): entries are written in the business transaction with no lock and no
// hash; a single sealer later gives each one its place in an RFC 9162 Merkle tree (`leaf_index`,
// `leaf_hash`) and signs a checkpoint of the tree (size + root) with a platform key. The old
// per-entry chain columns stay for the entries written before this migration and are no longer
// written. See docs/decisions/0003-audit-sealing.md.
import type { Kysely } from 'kysely';
import { execStatements } from './exec-statements.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(db, `
    ALTER TABLE audit_log ALTER COLUMN prev_hash DROP NOT NULL;
    ALTER TABLE audit_log ALTER COLUMN hash DROP NOT NULL;
    ALTER TABLE audit_log ADD COLUMN leaf_index bigint;
    ALTER TABLE audit_log ADD COLUMN leaf_hash text;
    CREATE UNIQUE INDEX audit_log_leaf_index ON audit_log (leaf_index);
    -- What the sealer reads on every tick: small, because sealed entries leave it.
    CREATE INDEX audit_log_unsealed ON audit_log (seq) WHERE leaf_index IS NULL;

    -- The platform key that signs audit checkpoints (Ed25519; private key sealed with the master key).
    CREATE TABLE audit_signing_keys (
      key_id text PRIMARY KEY,
      public_key_pem text NOT NULL,
      private_key_enc text NOT NULL,
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX audit_signing_keys_one_active ON audit_signing_keys (active) WHERE active;

    -- One signed checkpoint per sealed batch. frontier: the roots of the tree's right edge (hex,
    -- largest subtree first), so the next batch extends the tree without reading it; not signed,
    -- checked against root_hash before use.
    CREATE TABLE audit_checkpoints (
      tree_size bigint PRIMARY KEY CHECK (tree_size > 0),
      root_hash text NOT NULL,
      signed_at timestamptz NOT NULL,
      key_id text NOT NULL REFERENCES audit_signing_keys(key_id),
      signature text NOT NULL,
      frontier jsonb NOT NULL
    );
  `);
}
