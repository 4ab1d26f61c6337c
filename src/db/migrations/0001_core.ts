// Core model: carriers and MVNOs, customers under real-name registration, billing accounts, lines,
// companions, the number pool, and the staff who work on them.
import type { Kysely } from 'kysely';
import { execStatements } from './exec-statements.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(db, `
    CREATE TABLE carriers (
      code text PRIMARY KEY CHECK (code IN ('cmcc','cucc','ctcc','cbn')),
      name_zh text NOT NULL,
      name_en text NOT NULL,
      hotline text NOT NULL,
      settings jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE mvno_brands (
      code text PRIMARY KEY,
      name_zh text NOT NULL,
      name_en text NOT NULL,
      host_carrier text NOT NULL REFERENCES carriers(code),
      hotline text NOT NULL,
      accepts_forwarded boolean NOT NULL DEFAULT false
    );

    CREATE TABLE stores (
      id text PRIMARY KEY,
      carrier text NOT NULL REFERENCES carriers(code),
      name_zh text NOT NULL,
      name_en text NOT NULL,
      province text NOT NULL
    );

    CREATE TABLE customers (
      id uuid PRIMARY KEY,
      kind text NOT NULL DEFAULT 'person' CHECK (kind IN ('person','company')),
      name_enc text NOT NULL,
      id_type text NOT NULL CHECK (id_type IN ('resident_id','passport','hk_macao_permit','taiwan_permit','business_licence')),
      id_number_enc text NOT NULL,
      id_blind text NOT NULL,
      id_last6_blind text NOT NULL,
      deceased boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX customers_id_blind ON customers (id_blind);

    CREATE TABLE billing_accounts (
      id uuid PRIMARY KEY,
      customer_id uuid NOT NULL REFERENCES customers(id),
      carrier text NOT NULL REFERENCES carriers(code),
      cash_balance_fen bigint NOT NULL DEFAULT 0 CHECK (cash_balance_fen >= 0),
      promo_credit_fen bigint NOT NULL DEFAULT 0 CHECK (promo_credit_fen >= 0),
      arrears_fen bigint NOT NULL DEFAULT 0 CHECK (arrears_fen >= 0),
      arrears_since date,
      payment_channel text NOT NULL DEFAULT 'wechat_pay',
      version integer NOT NULL DEFAULT 1,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX billing_accounts_customer ON billing_accounts (customer_id);

    CREATE TABLE lines (
      id uuid PRIMARY KEY,
      customer_id uuid NOT NULL REFERENCES customers(id),
      account_id uuid NOT NULL REFERENCES billing_accounts(id),
      carrier text NOT NULL REFERENCES carriers(code),
      mvno_code text REFERENCES mvno_brands(code),
      sold_by text NOT NULL DEFAULT 'carrier' CHECK (sold_by IN ('carrier','mvno','third_party')),
      msisdn text NOT NULL,
      imsi text NOT NULL,
      iccid text NOT NULL,
      form_factor text NOT NULL CHECK (form_factor IN ('physical','esim')),
      eid text,
      esim_profile_state text CHECK (esim_profile_state IN ('released','downloaded','installed','deleted','unavailable')),
      device_label text,
      status text NOT NULL CHECK (status IN ('active','suspended','lost','cancelled')),
      home_province text NOT NULL,
      plan_name text NOT NULL,
      monthly_fee_fen bigint NOT NULL CHECK (monthly_fee_fen >= 0),
      usage_to_date_fen bigint NOT NULL DEFAULT 0 CHECK (usage_to_date_fen >= 0),
      contract_end date,
      penalty_fen bigint NOT NULL DEFAULT 0 CHECK (penalty_fen >= 0),
      bundle_role text NOT NULL DEFAULT 'none' CHECK (bundle_role IN ('none','primary','secondary')),
      bundle_parent_id uuid REFERENCES lines(id),
      has_broadband boolean NOT NULL DEFAULT false,
      port_out_status text NOT NULL DEFAULT 'none' CHECK (port_out_status IN ('none','pending')),
      store_only_reason text,
      activated_at date NOT NULL,
      cancelled_at timestamptz,
      version integer NOT NULL DEFAULT 1,
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (form_factor = 'physical' OR eid IS NOT NULL)
    );
    CREATE UNIQUE INDEX lines_msisdn_live ON lines (msisdn) WHERE status <> 'cancelled';
    CREATE UNIQUE INDEX lines_iccid ON lines (iccid);
    CREATE INDEX lines_imsi ON lines (imsi);
    CREATE INDEX lines_customer ON lines (customer_id);
    CREATE INDEX lines_parent ON lines (bundle_parent_id) WHERE bundle_parent_id IS NOT NULL;

    CREATE TABLE companion_devices (
      id uuid PRIMARY KEY,
      line_id uuid NOT NULL REFERENCES lines(id),
      device_label text NOT NULL,
      iccid text NOT NULL,
      eid text NOT NULL,
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','stopped'))
    );
    CREATE INDEX companion_devices_line ON companion_devices (line_id);

    CREATE TABLE number_pool (
      msisdn text PRIMARY KEY,
      carrier text NOT NULL REFERENCES carriers(code),
      state text NOT NULL CHECK (state IN ('assigned','frozen','recovered','available')),
      line_id uuid REFERENCES lines(id),
      former_customer_id uuid REFERENCES customers(id),
      frozen_until timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX number_pool_frozen ON number_pool (frozen_until) WHERE state = 'frozen';

    CREATE TABLE staff (
      id uuid PRIMARY KEY,
      username text NOT NULL UNIQUE,
      display_name text NOT NULL,
      password_hash text NOT NULL,
      role text NOT NULL CHECK (role IN ('clerk','reviewer','ops','admin')),
      store_id text REFERENCES stores(id),
      disabled boolean NOT NULL DEFAULT false,
      failed_attempts integer NOT NULL DEFAULT 0,
      locked_until timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (role <> 'clerk' OR store_id IS NOT NULL)
    );

    -- Demo data only: which seeded customer plays which scenario (listed by the dev-mode API).
    CREATE TABLE demo_scenarios (
      scenario text PRIMARY KEY,
      customer_id uuid NOT NULL REFERENCES customers(id),
      msisdn text NOT NULL
    );
  `);
}
