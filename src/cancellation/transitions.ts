// A request's whole life, in one table. Every status change goes through `transition`, a
// conditional UPDATE … WHERE id = $1 AND status = $from: zero rows means someone else moved the
// request first, and the caller is told so (AppError 'conflict'). The timeline event and the audit
// entry are written in the same transaction.
import type { Transaction } from 'kysely';
import { appendAudit, type AuditEntry } from '../audit/append-audit.ts';
import type { CancellationRequestsTable, DB, RequestStatus } from '../db/schema.ts';
import { AppError } from '../shared/errors.ts';
import { sql, type Updateable } from 'kysely';

export const LIVE_STATUSES: RequestStatus[] = ['pending_review', 'approved', 'executing', 'needs_attention'];
/**
 * LIVE_STATUSES as SQL literals rather than parameters, for statements that filter on them: a prepared
 * statement's generic plan can then use the partial index on them (cancellation_one_per_line).
 */
export const LIVE_STATUS_LITERALS = LIVE_STATUSES.map((s) => sql.lit(s));
export const TERMINAL_STATUSES: RequestStatus[] = ['completed', 'rejected', 'withdrawn'];

/** from → to → the action that makes that move. Anything not listed is not a legal move. */
export const TRANSITIONS: Record<RequestStatus, Partial<Record<RequestStatus, string>>> = {
  pending_review: { approved: 'approve', rejected: 'reject', withdrawn: 'withdraw' },
  // withdrawn: a fleet job stopped before this line's execution began (src/fleet/stop-fleet-job.ts).
  approved: { executing: 'start_execution', needs_attention: 'escalate', withdrawn: 'withdraw' },
  executing: { completed: 'complete', needs_attention: 'escalate' },
  needs_attention: { executing: 'retry', completed: 'resolve_by_hand' },
  completed: {},
  rejected: {},
  withdrawn: {},
};

export function canTransition(from: RequestStatus, to: RequestStatus): boolean {
  return TRANSITIONS[from][to] !== undefined;
}

export interface Actor {
  kind: AuditEntry['actorKind'];
  id?: string | null;
  ip?: string | null;
}

export interface TransitionInput {
  requestId: string;
  from: RequestStatus;
  to: RequestStatus;
  actor: Actor;
  note?: string | null;
  patch?: Omit<Updateable<CancellationRequestsTable>, 'status' | 'id'>;
  auditDetails?: Record<string, unknown>;
}

export async function transition(trx: Transaction<DB>, t: TransitionInput): Promise<void> {
  if (!canTransition(t.from, t.to)) {
    throw new AppError('conflict', `A request cannot go from ${t.from} to ${t.to}.`, { from: t.from, to: t.to });
  }
  const result = await trx
    .updateTable('cancellation_requests')
    .set({ ...t.patch, status: t.to, updated_at: new Date() })
    .where('id', '=', t.requestId)
    .where('status', '=', t.from)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) {
    const current = await trx.selectFrom('cancellation_requests').select('status').where('id', '=', t.requestId).executeTakeFirst();
    if (!current) throw new AppError('not_found', 'The cancellation request was not found.');
    throw new AppError('conflict', `The request is ${current.status} now, not ${t.from}: someone else acted on it first.`, {
      requestId: t.requestId,
      status: current.status,
    });
  }
  await recordEvent(trx, { requestId: t.requestId, from: t.from, to: t.to, actor: t.actor, note: t.note ?? null });
  await appendAudit(trx, {
    actorKind: t.actor.kind,
    actorId: t.actor.id ?? null,
    ip: t.actor.ip ?? null,
    action: `request.${TRANSITIONS[t.from][t.to]}`,
    requestId: t.requestId,
    details: { from: t.from, to: t.to, ...(t.note ? { note: t.note } : {}), ...t.auditDetails },
  });
}

/** The first event of a request (its creation) and every later move land in the timeline. */
export async function recordEvent(
  trx: Transaction<DB>,
  e: { requestId: string; from: RequestStatus | null; to: RequestStatus; actor: Actor; note?: string | null },
): Promise<void> {
  await trx.insertInto('request_events').values({
    request_id: e.requestId,
    from_status: e.from,
    to_status: e.to,
    actor_kind: e.actor.kind,
    actor_id: e.actor.id ?? null,
    note: e.note ?? null,
  }).execute();
}
