import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.ts';
import { listMyLines, sameIdCustomerIds } from '../../lines/list-my-lines.ts';
import { findMyLine } from '../../lines/find-my-line.ts';
import { assertOwnsLine, quoteCancellation } from '../../cancellation/quote-cancellation.ts';
import { submitCancellation } from '../../cancellation/submit-cancellation.ts';
import { withdrawCancellation } from '../../cancellation/withdraw-cancellation.ts';
import { listMyCancellations, viewCancellationForOwner } from '../../cancellation/view-cancellation.ts';
import { ONLINE_WALLETS, payOutstanding, type OnlineWallet } from '../../billing/pay-outstanding.ts';
import { forwardToMvno } from '../../partners/forward-to-mvno.ts';
import { listStores } from '../../store/list-stores.ts';
import type { CarrierCode } from '../../db/schema.ts';
import { pickLang } from '../../cancellation/messages.ts';
import { recordQuoteBlockers } from '../../ops/record-quote-blockers.ts';
import { AppError } from '../../shared/errors.ts';
import { maskMsisdn } from '../../lines/mask.ts';
import { requireSubscriber, subscriberSession } from '../session.ts';
import { IdParams, Uuid, errors } from '../schemas.ts';
import {
  CancellationListSchema, CancellationRequestSchema, FoundLineSchema, ForwardedSchema, LineListSchema, PaidOnlineSchema, QuoteSchema, SubmitCancellationBodySchema,
  StoreListSchema, SubmittedSchema, storedRefundRoute,
  type CancellationRequest, type CancellationSummary, type Forwarded, type Line, type PaidOnline, type Quote,
} from '../portal-schemas.ts';

export const langOf = (req: FastifyRequest) => pickLang(req.headers['accept-language']);

