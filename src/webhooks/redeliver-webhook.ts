// Ops sends a delivery again (a dead one, or any other that is not on its way): one attempt now,
// under the same webhook-id; audited with the staff member. A subscription disabled by 410 is
// enabled again first when ops say so (enableSubscription).
import type { AppContext } from '../context.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { AppError, notFound } from '../shared/errors.ts';

export async function redeliverWebhook(ctx: AppContext, who: { staffId: string; ip: string }, id: string): Promise<{ id: string; status: 'pending' }> {
  return ctx.db.transaction().execute(async (trx) => {
    const d = await trx.selectFrom('webhook_deliveries as d').innerJoin('webhook_subscriptions as s', 's.id', 'd.subscription_id')
      .select(['d.id', 'd.status', 's.status as subscription_status']).where('d.id', '=', id).forUpdate().executeTakeFirst();
    if (!d) throw notFound('The delivery');
    if (d.subscription_status !== 'active') throw new AppError('conflict', 'The subscription is disabled; enable it before redelivering.', { subscriptionStatus: d.subscription_status });
    const moved = await trx.updateTable('webhook_deliveries').set({ status: 'pending', next_attempt_at: ctx.now(), updated_at: ctx.now() })
      .where('id', '=', id).where('status', 'in', ['delivered', 'dead', 'cancelled']).executeTakeFirst();
    if (Number(moved.numUpdatedRows) === 0) throw new AppError('conflict', 'This delivery is already on its way.', { status: d.status });
    await appendAudit(trx, { actorKind: 'staff', actorId: who.staffId, ip: who.ip, action: 'webhook.redeliver', subject: `webhook_delivery:${id}`, details: { from: d.status } });
    return { id, status: 'pending' as const };
  });
}

export async function enableSubscription(ctx: AppContext, who: { staffId: string; ip: string }, id: string): Promise<{ id: string; status: 'active' }> {
  return ctx.db.transaction().execute(async (trx) => {
    const moved = await trx.updateTable('webhook_subscriptions').set({ status: 'active', disabled_reason: null, updated_at: ctx.now() })
      .where('id', '=', id).where('status', '=', 'disabled').returning('id').executeTakeFirst();
    if (!moved) throw new AppError('conflict', 'Only a disabled subscription can be enabled.');
    await appendAudit(trx, { actorKind: 'staff', actorId: who.staffId, ip: who.ip, action: 'webhook.subscription_enabled', subject: `webhook_subscription:${id}` });
    return { id, status: 'active' as const };
  });
}
