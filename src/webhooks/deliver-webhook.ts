// One attempt at one delivery (the job of QUEUES.webhookDeliver). The body is the event as recorded,
// signed afresh per attempt (a new timestamp) under the delivery's stable webhook-id. Outcomes:
// 2xx delivered; 410 Gone disables the subscription (its waiting deliveries are cancelled); 429/503
// wait as long as Retry-After says; anything else (an error status, a timeout, a refused address) is
// tried again on the backoff schedule (about three days), then the delivery is dead, for ops to see
// and redeliver. Each attempt is logged with its status code and latency.
import type { AppContext } from '../context.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { nextRetryDelaySeconds, parseRetryAfter } from './backoff.ts';
import { RefusedAddressError } from './address-guard.ts';
import { WebhookTimeoutError } from './http-sender.ts';
import { webhookSettings } from './settings.ts';
import { openMaterial, signedHeaders, webhookId } from './sign-webhook.ts';

export type AttemptOutcome = 'delivered' | 'retry' | 'gone' | 'dead' | 'skipped';

export async function deliverWebhook(ctx: AppContext, deliveryId: string): Promise<AttemptOutcome> {
  const row = await ctx.db.selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_subscriptions as s', 's.id', 'd.subscription_id')
    .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
    .select(['d.id', 'd.status', 'd.attempts', 'd.subscription_id', 's.status as subscription_status', 's.callback_url', 's.secret_enc', 'e.payload', 'e.event_type'])
    .where('d.id', '=', deliveryId).executeTakeFirst();
  if (!row || row.status !== 'queued') return 'skipped';
  if (row.subscription_status !== 'active') {
    await ctx.db.updateTable('webhook_deliveries').set({ status: 'cancelled', updated_at: ctx.now(), last_error: 'the subscription is no longer active' })
      .where('id', '=', deliveryId).where('status', '=', 'queued').execute();
    return 'skipped';
  }
  const settings = webhookSettings(ctx.webhooks);
  const attempt = row.attempts + 1;
  // The signature's timestamp is the wall clock: receivers compare it with theirs (5 minutes' tolerance).
  const headers = signedHeaders(openMaterial(ctx.vault.decrypt(row.secret_enc)), webhookId(row.id), row.payload, new Date());
  const started = performance.now();
  let status: number | null = null;
  let retryAfter: string | null = null;
  let error: string | null = null;
  try {
    const res = await settings.sender({ url: row.callback_url, headers, body: row.payload, timeoutMs: settings.timeoutMs, allowPrivate: ctx.config.dev });
    status = res.status;
    retryAfter = res.retryAfter;
  } catch (err) {
    error = err instanceof RefusedAddressError ? `refused: ${err.message}` : err instanceof WebhookTimeoutError ? `timeout: ${err.message}` : `network: ${(err as Error).message}`;
  }
  const latencyMs = Math.round(performance.now() - started);
  const now = ctx.now();

  let outcome: AttemptOutcome;
  let nextAt: Date | null = null;
  if (status !== null && status >= 200 && status < 300) outcome = 'delivered';
  else if (status === 410) outcome = 'gone';
  else {
    const delay = nextRetryDelaySeconds(attempt, status === 429 || status === 503 ? parseRetryAfter(retryAfter, now) : null);
    outcome = delay === null ? 'dead' : 'retry';
    if (delay !== null) nextAt = new Date(now.getTime() + delay * 1000);
  }

  await ctx.db.transaction().execute(async (trx) => {
    const moved = await trx.updateTable('webhook_deliveries').set({
      status: outcome === 'delivered' ? 'delivered' : outcome === 'retry' ? 'pending' : outcome === 'gone' ? 'cancelled' : 'dead',
      attempts: attempt,
      last_status_code: status,
      last_error: error ?? (outcome === 'delivered' ? null : `HTTP ${status}`),
      updated_at: now,
      ...(nextAt ? { next_attempt_at: nextAt } : {}),
      ...(outcome === 'delivered' ? { delivered_at: now } : {}),
    }).where('id', '=', row.id).where('status', '=', 'queued').executeTakeFirst();
    if (Number(moved.numUpdatedRows) === 0) return; // cancelled or redelivered meanwhile
    await trx.insertInto('webhook_attempts').values({
      delivery_id: row.id, attempt, at: now, outcome: outcome === 'retry' && error?.startsWith('refused') ? 'refused' : (outcome as 'delivered' | 'retry' | 'gone' | 'dead'),
      status_code: status, error, latency_ms: latencyMs,
    }).execute();
    if (outcome === 'gone') {
      await trx.updateTable('webhook_subscriptions').set({ status: 'disabled', disabled_reason: 'The receiver answered 410 Gone.', updated_at: now })
        .where('id', '=', row.subscription_id).where('status', '=', 'active').execute();
      await trx.updateTable('webhook_deliveries').set({ status: 'cancelled', last_error: 'the subscription was disabled (410 Gone)', updated_at: now })
        .where('subscription_id', '=', row.subscription_id).where('status', 'in', ['pending', 'queued']).execute();
      await appendAudit(trx, { actorKind: 'worker', action: 'webhook.subscription_disabled', subject: `webhook_subscription:${row.subscription_id}`, details: { reason: 'gone', deliveryId: row.id } });
    }
  });
  const log = { deliveryId: row.id, eventType: row.event_type, attempt, status, latencyMs, outcome, ...(error ? { error } : {}) };
  if (outcome === 'dead') ctx.logger.warn(log, 'webhook delivery is dead after its last attempt');
  else ctx.logger.info(log, 'webhook attempt');
  return outcome;
}
