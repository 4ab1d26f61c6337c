// Number lifecycle: the pool as ops sees it, and the former owner's recovery of a frozen number.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.ts';
import type { CarrierCode } from '../../db/schema.ts';
import { listNumberPool, type PoolState } from '../../numbers/list-number-pool.ts';
import { requestRecoveryCode } from '../../numbers/request-recovery-code.ts';
import { recoverNumber } from '../../numbers/recover-number.ts';
import { requireStaff, requireSubscriber } from '../session.ts';
import { errors } from '../schemas.ts';
import { NumberPoolSchema, PoolStateSchema, type NumberPool } from '../admin-schemas.ts';
import { RecoveredLineSchema, RecoveryCodeSentSchema } from '../portal-schemas.ts';
import { staffOnly } from './ops.ts';

export async function numberRoutes(api: FastifyInstance, ctx: AppContext): Promise<void> {
  // A number to look for goes in a POST body, never in the URL (URLs end up in proxies' and browsers' logs).
  const poolFilter = {
    state: Type.Optional(PoolStateSchema),
    carrier: Type.Optional(Type.Union([Type.Literal('cmcc'), Type.Literal('cucc'), Type.Literal('ctcc'), Type.Literal('cbn')])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  };
  api.get('/ops/numbers', {
    ...staffOnly(['ops', 'admin']),
    schema: {
      tags: ['ops'], summary: 'The number pool: each number with its state (assigned, frozen until, recovered, available again)',
      querystring: Type.Object(poolFilter),
      response: { 200: NumberPoolSchema, ...errors(400, 401, 403) },
    },
  }, async (req): Promise<NumberPool> => {
    requireStaff(req, ['ops', 'admin']);
    return listNumberPool(ctx, req.query as { state?: PoolState; carrier?: CarrierCode; limit?: number });
  });
  api.post('/ops/numbers/search', {
    ...staffOnly(['ops', 'admin']),
    schema: {
      tags: ['ops'], summary: 'The number pool filtered by one number (in the body, so it stays out of URLs), state and carrier',
      body: Type.Object({ msisdn: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })), ...poolFilter }, { additionalProperties: false }),
      response: { 200: NumberPoolSchema, ...errors(400, 401, 403) },
    },
  }, async (req): Promise<NumberPool> => {
    requireStaff(req, ['ops', 'admin']);
    return listNumberPool(ctx, req.body as { state?: PoolState; msisdn?: string; carrier?: CarrierCode; limit?: number });
  });

  api.post('/numbers/recover/code', {
    schema: {
      tags: ['subscriber'], summary: 'Recovering a frozen number of mine, step 1: a code by SMS to the line I am signed in with',
      body: Type.Object({ msisdn: Type.String({ minLength: 1, maxLength: 32 }) }),
      response: { 202: RecoveryCodeSentSchema, ...errors(400, 401, 403, 404, 429) },
    },
  }, async (req, reply) => {
    const who = requireSubscriber(req);
    return reply.status(202).send(await requestRecoveryCode(ctx, who, { msisdn: (req.body as { msisdn: string }).msisdn, ip: req.ip }));
  });

  api.post('/numbers/recover', {
    schema: {
      tags: ['subscriber'],
      summary: 'Recovering a frozen number of mine, step 2: the SMS code, the last 6 characters of my ID document, and the ICCID of the new SIM',
      body: Type.Object({
        msisdn: Type.String({ minLength: 1, maxLength: 32 }),
        code: Type.String({ minLength: 1, maxLength: 12 }),
        idLast6: Type.String({ minLength: 1, maxLength: 12 }),
        iccid: Type.String({ minLength: 1, maxLength: 40 }),
      }),
      response: {
        201: RecoveredLineSchema,
        ...errors(400, 401, 403, 404, 409, 422, 429),
      },
    },
  }, async (req, reply) => {
    const who = requireSubscriber(req);
    const body = req.body as { msisdn: string; code: string; idLast6: string; iccid: string };
    return reply.status(201).send(await recoverNumber(ctx, who, { ...body, ip: req.ip }));
  });
}
