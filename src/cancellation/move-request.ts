// A transition plus what every transition brings: the subscriber's SMS and the metric.
import { sql, type Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { DB } from '../db/schema.ts';
import { bulkInsert } from '../db/bulk-insert.ts';
import { notifyStatus } from './notify-status.ts';
import { queueCertificateEmail } from './send-certificate-email.ts';
import { TRANSITIONS, canTransition, transition, type TransitionInput } from './transitions.ts';
import { AppError } from '../shared/errors.ts';
import type { RequestChannel } from '../db/schema.ts';
import { recordProductOrderTransition } from '../webhooks/record-order-event.ts';

export async function moveRequest(
  ctx: AppContext,
  trx: Transaction<DB>,
  t: TransitionInput & { msisdn: string; channel: RequestChannel; reason?: string; serial?: string },
): Promise<void> {
  await transition(trx, t);
  if (t.to === 'completed') await queueCertificateEmail(ctx, trx, t.requestId);
  await notifyStatus(ctx, trx, { requestId: t.requestId, msisdn: t.msisdn, status: t.to, reason: t.reason, serial: t.serial });
  // A TMF622 order's hub listeners hear of its state change in this same transaction.
  if (t.channel === 'api') await recordProductOrderTransition(ctx, trx, t);
  ctx.metrics.requestTransitions.inc({ from: t.from, to: t.to, channel: t.channel });
}

/** The facts a transition needs about a request, read inside the transaction. */
export async function requestHead(trx: Transaction<DB>, requestId: string) {
  return trx.selectFrom('cancellation_requests as r').innerJoin('lines as l', 'l.id', 'r.line_id')
    .select(['r.id', 'r.status', 'r.channel', 'r.customer_id', 'r.carrier', 'r.created_at', 'l.msisdn'])
    .where('r.id', '=', requestId).executeTakeFirst();
}

/** One request of a bulk move: the facts moveRequest is given per request. */
export interface BulkMoveRow { requestId: string; msisdn: string; channel: RequestChannel }

/**
 * The same move for many requests (a fleet chunk), with what moveRequest writes for each, in bulk:
 * ONE conditional `UPDATE … WHERE id = ANY($1) AND status = $from RETURNING id` (a request not
 * returned was moved by someone else first: the single move's zero rows, without the error), then
 * the timeline events and the audit entries of the moved ones in one INSERT each, the certificate
 * e-mails, status SMS and TMF hub events as moveRequest queues them, and the metric. Returns the
 * moved requests with their certificate serial.
 */
export async function moveRequests(
  ctx: AppContext,
  trx: Transaction<DB>,
  t: Omit<TransitionInput, 'requestId' | 'auditDetails'> & { rows: readonly BulkMoveRow[]; auditDetails?: (moved: { certificateSerial: string | null }) => Record<string, unknown> },
): Promise<Array<BulkMoveRow & { certificateSerial: string | null }>> {
  if (!canTransition(t.from, t.to)) {
    throw new AppError('conflict', `A request cannot go from ${t.from} to ${t.to}.`, { from: t.from, to: t.to });
  }
  if (t.rows.length === 0) return [];
  const byId = new Map(t.rows.map((r) => [r.requestId, r]));
  const returned = await trx.updateTable('cancellation_requests').set({ ...t.patch, status: t.to, updated_at: new Date() })
    .where('id', '=', sql<string>`any(${[...byId.keys()]}::uuid[])`).where('status', '=', t.from)
    .returning(['id', 'certificate_serial', sql<boolean>`contact_email_enc IS NOT NULL`.as('has_email')]).execute();
  if (returned.length === 0) return [];
  const moved = returned.map((m) => ({ ...byId.get(m.id)!, certificateSerial: m.certificate_serial }));
  const note = t.note ?? null;
  await bulkInsert(trx, 'request_events', moved.map((m) => ({
    request_id: m.requestId, from_status: t.from, to_status: t.to, actor_kind: t.actor.kind, actor_id: t.actor.id ?? null, note,
  })));
  // The rows appendAudit writes, one INSERT for all of them.
  const at = new Date().toISOString();
  await bulkInsert(trx, 'audit_log', moved.map((m) => ({
    at, actor_kind: t.actor.kind, actor_id: t.actor.id ?? null, ip: t.actor.ip ?? null, action: `request.${TRANSITIONS[t.from][t.to]}`, request_id: m.requestId, subject: null,
    details: JSON.stringify({ from: t.from, to: t.to, ...(note ? { note } : {}), ...t.auditDetails?.(m) }),
  })));
  if (t.to === 'completed') {
    for (const r of returned) if (r.has_email) await queueCertificateEmail(ctx, trx, r.id);
  }
  for (const m of moved) {
    await notifyStatus(ctx, trx, { requestId: m.requestId, msisdn: m.msisdn, status: t.to, serial: m.certificateSerial ?? undefined });
    if (m.channel === 'api') await recordProductOrderTransition(ctx, trx, { requestId: m.requestId, from: t.from, to: t.to });
    ctx.metrics.requestTransitions.inc({ from: t.from, to: t.to, channel: m.channel });
  }
  return moved;
}
