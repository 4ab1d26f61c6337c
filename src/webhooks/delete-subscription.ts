// A listener unsubscribes (TMF hub DELETE): only its owner may; waiting deliveries are cancelled.
import type { AppContext } from '../context.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { AppError } from '../shared/errors.ts';

export async function deleteSubscription(ctx: AppContext, who: { clientId: string; ip: string }, id: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const gone = await trx.updateTable('webhook_subscriptions').set({ status: 'deleted', updated_at: ctx.now() })
      .where('id', '=', id).where('owner_kind', '=', 'client').where('owner_id', '=', who.clientId).where('status', '<>', 'deleted')
      .returning('id').executeTakeFirst();
    // Someone else's listener is "not found" too: its existence is not the caller's business.
    if (!gone) throw new AppError('not_found', `No hub listener ${id}.`);
    await trx.updateTable('webhook_deliveries').set({ status: 'cancelled', last_error: 'the listener was deleted', updated_at: ctx.now() })
      .where('subscription_id', '=', id).where('status', 'in', ['pending', 'queued']).execute();
    await appendAudit(trx, { actorKind: 'client', actorId: who.clientId, ip: who.ip, action: 'webhook.unsubscribe', subject: `webhook_subscription:${id}` });
  });
}