export async function subscriberRoutes(api: FastifyInstance, ctx: AppContext): Promise<void> {
  const tags = ['subscriber'];

  api.get('/me/lines', { schema: { tags, summary: 'Every line registered under my ID document, at every carrier and MVNO', response: { 200: LineListSchema, ...errors(401, 403) } } }, async (req): Promise<{ lines: Line[] }> => {
    const who = requireSubscriber(req);
    return { lines: await listMyLines(ctx, who.customerId) };
  });

  // A POST, so the number, IMSI or ICCID travels in the body: never in a URL that logs, proxies and
  // browser history keep.
  api.post('/me/lines/find', {
    schema: { tags, summary: 'Find one of my lines by number, IMSI or ICCID', body: Type.Object({ q: Type.String({ minLength: 1, maxLength: 40 }) }), response: { 200: FoundLineSchema, ...errors(400, 401, 403, 404) } },
  }, async (req): Promise<{ line: Line }> => {
    const who = requireSubscriber(req);
    return { line: await findMyLine(ctx, who.customerId, (req.body as { q: string }).q) };
  });

  api.get('/me/cancellations', { schema: { tags, summary: 'My cancellation requests', response: { 200: CancellationListSchema, ...errors(401, 403) } } }, async (req): Promise<{ items: CancellationSummary[] }> => {
    const who = requireSubscriber(req);
    return { items: await listMyCancellations(ctx, await sameIdCustomerIds(ctx.db, who.customerId)) };
  });

  api.post('/cancellations/quote', {
    config: { session: 'in-statement' }, // checked in the facts' statement
    schema: {
      tags, summary: 'Conditions, warnings, final bill and refund for cancelling a line',
      body: Type.Object({ lineId: Uuid, acceptPenalty: Type.Optional(Type.Boolean()) }),
      response: { 200: QuoteSchema, ...errors(400, 401, 403, 404) },
    },
  }, async (req): Promise<Quote> => {
    const body = req.body as { lineId: string; acceptPenalty?: boolean };
    const quote = await quoteCancellation(ctx, { lineId: body.lineId, channel: 'online', acceptPenalty: !!body.acceptPenalty, lang: langOf(req), ownerSession: subscriberSession(req) });
    await recordQuoteBlockers(ctx, quote);
    return quote;
  });

  api.post('/cancellations', {
    config: { session: 'in-statement' }, // checked in the account lock's statement
    schema: {
      tags, summary: 'Submit a cancellation (header Idempotency-Key required)',
      headers: Type.Object({ 'idempotency-key': Type.String({ minLength: 1 }) }),
      body: SubmitCancellationBodySchema,
      response: {
        201: SubmittedSchema,
        ...errors(400, 401, 403, 404, 409, 422),
      },
    },
  }, async (req, reply) => {
    const key = String(req.headers['idempotency-key']);
    const r = await submitCancellation(ctx, { session: subscriberSession(req), ip: req.ip }, req.body as never, key, langOf(req));
    if (r.replayed) reply.header('idempotent-replayed', 'true');
    return reply.status(r.statusCode as 201).send(r.body);
  });

  api.get('/cancellations/:id', { schema: { tags, summary: 'A request with its timeline', params: IdParams, response: { 200: CancellationRequestSchema, ...errors(401, 404) } } }, async (req): Promise<CancellationRequest> => {
    const p = req.principal;
    const { id } = req.params as { id: string };
    if (p?.kind === 'staff') {
      const owner = await ctx.db.selectFrom('cancellation_requests').select('customer_id').where('id', '=', id).executeTakeFirst();
      if (!owner) throw new AppError('not_found', 'The request was not found.');
      const view = await viewCancellationForOwner(ctx, [owner.customer_id], id);
      return { ...view, msisdn: maskMsisdn(view.msisdn), refundRoute: storedRefundRoute(view.refundRoute) }; // staff see masked identifiers
    }
    const who = requireSubscriber(req);
    const view = await viewCancellationForOwner(ctx, await sameIdCustomerIds(ctx.db, who.customerId), id);
    return { ...view, refundRoute: storedRefundRoute(view.refundRoute) };
  });

  api.post('/cancellations/:id/withdraw', { schema: { tags, summary: 'Withdraw a request still waiting for review', params: IdParams, response: errors(401, 404, 409) } }, async (req) => {
    const who = requireSubscriber(req);
    return withdrawCancellation(ctx, { customerId: who.customerId, ip: req.ip }, (req.params as { id: string }).id);
  });

  api.post('/billing/pay-arrears', {
    schema: {
      tags, summary: 'Pay arrears (and any final-bill shortfall) online, or offset arrears against the cash balance',
      body: Type.Object({
        lineId: Uuid,
        method: Type.Optional(Type.Union([Type.Literal('online'), Type.Literal('balance')])),
        wallet: Type.Optional(Type.Union(ONLINE_WALLETS.map((w) => Type.Literal(w)), { description: 'What pays the (rest of the) amount; the account\'s own channel when left out' })),
        acceptPenalty: Type.Optional(Type.Boolean()),
      }, { additionalProperties: false }),
      response: { 200: PaidOnlineSchema, ...errors(400, 401, 404, 409, 422, 502) },
    },
  }, async (req): Promise<PaidOnline> => {
    const who = requireSubscriber(req);
    const body = req.body as { lineId: string; method?: 'online' | 'balance'; wallet?: OnlineWallet; acceptPenalty?: boolean };
    await assertOwnsLine(ctx, who.customerId, body.lineId);
    return payOutstanding(ctx, { actorKind: 'subscriber', actorId: who.customerId, ip: req.ip }, { lineId: body.lineId, method: body.method ?? 'online', wallet: body.wallet, acceptPenalty: body.acceptPenalty, channel: 'online' });
  });

  api.get('/stores', {
    schema: {
      tags, summary: "A carrier's stores, in one province (where a store-only line can be cancelled)",
      querystring: Type.Object({
        carrier: Type.Union([Type.Literal('cmcc'), Type.Literal('cucc'), Type.Literal('ctcc'), Type.Literal('cbn')]),
        province: Type.Optional(Type.String({ pattern: '^[0-9]{2}$', maxLength: 2 })),
      }, { additionalProperties: false }),
      response: { 200: StoreListSchema, ...errors(400) },
    },
  }, async (req) => {
    const q = req.query as { carrier: CarrierCode; province?: string };
    return { stores: await listStores(ctx, q) };
  });

  api.post('/partners/forward', {
    schema: { tags, summary: 'Forward the cancellation of an MVNO line to the MVNO', body: Type.Object({ lineId: Uuid }), response: { 200: ForwardedSchema, ...errors(400, 401, 404, 422, 502) } },
  }, async (req): Promise<Forwarded> => {
    const who = requireSubscriber(req);
    const { lineId } = req.body as { lineId: string };
    await assertOwnsLine(ctx, who.customerId, lineId);
    return forwardToMvno(ctx, { customerId: who.customerId, ip: req.ip }, lineId);
  });
}
