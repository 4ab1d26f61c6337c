// A TMF622 `delete` order from a machine client (the carrier's BSS, an MVNO partner) opens a
// cancellation request with channel 'api', through the online quote rules and the submit checks:
// the quote must be eligible, every reminder acknowledged, the refund route one the quote offers.
//
// How the BSS states what the subscriber agreed to (characteristics of the order item's product):
//   acknowledgements  array of the reminder codes the subscriber acknowledged to the agent, or "all"
//                     (the agent read every reminder the platform requires and the subscriber agreed)
//   refundRoute       "original" (default) or "line" (with refundLineId: another line of theirs)
//   acceptPenalty     true when the subscriber accepts the early-termination penalty
// A line the quote refuses gives a stored order in state `rejected`, its blocking codes in `note`;
// no request is opened. A second order for a line with a live request is a 409.
import crypto from 'node:crypto';
import type { Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { DB } from '../db/schema.ts';
import type { MachineClient } from '../http/machine-auth.ts';
import { AppError } from '../shared/errors.ts';
import { isUniqueViolation, withIdempotency } from '../shared/idempotency.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { composeQuote } from '../cancellation/compose-quote.ts';
import { loadQuoteFacts } from '../cancellation/load-quote-facts.ts';
import { openRequest } from '../cancellation/open-request.ts';
import { acceptRefundRoute, type RefundRouteInput } from '../cancellation/refund-route.ts';
import { alreadyRequested, assertConfirmations, startsApproved } from '../cancellation/submit-cancellation.ts';
import { recordQuoteBlockers } from '../ops/record-quote-blockers.ts';
import type { Lang } from '../shared/lang.ts';
import { recordProductOrderCreated } from '../webhooks/record-order-event.ts';

export interface Characteristic { name: string; value?: unknown }
export interface OrderItemInput { id: string; action: string; product?: { id?: string; productCharacteristic?: Characteristic[] } }
export interface PlaceOrderInput {
  externalId?: string;
  description?: string;
  requestedStartDate?: string;
  requestedCompletionDate?: string;
  productOrderItem: OrderItemInput[];
  relatedParty?: Array<{ id: string; role?: string; '@referredType': string }>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the order item says the subscriber agreed to (pure). */
export function readAgreement(item: OrderItemInput): { acknowledgements: string[] | 'all'; refundRoute: RefundRouteInput; acceptPenalty: boolean } {
  const chars = item.product?.productCharacteristic ?? [];
  const get = (name: string) => chars.find((c) => c.name === name)?.value;
  const acks = get('acknowledgements');
  let acknowledgements: string[] | 'all';
  if (acks === 'all') acknowledgements = 'all';
  else if (Array.isArray(acks) && acks.every((a) => typeof a === 'string')) acknowledgements = acks as string[];
  else if (typeof acks === 'string') acknowledgements = acks.split(',').map((s) => s.trim()).filter(Boolean);
  else acknowledgements = [];
  const route = get('refundRoute') ?? 'original';
  if (route !== 'original' && route !== 'line') {
    throw new AppError('invalid_refund_route', 'refundRoute must be "original" or "line" (with refundLineId) for an order; bank refunds are arranged in a store or online.');
  }
  const lineId = get('refundLineId');
  const penalty = get('acceptPenalty');
  return {
    acknowledgements,
    refundRoute: { type: route, ...(typeof lineId === 'string' ? { lineId } : {}) },
    acceptPenalty: penalty === true || penalty === 'true',
  };
}

const optionalDate = (v: string | undefined, name: string): Date | null => {
  if (v === undefined) return null;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new AppError('validation_failed', `${name} is not a date-time.`);
  return d;
};

export async function placeProductOrder(
  ctx: AppContext,
  client: MachineClient,
  input: PlaceOrderInput,
  opts: { ip: string; lang: Lang; idempotencyKey?: string },
): Promise<{ orderId: string }> {
  const items = input.productOrderItem;
  if (items.length !== 1) throw new AppError('validation_failed', 'An order here holds exactly one productOrderItem: the line to cancel.');
  const item = items[0];
  if (item.action !== 'delete') throw new AppError('validation_failed', `productOrderItem.action "${item.action}" is not supported: this platform only terminates products (action "delete").`);
  const lineId = item.product?.id;
  if (!lineId) throw new AppError('validation_failed', 'productOrderItem.product.id must name the product (line) to terminate: its TMF637 product id.');
  const agreement = readAgreement(item);
  const requestedStart = optionalDate(input.requestedStartDate, 'requestedStartDate');
  const requestedCompletion = optionalDate(input.requestedCompletionDate, 'requestedCompletionDate');

  const line = UUID.test(lineId) ? await ctx.db.selectFrom('lines').select(['id', 'mvno_code', 'customer_id']).where('id', '=', lineId).executeTakeFirst() : undefined;
  // An MVNO partner's client orders only its own brand's lines; others are not even named.
  if (!line || (client.mvnoCode !== null && line.mvno_code !== client.mvnoCode)) {
    throw new AppError('validation_failed', `There is no product with the id ${lineId} (productOrderItem.product.id).`, { productId: lineId });
  }
  // The customer the BSS names must be the line's owner: an order never ends someone else's line.
  const parties = (input.relatedParty ?? []).filter((p) => (p.role ?? 'customer') === 'customer' && ['Individual', 'Organization', 'Customer'].includes(p['@referredType']));
  if (parties.some((p) => p.id !== line.customer_id)) {
    throw new AppError('identity_mismatch', 'relatedParty names a customer who does not hold this product (line).');
  }

  const run = async (trx: Transaction<DB>): Promise<{ orderId: string; blockers: Array<{ code: string }> }> => {
    const now = ctx.now();
    const orderId = crypto.randomUUID();
    const facts = await loadQuoteFacts(trx, { lineId, channel: 'api', acceptPenalty: agreement.acceptPenalty, now, lockAccount: true });
    if (facts.liveRequestId || facts.line.status === 'cancelled') throw await alreadyRequested(trx, lineId);
    const quote = composeQuote(facts, opts.lang);
    const order = {
      id: orderId, line_id: lineId, customer_id: facts.line.customer_id, client_id: client.clientId,
      external_id: input.externalId ?? null, description: input.description ?? null, order_item_id: item.id,
      requested_start_date: requestedStart, requested_completion_date: requestedCompletion, order_date: now,
    };
    if (!quote.eligible) {
      const blockers = quote.blockers.map((b) => ({ code: b.code, message: b.message }));
      await trx.insertInto('tmf_product_orders').values({ ...order, request_id: null, blockers: JSON.stringify(blockers) }).execute();
      await recordProductOrderCreated(ctx, trx, orderId); // the hub's ProductOrderCreateEvent (src/webhooks)
      await appendAudit(trx, { actorKind: 'client', actorId: client.clientId, action: 'tmf.order_rejected', subject: orderId, details: { lineId, blockers: blockers.map((b) => b.code) }, ip: opts.ip });
      return { orderId, blockers };
    }
    const acknowledgements = agreement.acknowledgements === 'all' ? quote.requiredAcknowledgements : agreement.acknowledgements;
    assertConfirmations(quote, acknowledgements, null, facts.line.msisdn);
    const route = acceptRefundRoute(quote, agreement.refundRoute, ctx.vault);
    const s = facts.carrier.settings;
    const autoApprove = startsApproved(s, quote);
    const status = autoApprove ? 'approved' : 'pending_review';
    const { id: requestId } = await openRequest(ctx, trx, {
      lineId, customerId: facts.line.customer_id, carrier: facts.line.carrier, msisdn: facts.line.msisdn,
      channel: 'api', status, quote, acknowledgements, refundRoute: route.route, refundRouteSecretEnc: route.secretEnc,
      slaDueAt: autoApprove ? null : new Date(now.getTime() + s.reviewSlaHours * 3600_000),
      details: { tmfProductOrderId: orderId, clientId: client.clientId, ...(input.externalId ? { externalId: input.externalId } : {}) },
      actor: { kind: 'client', id: client.clientId, ip: opts.ip },
      note: autoApprove ? 'auto-approved by carrier rule (TMF622 order)' : 'TMF622 order',
    });
    await trx.insertInto('tmf_product_orders').values({ ...order, request_id: requestId, blockers: '[]' }).execute();
    await recordProductOrderCreated(ctx, trx, orderId); // the hub's ProductOrderCreateEvent (src/webhooks)
    return { orderId, blockers: [] };
  };

  let result: { orderId: string; blockers: Array<{ code: string }> };
  try {
    result = opts.idempotencyKey
      ? (await withIdempotency(ctx.db, `client:${client.clientId}:productOrder`, opts.idempotencyKey, input, async (trx) => ({ statusCode: 201, body: await run(trx) }))).body
      : await ctx.db.transaction().execute(run);
  } catch (e) {
    // Another order (or an online request) took the line at the same moment.
    if (isUniqueViolation(e)) throw await alreadyRequested(ctx.db, lineId);
    throw e;
  }
  if (result.blockers.length) await recordQuoteBlockers(ctx, { blockers: result.blockers, lineId }, undefined, 'api');
  return { orderId: result.orderId };
}
