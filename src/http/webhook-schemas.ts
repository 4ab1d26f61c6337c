// The ops webhook log's answers as TypeBox schemas: the routes validate and serialise with them,
// the OpenAPI document shows them, and the web client takes its types from them (web/src/api-types.ts).
// Pure: nothing of the server is imported here.
import { Type, type Static } from 'typebox';
import { Nullable } from './schemas.ts';

const Uuid = Type.String({ format: 'uuid' });

export const DeliveryStatusSchema = Type.Union([
  Type.Literal('pending'), Type.Literal('queued'), Type.Literal('delivered'), Type.Literal('dead'), Type.Literal('cancelled'),
]);

export const WebhookDeliverySchema = Type.Object({
  id: Uuid, webhookId: Type.String(), eventId: Uuid, eventType: Type.String(), subscriptionId: Uuid, owner: Type.String(), target: Type.String(),
  status: DeliveryStatusSchema, attempts: Type.Integer(), lastStatusCode: Nullable(Type.Integer()), lastError: Nullable(Type.String()),
  nextAttemptAt: Nullable(Type.String()), deliveredAt: Nullable(Type.String()), createdAt: Type.String(),
});

export const WebhookAttemptSchema = Type.Object({
  attempt: Type.Integer(), at: Type.String(), outcome: Type.String(), statusCode: Nullable(Type.Integer()),
  error: Nullable(Type.String()), latencyMs: Type.Integer(),
});

export const WebhookDeliveryDetailSchema = Type.Intersect([WebhookDeliverySchema, Type.Object({ attemptLog: Type.Array(WebhookAttemptSchema) })]);

export const WebhookSubscriptionSchema = Type.Object({
  id: Uuid, owner: Type.String(), target: Type.String(), query: Nullable(Type.String()), eventTypes: Type.Array(Type.String()),
  status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]), disabledReason: Nullable(Type.String()), createdAt: Type.String(),
});

export type DeliveryStatus = Static<typeof DeliveryStatusSchema>;
export type WebhookDelivery = Static<typeof WebhookDeliverySchema>;
export type WebhookAttempt = Static<typeof WebhookAttemptSchema>;
export type WebhookDeliveryDetail = Static<typeof WebhookDeliveryDetailSchema>;
export type WebhookSubscription = Static<typeof WebhookSubscriptionSchema>;
