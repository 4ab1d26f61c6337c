// Ops: the webhook delivery log (each delivery, each attempt), redelivery, and the subscriptions
// (enable one that a 410 disabled). Ops and admins.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.ts';
import type { WebhookDeliveryStatus } from '../../db/schema.ts';
import { listDeliveries, listSubscriptions, viewDelivery } from '../../webhooks/list-deliveries.ts';
import { enableSubscription, redeliverWebhook } from '../../webhooks/redeliver-webhook.ts';
import { requireStaff } from '../session.ts';
import { IdParams, Uuid, errors } from '../schemas.ts';
import { staffOnly } from './ops.ts';

const DeliveryStatus = Type.Union(['pending', 'queued', 'delivered', 'dead', 'cancelled'].map((s) => Type.Literal(s)));
const Delivery = Type.Object({
  id: Uuid, webhookId: Type.String(), eventId: Uuid, eventType: Type.String(), subscriptionId: Uuid, owner: Type.String(), target: Type.String(),
  status: DeliveryStatus, attempts: Type.Integer(), lastStatusCode: Type.Union([Type.Integer(), Type.Null()]), lastError: Type.Union([Type.String(), Type.Null()]),
  nextAttemptAt: Type.Union([Type.String(), Type.Null()]), deliveredAt: Type.Union([Type.String(), Type.Null()]), createdAt: Type.String(),
});
const Attempt = Type.Object({
  attempt: Type.Integer(), at: Type.String(), outcome: Type.String(), statusCode: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]), latencyMs: Type.Integer(),
});
const Subscription = Type.Object({
  id: Uuid, owner: Type.String(), target: Type.String(), query: Type.Union([Type.String(), Type.Null()]), eventTypes: Type.Array(Type.String()),
  status: Type.String(), disabledReason: Type.Union([Type.String(), Type.Null()]), createdAt: Type.String(),
});

export async function webhookRoutes(api: FastifyInstance, ctx: AppContext): Promise<void> {
  const tags = ['ops'];
  const readers = ['ops', 'admin'] as const;

  api.get('/ops/webhooks/deliveries', {
    ...staffOnly([...readers]),
    schema: {
      tags, summary: 'The webhook delivery log, newest first, with counts per status',
      querystring: Type.Object({ status: Type.Optional(DeliveryStatus), subscriptionId: Type.Optional(Uuid), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(Delivery), counts: Type.Record(Type.String(), Type.Integer()) }), ...errors(400, 401, 403) },
    },
  }, async (req) => {
    requireStaff(req, [...readers]);
    const q = req.query as { status?: WebhookDeliveryStatus; subscriptionId?: string; limit?: number };
    return listDeliveries(ctx, q);
  });

  api.get('/ops/webhooks/deliveries/:id', {
    ...staffOnly([...readers]),
    schema: { tags, summary: 'One delivery with every attempt (outcome, response code, latency)', params: IdParams, response: { 200: Type.Intersect([Delivery, Type.Object({ attemptLog: Type.Array(Attempt) })]), ...errors(400, 401, 403, 404) } },
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
    schema: { tags, summary: 'Webhook subscriptions (TMF hub listeners, MVNO endpoints)', response: { 200: Type.Object({ items: Type.Array(Subscription) }), ...errors(401, 403) } },
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
