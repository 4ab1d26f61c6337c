// The audit trail: one append-only log whose entries are hash-chained. Each entry's hash covers its
// own canonical content and the previous entry's hash, so an edited, deleted or reordered entry breaks
// the chain from there on. Appends are serialised with a transaction-scoped advisory lock.
import crypto from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';

export interface AuditEntry {
  actorKind: 'subscriber' | 'staff' | 'system' | 'worker' | 'public';
  actorId?: string | null;
  action: string;
  requestId?: string | null;
  subject?: string | null;
  details?: Record<string, unknown>;
  ip?: string | null;
}

export const GENESIS_HASH = '0'.repeat(64);
const AUDIT_LOCK = 7_404_001;

/** Canonical JSON: object keys sorted, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj).filter((k) => obj[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

export interface HashedFields {
  seq: number;
  at: string;
  actor_kind: string;
  actor_id: string | null;
  action: string;
  request_id: string | null;
  subject: string | null;
  details: Record<string, unknown>;
  ip: string | null;
}

export function entryHash(prevHash: string, e: HashedFields): string {
  return crypto.createHash('sha256').update(prevHash).update('\n').update(canonicalJson(e)).digest('hex');
}

/** Appends inside the caller's transaction, so the entry commits with the change it records. */
export async function appendAudit(trx: Transaction<DB> | Kysely<DB>, entry: AuditEntry): Promise<void> {
  // The lock below lasts as long as the transaction: outside one, make one, or two appends at the
  // same moment could take the same sequence number.
  if (!trx.isTransaction) return trx.transaction().execute((t) => appendAudit(t, entry));
  await sql`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`.execute(trx);
  const last = await trx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const seq = (last?.seq ?? 0) + 1;
  const prevHash = last?.hash ?? GENESIS_HASH;
  // Millisecond precision survives the round trip through timestamptz, so the hash can be recomputed.
  const at = new Date(Math.floor(Date.now())).toISOString();
  const fields: HashedFields = {
    seq,
    at,
    actor_kind: entry.actorKind,
    actor_id: entry.actorId ?? null,
    action: entry.action,
    request_id: entry.requestId ?? null,
    subject: entry.subject ?? null,
    details: entry.details ?? {},
    ip: entry.ip ?? null,
  };
  await trx.insertInto('audit_log').values({
    ...fields,
    details: JSON.stringify(fields.details),
    prev_hash: prevHash,
    hash: entryHash(prevHash, fields),
  }).execute();
}
