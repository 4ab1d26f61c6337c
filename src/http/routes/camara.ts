// CAMARA Number Recycling v0 (https://github.com/camaraproject/NumberRecycling): POST /check for
// clients with the scope number-recycling:check (banks, apps). Errors in CAMARA's shape
// {status, code, message}; the x-correlator header is echoed on every answer.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.ts';
import { checkNumberRecycling } from '../../camara/check-number-recycling.ts';
import { camaraErrorOf } from '../../camara/camara-error.ts';
import { requireScope } from '../machine-auth.ts';

export const NUMBER_RECYCLING_PREFIX = '/number-recycling/v0';
const CORRELATOR = /^[a-zA-Z0-9-_:;./<>{}]{0,256}$/;

const ErrorInfo = Type.Object({ status: Type.Integer(), code: Type.String(), message: Type.String() }, {
  $id: 'CamaraErrorInfo', examples: [{ status: 400, code: 'OUT_OF_RANGE', message: 'specifiedDate is in the future.' }],
});
const camaraErrors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, ErrorInfo]));

export async function camaraRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.addHook('onSend', async (req, reply, payload) => {
    const c = req.headers['x-correlator'];
    if (typeof c === 'string' && CORRELATOR.test(c)) reply.header('x-correlator', c);
    return payload;
  });
  app.setErrorHandler((err, req, reply) => {
    const e = camaraErrorOf(err);
    if (e.status >= 500) req.log.error({ err }, 'unhandled error');
    return reply.status(e.status).send(e);
  });
  app.setNotFoundHandler((_req, reply) => reply.status(404).send({ status: 404, code: 'NOT_FOUND', message: 'No such resource.' }));

  app.post('/check', {
    onRequest: requireScope(ctx, 'number-recycling:check'),
    schema: {
      tags: ['CAMARA Number Recycling'], security: [{ bearer: [] }],
      summary: 'Whether the phone number has changed owner (was recycled) since specifiedDate',
      headers: Type.Object({ 'x-correlator': Type.Optional(Type.String({ maxLength: 256, pattern: CORRELATOR.source })) }),
      body: Type.Object({
        phoneNumber: Type.String({ pattern: '^\\+[1-9][0-9]{4,14}$', maxLength: 16, description: 'E.164 with the leading +', examples: ['+8613800138001'] }),
        specifiedDate: Type.String({ maxLength: 10, pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'The day the caller last knew the number to be its user\'s (YYYY-MM-DD, China time)', examples: ['2026-01-15'] }),
      }, { additionalProperties: false, examples: [{ phoneNumber: '+8613800138001', specifiedDate: '2026-01-15' }] }),
      response: {
        200: Type.Object({ phoneNumberRecycled: Type.Boolean() }, { examples: [{ phoneNumberRecycled: true }] }),
        ...camaraErrors(400, 401, 403, 404),
      },
    },
  }, async (req) => checkNumberRecycling(ctx, req.body as { phoneNumber: string; specifiedDate: string }));
}
