// Webhooks over HTTP. The TMF622 hub (machine clients with the scope tmf-hub:write): register a
// listener (callback + query) and delete it. Ops: the delivery log (each delivery, each attempt),
// redelivery, and the subscriptions (enable one that a 410 disabled).
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.ts';
import type { WebhookDeliveryStatus } from '../../db/schema.ts';
import { listDeliveries, listSubscriptions, viewDelivery } from '../../webhooks/list-deliveries.ts';
import { enableSubscription, redeliverWebhook } from '../../webhooks/redeliver-webhook.ts';
import { createSubscription } from '../../webhooks/create-subscription.ts';
import { deleteSubscription } from '../../webhooks/delete-subscription.ts';
import { MAX_CALLBACK_LENGTH } from '../../webhooks/callback-url.ts';
import { MAX_QUERY_LENGTH } from '../../webhooks/hub-query.ts';
import { PRODUCT_ORDERING_BASE } from '../../tmf/product-order.ts';
import { registerTmfErrors, tmfErrors } from '../../tmf/tmf-errors.ts';
import { AppError } from '../../shared/errors.ts';
import { requireScope } from '../machine-auth.ts';
import { requireStaff } from '../session.ts';
import { IdParams, Uuid, errors } from '../schemas.ts';
import { DeliveryStatusSchema, WebhookDeliveryDetailSchema, WebhookDeliverySchema, WebhookSubscriptionSchema } from '../webhook-schemas.ts';
import { staffOnly } from './ops.ts';

const DeliveryStatus = DeliveryStatusSchema;

export async function webhookRoutes(api: FastifyInstance, ctx: AppContext): Promise<void> {
  const tags = ['ops'];
  const readers = ['ops', 'admin'] as const;

  api.get('/ops/webhooks/deliveries', {
    ...staffOnly([...readers]),
    schema: {
      tags, summary: 'The webhook delivery log, newest first, with counts per status',
      querystring: Type.Object({ status: Type.Optional(DeliveryStatus), subscriptionId: Type.Optional(Uuid), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(WebhookDeliverySchema), counts: Type.Record(Type.String(), Type.Integer()) }), ...errors(400, 401, 403) },
    },
  }, async (req) => {
    requireStaff(req, [...readers]);
    const q = req.query as { status?: WebhookDeliveryStatus; subscriptionId?: string; limit?: number };
    return listDeliveries(ctx, q);
  });

  api.get('/ops/webhooks/deliveries/:id', {
    ...staffOnly([...readers]),
    schema: { tags, summary: 'One delivery with every attempt (outcome, response code, latency)', params: IdParams, response: { 200: WebhookDeliveryDetailSchema, ...errors(400, 401, 403, 404) } },
  }, async (req) => {
    requireStaff(req, [...readers]);
    return viewDelivery(ctx, (req.params as { id: string }).id);
  });

  api.post('/ops/webhooks/deliveries/:id/redeliver', {
    ...staffOnly([...readers]),
    schema: { tags, summary: 'Send a delivery again now, under the same webhook-id', params: IdParams, response: { 200: Type.Object({ id: Uuid, status: Type.Literal('pending') }), ...errors(400, 401, 403, 404, 409) } },
  }, async (req) => {
    const who = requireStaff(req, [...readers]);
    return redeliverWebhook(ctx, { staffId: who.staffId, ip: req.ip }, (req.params as { id: string }).id);
  });

  api.get('/ops/webhooks/subscriptions', {
    ...staffOnly([...readers]),
    schema: { tags, summary: 'Webhook subscriptions (TMF hub listeners, MVNO endpoints)', response: { 200: Type.Object({ items: Type.Array(WebhookSubscriptionSchema) }), ...errors(401, 403) } },
  }, async (req) => {
    requireStaff(req, [...readers]);
    return { items: await listSubscriptions(ctx) };
  });

  api.post('/ops/webhooks/subscriptions/:id/enable', {
    ...staffOnly([...readers]),
    schema: { tags, summary: 'Enable a subscription that was disabled (e.g. by a 410 Gone)', params: IdParams, response: { 200: Type.Object({ id: Uuid, status: Type.Literal('active') }), ...errors(400, 401, 403, 409) } },
  }, async (req) => {
    const who = requireStaff(req, [...readers]);
    return enableSubscription(ctx, { staffId: who.staffId, ip: req.ip }, (req.params as { id: string }).id);
  });
}

const HubBody = Type.Object({
  callback: Type.String({ minLength: 1, maxLength: MAX_CALLBACK_LENGTH, description: 'Where events are POSTed (signed per Standard Webhooks)', examples: ['https://bss.example.com/listener/productOrder'] }),
  query: Type.Optional(Type.String({ maxLength: MAX_QUERY_LENGTH, description: 'TMF630 filter: eventType=… and dotted attributes of the event', examples: ['eventType=ProductOrderStateChangeEvent'] })),
}, { additionalProperties: false });
const Hub = Type.Object({
  id: Uuid, callback: Type.String(), query: Type.Union([Type.String(), Type.Null()]),
  secret: Type.String({ description: 'The whsec_ secret that verifies the v1 webhook-signature (shown once)' }),
  publicKey: Type.String({ description: 'The whpk_ Ed25519 public key that verifies the v1a webhook-signature' }),
  '@type': Type.Literal('EventSubscription'),
});

/** The TMF622 hub, registered under HUB_PREFIX (the standard's path). Errors in TMF's shape. */
export const HUB_PREFIX = `${PRODUCT_ORDERING_BASE}/hub`;

export async function tmfHubRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const tags = ['TMF622 Product Ordering'];
  registerTmfErrors(app, ctx);

  app.post('/', {
    onRequest: requireScope(ctx, 'tmf-hub:write'),
    schema: {
      tags, summary: 'Register a listener for ProductOrderCreateEvent and ProductOrderStateChangeEvent', security: [{ bearer: [] }],
      body: HubBody,
      response: { 201: Hub, ...tmfErrors(400, 401, 403) },
    },
  }, async (req, reply) => {
    const client = req.machineClient!;
    const body = req.body as { callback: string; query?: string };
    const s = await createSubscription(ctx, { kind: 'client', clientId: client.clientId, companyId: client.companyId, ip: req.ip }, { callback: body.callback, query: body.query ?? null });
    return reply.status(201).header('location', `${HUB_PREFIX}/${s.id}`)
      .send({ id: s.id, callback: s.callback, query: s.query, secret: s.secret, publicKey: s.publicKey, '@type': 'EventSubscription' });
  });

  app.delete('/:id', {
    onRequest: requireScope(ctx, 'tmf-hub:write'),
    schema: { tags, summary: 'Remove a listener', security: [{ bearer: [] }], params: Type.Object({ id: Type.String({ maxLength: 64 }) }), response: { 204: Type.Null(), ...tmfErrors(401, 403, 404) } },
  }, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new AppError('not_found', `No hub listener ${id}.`);
    await deleteSubscription(ctx, { clientId: req.machineClient!.clientId, ip: req.ip }, id);
    return reply.status(204).send();
  });
}
