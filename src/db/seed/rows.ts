/** Row buffers and small date helpers shared by the demo-data builders. Pure. */
import crypto from 'node:crypto';
import type { Insertable } from 'kysely';
import { idLast6, normaliseIdNumber, type PiiVault } from '../../identity/pii.ts';
import type {
  BillingAccountsTable,
  CompanionDevicesTable,
  CustomersTable,
  DemoScenariosTable,
  LinesTable,
  NumberPoolTable,
} from '../schema.ts';

export type CustomerRow = Insertable<CustomersTable>;
export type AccountRow = Insertable<BillingAccountsTable>;
export type LineRow = Insertable<LinesTable>;
export type CompanionRow = Insertable<CompanionDevicesTable>;
export type NumberPoolRow = Insertable<NumberPoolTable>;
export type ScenarioRow = Insertable<DemoScenariosTable>;

/** Rows of one batch, in the order they must be inserted (foreign keys). */
export interface SeedRows {
  customers: CustomerRow[];
  accounts: AccountRow[];
  /** Bundle primaries always come before their secondaries. */
  lines: LineRow[];
  companions: CompanionRow[];
  numberPool: NumberPoolRow[];
  scenarios: ScenarioRow[];
}

export function emptyRows(): SeedRows {
  return { customers: [], accounts: [], lines: [], companions: [], numberPool: [], scenarios: [] };
}

export const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** The calendar date in mainland China (UTC+8) at `now`, as 'YYYY-MM-DD'. */
export function chinaDate(now: Date): string {
  return new Date(now.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** 'YYYY-MM-DD' plus `days` (may be negative). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` ('YYYY-MM-DD'). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** A customers row with the name and ID number sealed and the ID number's blind indexes. */
export function customerRow(
  vault: PiiVault,
  c: { id: string; kind: 'person' | 'company'; name: string; idType: CustomerRow['id_type']; idNumber: string; deceased: boolean; createdAt: Date },
): CustomerRow {
  return {
    id: c.id,
    kind: c.kind,
    name_enc: vault.encrypt(c.name),
    id_type: c.idType,
    id_number_enc: vault.encrypt(c.idNumber),
    id_blind: vault.blindIndex(normaliseIdNumber(c.idNumber), 'id'),
    id_last6_blind: vault.blindIndex(idLast6(c.idNumber), 'id6'),
    deceased: c.deceased,
    created_at: c.createdAt,
  };
}

/** A number_pool row for a line: 'assigned' while live, 'frozen' until `frozenUntil` once cancelled. */
export function poolRow(line: LineRow, frozenUntil: Date | null): NumberPoolRow {
  if (line.status === 'cancelled') {
    return {
      msisdn: line.msisdn,
      carrier: line.carrier,
      state: 'frozen',
      line_id: line.id,
      former_customer_id: line.customer_id,
      frozen_until: frozenUntil,
    };
  }
  return { msisdn: line.msisdn, carrier: line.carrier, state: 'assigned', line_id: line.id, former_customer_id: null, frozen_until: null };
}

/** A stable UUID (v4 layout) made from a name, so re-seeding keeps the same ids. */
export function stableUuid(name: string): string {
  const h = crypto.createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
