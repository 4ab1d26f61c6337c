// Fleet cancellation (issue 14). companies: an enterprise customer (customers.kind = 'company') with
// its unified social credit code (public, on the business licence: stored in clear) and a contact
// address for the end-of-job notice. Lines a company owns carry company_id and what they are used
// for (a staff phone or an IoT SIM; eSIMs are lines with form_factor 'esim' and an EID).
// Company administrators are staff accounts with the role company_admin bound to one company
// (docs/decisions/0006-fleet.md). fleet_jobs and fleet_job_lines: one uploaded list, its dry run,
// and every row's outcome.
import type { Kysely } from 'kysely';
import { execStatements } from './exec-statements.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(db, `
    CREATE TABLE companies (
      id text PRIMARY KEY,
      customer_id uuid NOT NULL UNIQUE REFERENCES customers(id),
      uscc text NOT NULL UNIQUE CHECK (length(uscc) = 18),
      name_zh text NOT NULL,
      name_en text NOT NULL,
      contact_email_enc text,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    ALTER TABLE lines ADD COLUMN company_id text REFERENCES companies(id);
    ALTER TABLE lines ADD COLUMN line_use text NOT NULL DEFAULT 'personal' CHECK (line_use IN ('personal','staff','iot'));
    CREATE INDEX lines_company ON lines (company_id) WHERE company_id IS NOT NULL;
    CREATE INDEX lines_eid ON lines (eid) WHERE eid IS NOT NULL;

    ALTER TABLE staff ADD COLUMN company_id text REFERENCES companies(id);
    ALTER TABLE staff DROP CONSTRAINT staff_role_check;
    ALTER TABLE staff ADD CONSTRAINT staff_role_check CHECK (role IN ('clerk','reviewer','ops','admin','company_admin'));
    ALTER TABLE staff ADD CONSTRAINT staff_company_admin_check CHECK ((role = 'company_admin') = (company_id IS NOT NULL));

    CREATE TABLE fleet_jobs (
      id uuid PRIMARY KEY,
      company_id text NOT NULL REFERENCES companies(id),
      status text NOT NULL CHECK (status IN ('dry_run','confirmed','running','completed','stopped')),
      actor_kind text NOT NULL CHECK (actor_kind IN ('company_admin','client')),
      actor_id text NOT NULL,
      idempotency_key text,
      source text NOT NULL CHECK (source IN ('json','csv')),
      effective_date date,
      rows_total integer NOT NULL,
      rows_accepted integer NOT NULL,
      totals jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      confirmed_at timestamptz,
      finished_at timestamptz
    );
    CREATE UNIQUE INDEX fleet_jobs_idempotency ON fleet_jobs (company_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
    CREATE INDEX fleet_jobs_company ON fleet_jobs (company_id, created_at);

    CREATE TABLE fleet_job_lines (
      job_id uuid NOT NULL REFERENCES fleet_jobs(id),
      row_no integer NOT NULL,
      input text NOT NULL,
      id_kind text,
      line_id uuid REFERENCES lines(id),
      carrier text REFERENCES carriers(code),
      state text NOT NULL CHECK (state IN ('rejected','blocked','ready','queued','executing','completed','failed','stopped')),
      reason text,
      blockers jsonb NOT NULL DEFAULT '[]'::jsonb,
      bill_fen bigint NOT NULL DEFAULT 0,
      refund_fen bigint NOT NULL DEFAULT 0,
      request_id uuid REFERENCES cancellation_requests(id),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (job_id, row_no)
    );
    CREATE INDEX fleet_job_lines_state ON fleet_job_lines (job_id, state);
    CREATE INDEX fleet_job_lines_request ON fleet_job_lines (request_id) WHERE request_id IS NOT NULL;
  `);
}
