// Signed event delivery (Standard Webhooks): subscriptions (a TMF hub listener, an MVNO's endpoint),
// the outbox of events written in the transaction of the change, one delivery per event and
// subscription (its id is the stable webhook-id) and every attempt; MVNO answers to forwards.
import type { Kysely } from 'kysely';
import { execStatements } from './exec-statements.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(db, `
    CREATE TABLE webhook_subscriptions (
      id uuid PRIMARY KEY,
      owner_kind text NOT NULL CHECK (owner_kind IN ('client','mvno')),
      owner_id text NOT NULL,
      company_id text,
      mvno_code text,
      callback_url text NOT NULL,
      secret_enc text NOT NULL,
      event_types jsonb NOT NULL DEFAULT '[]'::jsonb,
      query text,
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','disabled','deleted')),
      disabled_reason text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX webhook_subscriptions_owner ON webhook_subscriptions (owner_kind, owner_id) WHERE status = 'active';
    CREATE UNIQUE INDEX webhook_subscriptions_mvno ON webhook_subscriptions (owner_id) WHERE owner_kind = 'mvno' AND status <> 'deleted';

    CREATE TABLE webhook_events (
      id uuid PRIMARY KEY,
      event_type text NOT NULL,
      payload text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE webhook_deliveries (
      id uuid PRIMARY KEY,
      event_id uuid NOT NULL REFERENCES webhook_events(id),
      subscription_id uuid NOT NULL REFERENCES webhook_subscriptions(id),
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','queued','delivered','dead','cancelled')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_status_code integer,
      last_error text,
      delivered_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (event_id, subscription_id)
    );
    CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
    CREATE INDEX webhook_deliveries_status ON webhook_deliveries (status, created_at);
    CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id, created_at);

    CREATE TABLE webhook_attempts (
      id bigserial PRIMARY KEY,
      delivery_id uuid NOT NULL REFERENCES webhook_deliveries(id),
      attempt integer NOT NULL,
      at timestamptz NOT NULL DEFAULT now(),
      outcome text NOT NULL CHECK (outcome IN ('delivered','retry','gone','refused','dead')),
      status_code integer,
      error text,
      latency_ms integer NOT NULL
    );
    CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, attempt);

    ALTER TABLE partner_forwards ADD COLUMN status text NOT NULL DEFAULT 'forwarded' CHECK (status IN ('forwarded','accepted','completed','rejected'));
    ALTER TABLE partner_forwards ADD COLUMN partner_reference text;
    ALTER TABLE partner_forwards ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
    CREATE UNIQUE INDEX partner_forwards_ticket ON partner_forwards (ticket);

    CREATE TABLE partner_forward_answers (
      id uuid PRIMARY KEY,
      forward_id uuid NOT NULL REFERENCES partner_forwards(id),
      answer text NOT NULL CHECK (answer IN ('accepted','completed','rejected')),
      partner_reference text,
      reason text,
      client_id text NOT NULL,
      at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (forward_id, answer)
    );
  `);
}
