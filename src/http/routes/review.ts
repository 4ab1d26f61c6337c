import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.ts';
import { approveCancellation, rejectCancellation } from '../../cancellation/decide-review.ts';
import { listReviewQueue, viewForReviewer } from '../../cancellation/view-cancellation.ts';
import { pickLang } from '../../shared/lang.ts';
import { requireStaff } from '../session.ts';
import { IdParams, errors } from '../schemas.ts';

export async function reviewRoutes(api: FastifyInstance, ctx: AppContext): Promise<void> {
  const tags = ['review'];
  const reviewers = ['reviewer', 'admin'] as const;

  api.get('/review/queue', {
    schema: { tags, summary: 'Requests waiting for review, soonest SLA deadline first', querystring: Type.Object({ carrier: Type.Optional(Type.String()) }), response: errors(401, 403) },
  }, async (req) => {
    requireStaff(req, [...reviewers]);
    return { items: await listReviewQueue(ctx, { carrier: (req.query as { carrier?: string }).carrier }) };
  });

  api.get('/review/:id', { schema: { tags, summary: 'One request, for the decision screen', params: IdParams, response: errors(401, 403, 404) } }, async (req) => {
    requireStaff(req, [...reviewers, 'ops']);
    return viewForReviewer(ctx, (req.params as { id: string }).id, pickLang(req.headers['accept-language'])); // texts in the reader's language
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
