// MVNO partners. The MVNO's client (scope partner:answer, bound to the MVNO) answers a forwarded
// cancellation; the subscriber reads the forward with its answers; ops set the MVNO's endpoint.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.ts';
import { answerForward, type AnswerInput } from '../../partners/answer-forward.ts';
import { loadForwards } from '../../partners/forward-view.ts';
import { setMvnoEndpoint } from '../../partners/set-mvno-endpoint.ts';
import { MAX_CALLBACK_LENGTH } from '../../webhooks/callback-url.ts';
import { notFound } from '../../shared/errors.ts';
import { requireScope } from '../machine-auth.ts';
import { requireStaff, requireSubscriber } from '../session.ts';
import { Uuid, errors } from '../schemas.ts';
import { staffOnly } from './ops.ts';
import { sameIdCustomerIds } from '../../lines/list-my-lines.ts';

const Ticket = Type.String({ pattern: '^FWD-[0-9]{8}-[0-9A-Z]{8}$', maxLength: 21, examples: ['FWD-20261202-7KQ2M9XD'] });
const Answer = Type.Union([Type.Literal('accepted'), Type.Literal('completed'), Type.Literal('rejected')]);
export const ForwardSchema = Type.Object({
  ticket: Type.String(), mvno: Type.String(), status: Type.Union([Type.Literal('forwarded'), Answer]), partnerReference: Type.Union([Type.String(), Type.Null()]), createdAt: Type.String(),
  answers: Type.Array(Type.Object({ answer: Answer, partnerReference: Type.Union([Type.String(), Type.Null()]), reason: Type.Union([Type.String(), Type.Null()]), at: Type.String() })),
});

export async function partnerRoutes(api: FastifyInstance, ctx: AppContext): Promise<void> {
  api.post('/partners/forwards/:ticket/answers', {
    onRequest: requireScope(ctx, 'partner:answer'), // before validation: no token, no 400 to learn from
    schema: {
      tags: ['partners'], security: [{ bearer: [] }],
      summary: "The MVNO's answer to a forwarded cancellation: accepted, completed (with your reference) or rejected (with a reason); sending the same answer again is harmless",
      params: Type.Object({ ticket: Ticket }, { additionalProperties: false }),
      body: Type.Object({
        answer: Answer,
        reference: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Your own reference for the cancellation (with completed)' })),
        reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'Why, in words the subscriber reads (with rejected)' })),
      }, { additionalProperties: false, examples: [{ answer: 'completed', reference: 'SNAIL-2026-000123' }, { answer: 'rejected', reason: 'The line still has an unpaid bill with us; please call 10010.' }] }),
      response: { 200: ForwardSchema, ...errors(400, 401, 403, 404, 409) },
    },
  }, async (req) => answerForward(ctx, req.machineClient!, (req.params as { ticket: string }).ticket, req.body as AnswerInput, req.ip));

  api.get('/partners/forwards/:ticket', {
    schema: {
      tags: ['subscriber'], summary: 'A forwarded cancellation of one of my lines, with every answer of the MVNO',
      params: Type.Object({ ticket: Ticket }, { additionalProperties: false }), response: { 200: ForwardSchema, ...errors(400, 401, 404) },
    },
  }, async (req) => {
    const who = requireSubscriber(req);
    const f = (await loadForwards(ctx.db, { ticket: (req.params as { ticket: string }).ticket })).values().next().value;
    const owner = f ? await ctx.db.selectFrom('lines').select('customer_id').where('id', '=', f.lineId).executeTakeFirst() : undefined;
    if (!f || !owner || !(await sameIdCustomerIds(ctx.db, who.customerId)).includes(owner.customer_id)) throw notFound('The forwarded request');
    const { lineId: _lineId, ...view } = f;
    return view;
  });

  api.put('/ops/mvno-brands/:code/endpoint', {
    ...staffOnly(['ops', 'admin']),
    schema: {
      tags: ['ops'], summary: "Where an MVNO receives forwarded cancellations (signed webhooks); returns the signing secret and public key once",
      params: Type.Object({ code: Type.String({ minLength: 1, maxLength: 40 }) }, { additionalProperties: false }),
      body: Type.Object({ url: Type.String({ minLength: 1, maxLength: MAX_CALLBACK_LENGTH, examples: ['https://partner.snail.example/zhuxiao/forwards'] }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ id: Uuid, mvno: Type.String(), callback: Type.String(), secret: Type.String(), publicKey: Type.String() }), ...errors(400, 401, 403, 404) },
    },
  }, async (req) => {
    const who = requireStaff(req, ['ops', 'admin']);
    const s = await setMvnoEndpoint(ctx, { staffId: who.staffId, ip: req.ip }, (req.params as { code: string }).code, (req.body as { url: string }).url);
    return { id: s.id, mvno: s.mvno, callback: s.callback, secret: s.secret, publicKey: s.publicKey };
  });
}
