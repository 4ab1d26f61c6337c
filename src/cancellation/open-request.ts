// Writes a new cancellation request with its first timeline event, its audit entry, its SMS and,
// when it starts approved, its execution job: all in the caller's transaction, in two or three
// statements (the jobs are pg-boss's own inserts).
import crypto from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { CarrierCode, DB, RequestStatus } from '../db/schema.ts';
import { QUEUES } from '../jobs/queue.ts';
import type { Quote } from './compose-quote.ts';
import type { Actor } from './transitions.ts';
import { notifyStatus } from './notify-status.ts';
import { newRequestReference } from './request-reference.ts';
import { idempotencyRow, type IdempotencyRecord } from '../shared/idempotency.ts';
import type { RequestChannel } from '../db/schema.ts';

export interface NewRequest {
  lineId: string;
  customerId: string;
  carrier: CarrierCode;
  msisdn: string;
  channel: RequestChannel;
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
  /** The idempotent response to store with the request (withIdempotency's record), built from its id and reference. */
  response?: { record: IdempotencyRecord; statusCode: number; body: (r: { id: string; reference: string }) => unknown };
}

export async function openRequest(ctx: AppContext, trx: Transaction<DB>, r: NewRequest): Promise<{ id: string; reference: string }> {
  const id = crypto.randomUUID();
  const actor = { kind: r.actor.kind, id: r.actor.id ?? null, ip: r.actor.ip ?? null };
  const auditDetails = { channel: r.channel, status: r.status, quoteVersion: r.quote.version, refundFen: r.quote.refund.refundableFen, billTotalFen: r.quote.bill.totalFen, route: r.refundRoute.type };
  // One statement writes the request, its first timeline event, its audit entry and, when the caller
  // asks, its idempotent response: the same rows recordEvent, appendAudit and withIdempotency write.
  // A reference already taken (10^12 of them make it rare) inserts nothing, and is drawn again.
  for (;;) {
    const reference = newRequestReference();
    const insertRequest = trx.insertInto('cancellation_requests').values({
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
    }).onConflict((oc) => oc.column('reference').doNothing()).returning('id');
    const answer = r.response ? idempotencyRow(r.response.record, r.response.statusCode, r.response.body({ id, reference })) : null;
    const written = await sql<{ request_id: string }>`
      WITH req AS (${insertRequest}),
      event AS (
        INSERT INTO request_events (request_id, from_status, to_status, actor_kind, actor_id, note)
        SELECT id, NULL, ${r.status}::text, ${actor.kind}::text, ${actor.id}::text, ${r.note ?? null}::text FROM req
      )${answer ? sql`,
      answer AS (
        INSERT INTO idempotency_keys (scope, key, request_hash, status_code, body)
        SELECT ${answer.scope}::text, ${answer.key}::text, ${answer.request_hash}::text, ${answer.status_code}::integer, ${answer.body}::jsonb FROM req
      )` : sql``}
      INSERT INTO audit_log (at, actor_kind, actor_id, action, request_id, subject, details, ip)
      SELECT ${auditAt()}::timestamptz, ${actor.kind}::text, ${actor.id}::text, 'request.submit', id, NULL, ${JSON.stringify(auditDetails)}::jsonb, ${actor.ip}::text FROM req
      RETURNING request_id`.execute(trx);
    if (written.rows.length === 0) continue; // the reference was taken
    if (r.status === 'approved') await ctx.jobs.send(trx, QUEUES.execute, { requestId: id }, { key: id });
    await notifyStatus(ctx, trx, { requestId: id, msisdn: r.msisdn, status: r.status });
    ctx.metrics.requestTransitions.inc({ from: 'new', to: r.status, channel: r.channel });
    return { id, reference };
  }
}

/** As appendAudit sets it: millisecond precision survives timestamptz, so the sealer's hash can be recomputed from the row. */
const auditAt = () => new Date().toISOString();
