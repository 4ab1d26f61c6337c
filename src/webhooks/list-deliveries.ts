// The delivery log for ops: newest first, filtered by status or subscription; one delivery with
// every attempt (when, outcome, response code, latency). Callback URLs are shown as host + path
// without the query (which may hold the receiver's tokens).
import type { AppContext } from '../context.ts';
import type { WebhookDeliveryStatus } from '../db/schema.ts';
import { notFound } from '../shared/errors.ts';
import { webhookId } from './sign-webhook.ts';
import type { WebhookDelivery, WebhookDeliveryDetail, WebhookSubscription } from '../http/webhook-schemas.ts';

export type DeliveryView = WebhookDelivery;

const shown = (url: string) => {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
};

function baseQuery(ctx: AppContext) {
  return ctx.db.selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_subscriptions as s', 's.id', 'd.subscription_id')
    .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
    .select(['d.id', 'd.event_id', 'e.event_type', 'd.subscription_id', 's.owner_kind', 's.owner_id', 's.callback_url', 'd.status', 'd.attempts',
      'd.last_status_code', 'd.last_error', 'd.next_attempt_at', 'd.delivered_at', 'd.created_at']);
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function view(r: Row): DeliveryView {
  return {
    id: r.id, webhookId: webhookId(r.id), eventId: r.event_id, eventType: r.event_type, subscriptionId: r.subscription_id,
    owner: `${r.owner_kind}:${r.owner_id}`, target: shown(r.callback_url), status: r.status, attempts: r.attempts,
    lastStatusCode: r.last_status_code, lastError: r.last_error,
    nextAttemptAt: r.status === 'pending' ? new Date(r.next_attempt_at).toISOString() : null,
    deliveredAt: r.delivered_at ? new Date(r.delivered_at).toISOString() : null, createdAt: new Date(r.created_at).toISOString(),
  };
}

export async function listDeliveries(ctx: AppContext, f: { status?: WebhookDeliveryStatus; subscriptionId?: string; limit?: number }): Promise<{ items: DeliveryView[]; counts: Record<string, number> }> {
  let q = baseQuery(ctx);
  if (f.status) q = q.where('d.status', '=', f.status);
  if (f.subscriptionId) q = q.where('d.subscription_id', '=', f.subscriptionId);
  const rows = await q.orderBy('d.created_at', 'desc').orderBy('d.id').limit(f.limit ?? 50).execute();
  const counts = await ctx.db.selectFrom('webhook_deliveries').select(['status', (eb) => eb.fn.countAll<string>().as('n')]).groupBy('status').execute();
  return { items: rows.map(view), counts: Object.fromEntries(counts.map((c) => [c.status, Number(c.n)])) };
}

export async function viewDelivery(ctx: AppContext, id: string): Promise<WebhookDeliveryDetail> {
  const row = await baseQuery(ctx).where('d.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('The delivery');
  const attempts = await ctx.db.selectFrom('webhook_attempts').select(['attempt', 'at', 'outcome', 'status_code', 'error', 'latency_ms'])
    .where('delivery_id', '=', id).orderBy('attempt').orderBy('id').execute();
  return {
    ...view(row),
    attemptLog: attempts.map((a) => ({ attempt: a.attempt, at: new Date(a.at).toISOString(), outcome: a.outcome, statusCode: a.status_code, error: a.error, latencyMs: a.latency_ms })),
  };
}

export async function listSubscriptions(ctx: AppContext): Promise<WebhookSubscription[]> {
  const rows = await ctx.db.selectFrom('webhook_subscriptions').select(['id', 'owner_kind', 'owner_id', 'callback_url', 'query', 'event_types', 'status', 'disabled_reason', 'created_at'])
    .where('status', '<>', 'deleted').orderBy('created_at', 'desc').limit(200).execute();
  return rows.map((s) => ({
    id: s.id, owner: `${s.owner_kind}:${s.owner_id}`, target: shown(s.callback_url), query: s.query, eventTypes: s.event_types as string[],
    status: s.status as 'active' | 'disabled', disabledReason: s.disabled_reason, createdAt: new Date(s.created_at).toISOString(),
  }));
}
