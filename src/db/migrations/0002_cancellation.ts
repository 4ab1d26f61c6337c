// Cancellation requests and everything that hangs off them: the timeline, execution steps,
// idempotency keys, money movements, certificates; plus sign-in (SMS codes, sessions) and the audit log.
import type { Kysely } from 'kysely';
import { execStatements } from './exec-statements.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(db, `
    CREATE TABLE cancellation_requests (
      id uuid PRIMARY KEY,
      line_id uuid NOT NULL REFERENCES lines(id),
      customer_id uuid NOT NULL REFERENCES customers(id),
      carrier text NOT NULL REFERENCES carriers(code),
      channel text NOT NULL CHECK (channel IN ('online','store')),
      status text NOT NULL CHECK (status IN ('pending_review','approved','executing','completed','rejected','withdrawn','needs_attention')),
      quote_version text NOT NULL,
      quote jsonb NOT NULL,
      acknowledgements jsonb NOT NULL,
      refund_route jsonb NOT NULL,
      refund_route_secret_enc text,
      bill_total_fen bigint NOT NULL,
      refund_fen bigint NOT NULL CHECK (refund_fen >= 0),
      sla_due_at timestamptz,
      rejection_reason text,
      decided_by uuid,
      decided_at timestamptz,
      store_id text REFERENCES stores(id),
      clerk_id uuid,
      details jsonb NOT NULL DEFAULT '{}'::jsonb,
      certificate_serial text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      completed_at timestamptz
    );
    -- Never the same card twice: at most one live or completed request per line.
    CREATE UNIQUE INDEX cancellation_one_per_line ON cancellation_requests (line_id)
      WHERE status IN ('pending_review','approved','executing','needs_attention','completed');
    CREATE INDEX cancellation_review_queue ON cancellation_requests (sla_due_at) WHERE status = 'pending_review';
    CREATE INDEX cancellation_customer ON cancellation_requests (customer_id);
    CREATE INDEX cancellation_status ON cancellation_requests (status);
    CREATE INDEX cancellation_created ON cancellation_requests (created_at);

    CREATE TABLE request_events (
      id bigserial PRIMARY KEY,
      request_id uuid NOT NULL REFERENCES cancellation_requests(id),
      from_status text,
      to_status text NOT NULL,
      at timestamptz NOT NULL DEFAULT now(),
      actor_kind text NOT NULL,
      actor_id text,
      note text
    );
    CREATE INDEX request_events_request ON request_events (request_id, id);

    CREATE TABLE execution_steps (
      request_id uuid NOT NULL REFERENCES cancellation_requests(id),
      step text NOT NULL,
      position integer NOT NULL,
      status text NOT NULL CHECK (status IN ('pending','done','failed','skipped')),
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      result jsonb,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (request_id, step)
    );

    CREATE TABLE idempotency_keys (
      scope text NOT NULL,
      key text NOT NULL,
      request_hash text NOT NULL,
      status_code integer NOT NULL,
      body jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (scope, key)
    );

    CREATE TABLE ledger_entries (
      id bigserial PRIMARY KEY,
      account_id uuid NOT NULL REFERENCES billing_accounts(id),
      request_id uuid REFERENCES cancellation_requests(id),
      kind text NOT NULL CHECK (kind IN ('final_bill','arrears_payment','refund','balance_offset')),
      amount_fen bigint NOT NULL,
      reference text,
      idempotency_key text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX ledger_entries_request ON ledger_entries (request_id);

    CREATE TABLE signing_keys (
      key_id text PRIMARY KEY,
      carrier text NOT NULL REFERENCES carriers(code),
      public_key_pem text NOT NULL,
      private_key_enc text NOT NULL,
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE certificates (
      serial text PRIMARY KEY,
      request_id uuid NOT NULL UNIQUE REFERENCES cancellation_requests(id),
      carrier text NOT NULL REFERENCES carriers(code),
      key_id text NOT NULL REFERENCES signing_keys(key_id),
      facts jsonb NOT NULL,
      payload_signature text NOT NULL,
      pdf bytea NOT NULL,
      issued_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE SEQUENCE certificate_seq;

    CREATE TABLE esim_events (
      id bigserial PRIMARY KEY,
      line_id uuid REFERENCES lines(id),
      iccid text NOT NULL,
      event text NOT NULL,
      details jsonb NOT NULL DEFAULT '{}'::jsonb,
      at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE partner_forwards (
      id uuid PRIMARY KEY,
      line_id uuid NOT NULL REFERENCES lines(id),
      mvno_code text NOT NULL REFERENCES mvno_brands(code),
      ticket text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX partner_forwards_line ON partner_forwards (line_id);

    CREATE TABLE sms_codes (
      msisdn text PRIMARY KEY,
      code_hash text NOT NULL,
      expires_at timestamptz NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE rate_limit_hits (
      bucket text NOT NULL,
      at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX rate_limit_hits_bucket ON rate_limit_hits (bucket, at);

    CREATE TABLE sessions (
      id_hash text PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('subscriber','staff')),
      subject_id text NOT NULL,
      customer_id uuid REFERENCES customers(id),
      real_name_verified boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    );

    CREATE TABLE sms_outbox (
      id bigserial PRIMARY KEY,
      to_msisdn text NOT NULL,
      text text NOT NULL,
      idempotency_key text UNIQUE,
      sent_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX sms_outbox_to ON sms_outbox (to_msisdn, id);

    CREATE TABLE audit_log (
      seq bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor_kind text NOT NULL,
      actor_id text,
      action text NOT NULL,
      request_id uuid,
      subject text,
      details jsonb NOT NULL DEFAULT '{}'::jsonb,
      ip text,
      prev_hash text NOT NULL,
      hash text NOT NULL
    );
    CREATE INDEX audit_log_request ON audit_log (request_id);
    CREATE INDEX audit_log_actor ON audit_log (actor_kind, actor_id);
  `);
}
