import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.ts';
import type { StaffRole } from '../../db/schema.ts';
import { clerkOf } from '../../store/clerk-store.ts';
import { lookupCustomer, type LookupQuery } from '../../store/lookup-customer.ts';
import { maskQuoteForClerk, quoteStoreCancellation } from '../../store/quote-store-cancellation.ts';
import { recordQuoteBlockers } from '../../ops/record-quote-blockers.ts';
import { payAtCounter } from '../../store/pay-at-counter.ts';
import { submitStoreCancellation, type StoreSubmitInput } from '../../store/submit-store-cancellation.ts';
import { viewStoreCancellation } from '../../store/view-store-cancellation.ts';
import { downloadAgreementPdf } from '../../store/download-agreement-pdf.ts';
import { openStoreDocument } from '../../store/open-store-document.ts';
import type { StaffViewer } from '../../store/store-access.ts';
import { listClerkHistory } from '../../store/list-clerk-history.ts';
import { confirmCashHandedOver } from '../../store/confirm-cash-handed-over.ts';
import { CashHandOverAnswerSchema } from '../staff-console-schemas.ts';
import { storedRefundRoute } from '../portal-schemas.ts';
import {
  CounterPaidSchema, CounterPaymentMethodSchema, IdTypeSchema, StoreCancellationSchema, StoreHistorySchema,
  StoreLookupSchema, StoreQuoteSchema, StoreSubmitBodySchema, StoreSubmittedSchema,
  type CounterPaid, type StoreCancellation, type StoreHistoryItem, type StoreLookup, type StoreQuote,
} from '../store-schemas.ts';
import { MAX_DOCUMENTS, MAX_DOCUMENT_BYTES, MAX_SIGNATURE_BYTES, base64Length } from '../../shared/body-limits.ts';
import { requireStaff } from '../session.ts';
import { createUploadBudget } from '../upload-budget.ts';
import { IdParams, Uuid, errors } from '../schemas.ts';
import { langOf } from './subscriber.ts';

/**
 * The body limit of a store submission: every document at its largest (base64), the signature at its
 * largest, and 64 KB for the rest of the form. Every other route keeps the 64 KB default.
 */
export const STORE_SUBMIT_BODY_LIMIT = (MAX_DOCUMENTS * base64Length(MAX_DOCUMENT_BYTES)) + base64Length(MAX_SIGNATURE_BYTES) + 64 * 1024;
/**
 * Submissions received at the same time share this many bytes (declared Content-Length): one of the
 * largest at a time, or several ordinary ones (a few phone photos each), so concurrent uploads cannot
 * exhaust memory; one more gets 503 with Retry-After until one finishes.
 */
export const STORE_UPLOAD_BUDGET_BYTES = STORE_SUBMIT_BODY_LIMIT;
const VIEWERS: StaffRole[] = ['clerk', 'reviewer', 'ops', 'admin'];

