// Writes a new cancellation request with its first timeline event, its audit entry, its SMS and,
// when it starts approved, its execution job: all in the caller's transaction.
import crypto from 'node:crypto';
import type { Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { CarrierCode, DB, RequestStatus } from '../db/schema.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { QUEUES } from '../jobs/queue.ts';
import type { Quote } from './compose-quote.ts';
import { recordEvent, type Actor } from './transitions.ts';
import { notifyStatus } from './notify-status.ts';
import { newRequestReference } from './request-reference.ts';

export interface NewRequest {
  lineId: string;
  customerId: string;
  carrier: CarrierCode;
  msisdn: string;
  channel: 'online' | 'store';
  status: Extract<RequestStatus, 'pending_review' | 'approved'>;
  quote: Quote;
  acknowledgements: string[];
  refundRoute: Record<string, unknown>;
  refundRouteSecretEnc: string | null;
  slaDueAt: Date | null;
  storeId?: string | null;
  clerkId?: string | null;
  details?: Record<string, unknown>;
  actor: Actor;
  note?: string;
  /** Where the certificate is also sent (optional; encrypted at rest). */
  contactEmail?: string | null;
}

export async function openRequest(ctx: AppContext, trx: Transaction<DB>, r: NewRequest): Promise<{ id: string; reference: string }> {
  const id = crypto.randomUUID();
  const reference = await unusedReference(trx);
  await trx.insertInto('cancellation_requests').values({
    id,
    reference,
    contact_email_enc: r.contactEmail ? ctx.vault.encrypt(r.contactEmail) : null,
    line_id: r.lineId,
    customer_id: r.customerId,
    carrier: r.carrier,
    channel: r.channel,
    status: r.status,
    quote_version: r.quote.version,
    quote: JSON.stringify(r.quote),
    acknowledgements: JSON.stringify(r.acknowledgements),
    refund_route: JSON.stringify(r.refundRoute),
    refund_route_secret_enc: r.refundRouteSecretEnc,
    bill_total_fen: r.quote.bill.totalFen,
    refund_fen: r.quote.refund.refundableFen,
    sla_due_at: r.slaDueAt,
    store_id: r.storeId ?? null,
    clerk_id: r.clerkId ?? null,
    details: JSON.stringify(r.details ?? {}),
    ...(r.status === 'approved' ? { decided_at: ctx.now() } : {}),
  }).execute();
  await recordEvent(trx, { requestId: id, from: null, to: r.status, actor: r.actor, note: r.note ?? null });
  if (r.status === 'approved') await ctx.jobs.send(trx, QUEUES.execute, { requestId: id }, { key: id });
  await notifyStatus(ctx, trx, { requestId: id, msisdn: r.msisdn, status: r.status });
  // Last: the audit append takes the log's global lock until the transaction commits, so the less
  // work that follows it, the less every other audited write waits.
  await appendAudit(trx, {
    actorKind: r.actor.kind, actorId: r.actor.id ?? null, ip: r.actor.ip ?? null,
    action: 'request.submit', requestId: id,
    details: { channel: r.channel, status: r.status, quoteVersion: r.quote.version, refundFen: r.quote.refund.refundableFen, billTotalFen: r.quote.bill.totalFen, route: r.refundRoute.type },
  });
  ctx.metrics.requestTransitions.inc({ from: 'new', to: r.status, channel: r.channel });
  return { id, reference };
}

/** A fresh reference; 10^12 of them make a clash rare, and a clash is simply drawn again. */
async function unusedReference(trx: Transaction<DB>): Promise<string> {
  for (;;) {
    const ref = newRequestReference();
    const taken = await trx.selectFrom('cancellation_requests').select('id').where('reference', '=', ref).executeTakeFirst();
    if (!taken) return ref;
  }
}
