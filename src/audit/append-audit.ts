// The audit trail: one append-only log of every state change and staff action. An entry is written
// in the caller's transaction, so it commits with the change it records, and takes no lock: its
// `seq` comes from a sequence. The sealer (seal-audit-log.ts) later gives each committed entry its
// place in a Merkle tree and signs a checkpoint, which is what makes the log tamper-evident; see
// docs/decisions/0003-audit-sealing.md.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';

export interface AuditEntry {
  actorKind: 'subscriber' | 'staff' | 'system' | 'worker' | 'public' | 'client' | 'company_admin';
  actorId?: string | null;
  action: string;
  requestId?: string | null;
  subject?: string | null;
  details?: Record<string, unknown>;
  ip?: string | null;
}

/** Appends inside the caller's transaction (or on its own, given the database): one INSERT, no lock. */
export async function appendAudit(trx: Transaction<DB> | Kysely<DB>, entry: AuditEntry): Promise<void> {
  await trx.insertInto('audit_log').values({
    // Set here, at millisecond precision (which survives timestamptz), so the hash the sealer
    // computes from the stored row can be recomputed by anyone reading it.
    at: new Date().toISOString(),
    actor_kind: entry.actorKind,
    actor_id: entry.actorId ?? null,
    action: entry.action,
    request_id: entry.requestId ?? null,
    subject: entry.subject ?? null,
    details: JSON.stringify(entry.details ?? {}),
    ip: entry.ip ?? null,
  }).execute();
}
