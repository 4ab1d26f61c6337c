import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.ts';
import { approveCancellation, rejectCancellation } from '../../cancellation/decide-review.ts';
import { viewForReviewer } from '../../cancellation/view-cancellation.ts';
import { listReviewQueue, MAX_PAGE_SIZE, type ReviewQueueFilter } from '../../cancellation/list-review-queue.ts';
import { claimReview, MAX_CLAIM_MINUTES, readClaim, releaseReview } from '../../cancellation/claim-review.ts';
import { pickLang } from '../../shared/lang.ts';
import { requireStaff } from '../session.ts';
import { IdParams, errors } from '../schemas.ts';
import { ReviewDetailSchema, type ReviewDetail } from '../review-schemas.ts';
import { storedRefundRoute } from '../portal-schemas.ts';
import { CarrierCodeSchema as Carrier, ChannelSchema as Channel, RequestStatusSchema as Status, ReviewClaimSchema, ReviewQueuePageSchema } from '../staff-console-schemas.ts';

const QueueFilters = {
  carrier: Type.Optional(Carrier),
  channel: Type.Optional(Channel),
  status: Type.Optional(Status),
  overdue: Type.Optional(Type.Boolean()),
  q: Type.Optional(Type.String({ maxLength: 40, description: 'A reference (受理编号) or the last 4 digits of the number' })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE })),
};

export async function reviewRoutes(api: FastifyInstance, ctx: AppContext): Promise<void> {
  const tags = ['review'];
  const reviewers = ['reviewer', 'admin'] as const;

  api.get('/review/queue', {
    schema: {
      tags, summary: 'Requests waiting for review, soonest SLA deadline first: filtered, searched by reference or last 4 digits, paged',
      querystring: Type.Object(QueueFilters), response: { 200: ReviewQueuePageSchema, ...errors(400, 401, 403) },
    },
  }, async (req) => {
    requireStaff(req, [...reviewers]);
    return listReviewQueue(ctx, req.query as ReviewQueueFilter);
  });

  api.post('/review/queue/search', {
    schema: {
      tags, summary: 'The queue searched by a whole number (in the body, never in a URL), with the same filters',
      body: Type.Object({ ...QueueFilters, msisdn: Type.Optional(Type.String({ maxLength: 20 })) }, { additionalProperties: false }),
      response: { 200: ReviewQueuePageSchema, ...errors(400, 401, 403) },
    },
  }, async (req) => {
    requireStaff(req, [...reviewers]);
    return listReviewQueue(ctx, req.body as ReviewQueueFilter);
  });

  api.get('/review/:id', { schema: { tags, summary: 'One request, for the decision screen', params: IdParams, response: { 200: ReviewDetailSchema, ...errors(401, 403, 404) } } }, async (req): Promise<ReviewDetail> => {
    requireStaff(req, [...reviewers, 'ops']);
    const id = (req.params as { id: string }).id;
    const view = await viewForReviewer(ctx, id, pickLang(req.headers['accept-language'])); // texts in the reader's language
    return { ...view, refundRoute: storedRefundRoute(view.refundRoute), claim: view.status === 'pending_review' ? await readClaim(ctx.db, id, ctx.now()) : null };
  });

  api.post('/review/:id/claim', {
    schema: {
      tags, summary: 'Claim the request for some minutes: others see who holds it, and only the holder decides until it expires',
      params: IdParams, body: Type.Optional(Type.Object({ minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_CLAIM_MINUTES })) }, { additionalProperties: false })),
      response: { 200: Type.Object({ id: Type.String(), claim: ReviewClaimSchema }), ...errors(400, 401, 403, 404, 409) },
    },
  }, async (req) => {
    const who = requireStaff(req, [...reviewers]);
    return claimReview(ctx, { staffId: who.staffId, ip: req.ip }, (req.params as { id: string }).id, (req.body as { minutes?: number } | undefined)?.minutes);
  });

  api.post('/review/:id/release', {
    schema: {
      tags, summary: 'Give the claim back', params: IdParams,
      response: { 200: Type.Object({ id: Type.String(), claim: Type.Union([Type.Null(), ReviewClaimSchema]) }), ...errors(401, 403, 404) },
    },
  }, async (req) => {
    const who = requireStaff(req, [...reviewers]);
    return releaseReview(ctx, { staffId: who.staffId, ip: req.ip }, (req.params as { id: string }).id);
  });

  api.post('/review/:id/approve', { schema: { tags, summary: 'Approve: execution starts', params: IdParams, response: errors(401, 403, 404, 409) } }, async (req) => {
    const who = requireStaff(req, [...reviewers]);
    return approveCancellation(ctx, { staffId: who.staffId, ip: req.ip }, (req.params as { id: string }).id);
  });

  api.post('/review/:id/reject', {
    schema: { tags, summary: 'Reject with a reason the subscriber sees', params: IdParams, body: Type.Object({ reason: Type.String({ maxLength: 1000 }) }), response: errors(400, 401, 403, 404, 409) },
  }, async (req) => {
    const who = requireStaff(req, [...reviewers]);
    return rejectCancellation(ctx, { staffId: who.staffId, ip: req.ip }, (req.params as { id: string }).id, (req.body as { reason: string }).reason);
  });
}