export async function storeRoutes(api: FastifyInstance, ctx: AppContext): Promise<void> {
  const tags = ['store'];
  const clerk = (req: FastifyRequest) => clerkOf(requireStaff(req, ['clerk']), req.ip);
  const viewer = (req: FastifyRequest): StaffViewer => {
    const p = requireStaff(req, VIEWERS);
    return { staffId: p.staffId, role: p.role, storeId: p.storeId, ip: req.ip };
  };
  // The role is checked as soon as the request arrives: before its body (up to tens of MB of scans) is read or validated.
  const only = (roles: StaffRole[]) => ({ onRequest: async (req: FastifyRequest) => void requireStaff(req, roles) });
  const uploads = createUploadBudget({ totalBytes: STORE_UPLOAD_BUDGET_BYTES, routeLimit: STORE_SUBMIT_BODY_LIMIT });

  api.post('/store/customers/lookup', {
    ...only(['clerk']),
    schema: {
      tags, summary: 'Find the customer by ID document number or mobile number: masked real-name record and every line under that ID, at every carrier',
      body: Type.Object({
        idNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
        idType: Type.Optional(IdTypeSchema),
        msisdn: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
      }),
      response: { 200: StoreLookupSchema, ...errors(400, 401, 403, 404) },
    },
  }, async (req): Promise<StoreLookup> => lookupCustomer(ctx, clerk(req), req.body as LookupQuery));

  api.post('/store/quote', {
    ...only(['clerk']),
    schema: {
      tags, summary: 'The quote at the counter: conditions, bill, refund (cash at the counter offered), out-of-province handling',
      body: Type.Object({ lineId: Uuid, acceptPenalty: Type.Optional(Type.Boolean()) }),
      response: { 200: StoreQuoteSchema, ...errors(400, 401, 403, 404) },
    },
  }, async (req): Promise<StoreQuote> => {
    const body = req.body as { lineId: string; acceptPenalty?: boolean };
    const quote = await quoteStoreCancellation(ctx, clerk(req), { lineId: body.lineId, acceptPenalty: !!body.acceptPenalty, lang: langOf(req) });
    await recordQuoteBlockers(ctx, quote);
    return maskQuoteForClerk(quote);
  });

  api.post('/store/pay', {
    ...only(['clerk']),
    schema: {
      tags, summary: 'Take payment of arrears (and any final-bill shortfall) at the counter, in cash or by card',
      body: Type.Object({ lineId: Uuid, method: CounterPaymentMethodSchema, acceptPenalty: Type.Optional(Type.Boolean()) }),
      response: { 200: CounterPaidSchema, ...errors(400, 401, 403, 404, 409, 422, 502) },
    },
  }, async (req): Promise<CounterPaid> => payAtCounter(ctx, clerk(req), req.body as { lineId: string; method: 'store_cash' | 'store_pos'; acceptPenalty?: boolean }));

  api.post('/store/cancellations', {
    // The role first, then a share of the upload budget: both before the body is read.
    onRequest: [only(['clerk']).onRequest, uploads.admit],
    onResponse: uploads.release,
    onRequestAbort: uploads.release,
    bodyLimit: STORE_SUBMIT_BODY_LIMIT,
    schema: {
      tags, summary: 'Cancel on the spot: card, identity and mandate checked, agreement signed; executes at once (optional header Idempotency-Key)',
      headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1 })) }),
      body: StoreSubmitBodySchema,
      response: {
        201: StoreSubmittedSchema,
        ...errors(400, 401, 403, 404, 409, 422),
      },
    },
  }, async (req, reply) => {
    const who = clerk(req);
    const key = req.headers['idempotency-key'];
    const r = await submitStoreCancellation(ctx, who, req.body as StoreSubmitInput, { lang: langOf(req), ...(typeof key === 'string' ? { idempotencyKey: key } : {}) });
    if (r.replayed) reply.header('idempotent-replayed', 'true');
    return reply.status(r.statusCode as 201).send(r.body);
  });

  api.get('/store/cancellations/:id', {
    ...only(VIEWERS),
    schema: { tags, summary: 'A store request: status, steps, timeline, checks, returned card, agreement, documents (masked)', params: IdParams, response: { 200: StoreCancellationSchema, ...errors(401, 403, 404) } },
  }, async (req): Promise<StoreCancellation> => {
    const view = await viewStoreCancellation(ctx, viewer(req), (req.params as { id: string }).id);
    // The request's details and refund route are JSON columns (records to the database types), written
    // by submit-store-cancellation.ts and refund-route.ts in the shapes the schema gives.
    return {
      ...view,
      refundRoute: storedRefundRoute(view.refundRoute),
      mandate: view.mandate as StoreCancellation['mandate'],
      checks: view.checks as StoreCancellation['checks'],
      penalty: view.penalty as StoreCancellation['penalty'],
      outOfProvince: view.outOfProvince as StoreCancellation['outOfProvince'],
    };
  });

  api.post('/store/cancellations/:id/cash-handed-over', {
    ...only(['clerk']),
    schema: {
      tags, summary: 'The clerk confirms the cash refund was handed to the customer (once the refund is paid out; recorded once, audited)',
      params: IdParams,
      response: {
        200: CashHandOverAnswerSchema,
        ...errors(401, 403, 404, 409),
      },
    },
  }, async (req) => confirmCashHandedOver(ctx, clerk(req), (req.params as { id: string }).id));

  api.get('/store/cancellations/:id/agreement.pdf', {
    ...only(VIEWERS),
    schema: { tags, summary: 'The signed cancellation agreement PDF', params: IdParams, response: errors(401, 403, 404) },
  }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const pdf = await downloadAgreementPdf(ctx, viewer(req), id);
    return reply.type('application/pdf').header('cache-control', 'no-store').header('content-disposition', `attachment; filename="agreement-${id}.pdf"`).send(pdf);
  });

  api.get('/store/cancellations/:id/documents/:documentId', {
    ...only(VIEWERS),
    schema: { tags, summary: 'One scanned document of a store request (audited)', params: Type.Object({ id: Uuid, documentId: Uuid }), response: errors(401, 403, 404) },
  }, async (req, reply) => {
    const { id, documentId } = req.params as { id: string; documentId: string };
    const doc = await openStoreDocument(ctx, viewer(req), id, documentId);
    return reply.type(doc.contentType).header('cache-control', 'no-store').send(doc.bytes);
  });

  api.get('/store/history', { ...only(['clerk']), schema: { tags, summary: 'The requests this clerk opened today', response: { 200: StoreHistorySchema, ...errors(401, 403) } } }, async (req): Promise<{ items: StoreHistoryItem[] }> => ({
    items: await listClerkHistory(ctx, clerk(req)),
  }));
}
