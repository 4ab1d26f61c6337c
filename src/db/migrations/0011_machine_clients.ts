// Machine clients (OAuth 2.0 client credentials, issue 12) and the TM Forum order records.
// machine_clients: a carrier BSS, an MVNO partner or a fleet company calling the platform with a
// client id and secret (argon2 hash); its scopes bound what its tokens may do. access_token_keys:
// the ES256 keys that sign access tokens (private half sealed with the master key, like the other keys).
// tmf_product_orders: a TMF622 order and the cancellation request it opened; tmf_cancel_product_orders: TMF622 CancelProductOrder tasks.
import type { Kysely } from 'kysely';
import { execStatements } from './exec-statements.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(db, `
    CREATE TABLE machine_clients (
      client_id text PRIMARY KEY,
      name text NOT NULL,
      secret_hash text NOT NULL,
      scopes jsonb NOT NULL,
      mvno_code text,
      company_id text,
      created_by text,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz
    );

    CREATE TABLE access_token_keys (
      key_id text PRIMARY KEY,
      public_jwk jsonb NOT NULL,
      private_key_enc text NOT NULL,
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX access_token_keys_one_active ON access_token_keys (active) WHERE active;

    -- A TMF622 order: the cancellation request it opened, or none when the quote refused the line
    -- (then it is stored as rejected, with the blocking codes).
    CREATE TABLE tmf_product_orders (
      id uuid PRIMARY KEY,
      request_id uuid UNIQUE REFERENCES cancellation_requests(id),
      line_id uuid NOT NULL REFERENCES lines(id),
      customer_id uuid NOT NULL REFERENCES customers(id),
      client_id text NOT NULL REFERENCES machine_clients(client_id),
      external_id text,
      description text,
      order_item_id text NOT NULL,
      requested_start_date timestamptz,
      requested_completion_date timestamptz,
      blockers jsonb NOT NULL DEFAULT '[]'::jsonb,
      order_date timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX tmf_product_orders_order_date ON tmf_product_orders (order_date DESC, id);
    CREATE INDEX tmf_product_orders_line ON tmf_product_orders (line_id);

    CREATE TABLE tmf_cancel_product_orders (
      id uuid PRIMARY KEY,
      product_order_id uuid NOT NULL REFERENCES tmf_product_orders(id),
      client_id text NOT NULL REFERENCES machine_clients(client_id),
      state text NOT NULL CHECK (state IN ('acknowledged','inProgress','done','terminatedWithError')),
      cancellation_reason text,
      error_message text,
      creation_date timestamptz NOT NULL DEFAULT now(),
      effective_cancellation_date timestamptz
    );
    CREATE INDEX tmf_cancel_product_orders_order ON tmf_cancel_product_orders (product_order_id);
  `);
}
