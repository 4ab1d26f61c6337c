/**
 * Bulk inserts: `INSERT … SELECT * FROM unnest($1::type[], $2::type[], …)`, one array parameter per
 * column, so a statement of any number of rows has a handful of bind parameters (PostgreSQL allows
 * 65,535) and the server parses a short statement instead of a huge VALUES list. The seed writes
 * its tables so, and a fleet chunk its requests' events, audit rows, steps and ledger entries
 * (a VALUES list of 3,500 rows costs more to build, send and parse than to write). Works the same
 * on PGlite and PostgreSQL.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from './schema.ts';

/** PostgreSQL types of the columns the seed writes, per table (the array element types of unnest). */
const COLUMN_TYPES = {
  customers: {
    id: 'uuid', kind: 'text', name_enc: 'text', id_type: 'text', id_number_enc: 'text', id_blind: 'text',
    id_last6_blind: 'text', deceased: 'boolean', created_at: 'timestamptz',
  },
  billing_accounts: {
    id: 'uuid', customer_id: 'uuid', carrier: 'text', cash_balance_fen: 'bigint', promo_credit_fen: 'bigint',
    arrears_fen: 'bigint', arrears_since: 'date', payment_channel: 'text',
  },
  lines: {
    id: 'uuid', customer_id: 'uuid', account_id: 'uuid', carrier: 'text', mvno_code: 'text', sold_by: 'text',
    msisdn: 'text', imsi: 'text', iccid: 'text', form_factor: 'text', eid: 'text', esim_profile_state: 'text',
    device_label: 'text', status: 'text', home_province: 'text', plan_name: 'text', monthly_fee_fen: 'bigint',
    usage_to_date_fen: 'bigint', contract_end: 'date', penalty_fen: 'bigint', bundle_role: 'text',
    bundle_parent_id: 'uuid', has_broadband: 'boolean', port_out_status: 'text', store_only_reason: 'text',
    activated_at: 'date', cancelled_at: 'timestamptz', company_id: 'text', line_use: 'text',
  },
  companion_devices: { id: 'uuid', line_id: 'uuid', device_label: 'text', iccid: 'text', eid: 'text', status: 'text' },
  number_pool: {
    msisdn: 'text', carrier: 'text', state: 'text', line_id: 'uuid', former_customer_id: 'uuid', frozen_until: 'timestamptz',
  },
  demo_scenarios: { scenario: 'text', customer_id: 'uuid', msisdn: 'text' },
  // Not seed data: a fleet job's rows and what its chunks write (src/fleet, src/cancellation).
  fleet_job_lines: {
    job_id: 'uuid', row_no: 'integer', input: 'text', id_kind: 'text', line_id: 'uuid', carrier: 'text', state: 'text', reason: 'text',
    blockers: 'jsonb', bill_fen: 'bigint', refund_fen: 'bigint',
  },
  execution_steps: { request_id: 'uuid', step: 'text', position: 'integer', status: 'text', last_error: 'text', result: 'jsonb' },
  request_events: { request_id: 'uuid', from_status: 'text', to_status: 'text', actor_kind: 'text', actor_id: 'text', note: 'text' },
  audit_log: { at: 'timestamptz', actor_kind: 'text', actor_id: 'text', ip: 'text', action: 'text', request_id: 'uuid', subject: 'text', details: 'jsonb' },
  esim_events: { line_id: 'uuid', iccid: 'text', event: 'text', details: 'jsonb' },
  ledger_entries: { account_id: 'uuid', request_id: 'uuid', kind: 'text', amount_fen: 'bigint', idempotency_key: 'text', reference: 'text' },
} as const satisfies Partial<Record<keyof DB, Record<string, string>>>;

export type BulkTable = keyof typeof COLUMN_TYPES;

/**
 * Inserts `rows` into `table` in statements of at most `chunkSize` rows. Every row must carry the
 * same columns, all of them listed in COLUMN_TYPES (a missing one is an error, not a silent default).
 * `onConflictDoNothing`: the unique columns whose conflict leaves the existing row as it is;
 * `onConflictUpdate`: the unique columns whose conflict overwrites `columns` of the existing row with
 * the new row's (and its updated_at with now() when `touch`).
 */
export async function bulkInsert(
  db: Kysely<DB> | Transaction<DB>,
  table: BulkTable,
  rows: ReadonlyArray<Record<string, unknown>>,
  chunkSize = 5000,
  opts: { onConflictDoNothing?: readonly string[]; onConflictUpdate?: { target: readonly string[]; columns: readonly string[]; touch?: boolean } } = {},
): Promise<void> {
  if (rows.length === 0) return;
  const types: Record<string, string> = COLUMN_TYPES[table];
  const columns = Object.keys(rows[0]);
  for (const c of columns) if (!(c in types)) throw new Error(`bulkInsert: no type for ${table}.${c}.`);
  const refs = (cs: readonly string[]) => sql.join(cs.map((c) => sql.ref(c)));
  const up = opts.onConflictUpdate;
  const onConflict = opts.onConflictDoNothing
    ? sql`ON CONFLICT (${refs(opts.onConflictDoNothing)}) DO NOTHING`
    : up
      ? sql`ON CONFLICT (${refs(up.target)}) DO UPDATE SET ${sql.join([
        ...up.columns.map((c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`),
        ...(up.touch ? [sql`updated_at = now()`] : []),
      ])}`
      : sql``;
  for (let start = 0; start < rows.length; start += chunkSize) {
    const chunk = rows.slice(start, start + chunkSize);
    const arrays = columns.map((c) =>
      chunk.map((r) => {
        const v = r[c];
        if (v === undefined) throw new Error(`bulkInsert: ${table}.${c} missing in a row.`);
        return v instanceof Date ? v.toISOString() : v;
      }),
    );
    await sql`INSERT INTO ${sql.table(table)} (${refs(columns)})
      SELECT * FROM unnest(${sql.join(columns.map((c, i) => sql`${arrays[i]}::${sql.raw(types[c])}[]`))})
      ${onConflict}`.execute(db);
  }
}
