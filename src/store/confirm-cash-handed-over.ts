// The clerk confirms that a cash refund was handed to the customer at the counter. Only once the
// refund step has paid it out of the account (the money is due), only for a cash refund of this
// store; recorded once (a conditional update: a second confirmation changes nothing and says when
// the first was made), with its audit entry in the same transaction.
import type { AppContext } from '../context.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { AppError } from '../shared/errors.ts';
import type { Clerk } from './clerk-store.ts';
import { assertCanReadStoreRequest } from './store-access.ts';



export async function confirmCashHandedOver(ctx: AppContext, clerk: Clerk, requestId: string): Promise<{ due: boolean; amountFen: number; handedOverAt: string | null; handedOverBy: string | null; alreadyRecorded: boolean }> {
  await assertCanReadStoreRequest(ctx, { staffId: clerk.staffId, role: 'clerk', storeId: clerk.storeId, ip: clerk.ip }, requestId);
  return ctx.db.transaction().execute(async (trx) => {
    const r = await trx.selectFrom('cancellation_requests').select(['refund_route', 'refund_fen', 'status', 'cash_handed_over_at', 'cash_handed_over_by'])
      .where('id', '=', requestId).forUpdate().executeTakeFirstOrThrow();
    if ((r.refund_route as { type?: string }).type !== 'cash' || r.refund_fen <= 0) {
      throw new AppError('conflict', 'This request has no cash refund to hand over.', { reason: 'no_cash_refund' });
    }
    const step = await trx.selectFrom('execution_steps').select('status').where('request_id', '=', requestId).where('step', '=', 'refund').executeTakeFirst();
    if (step?.status !== 'done') {
      throw new AppError('conflict', 'The refund has not been paid out of the account yet: hand over the cash once the request shows the refund paid.', { reason: 'refund_not_paid' });
    }
    const now = ctx.now();
    const done = await trx.updateTable('cancellation_requests').set({ cash_handed_over_at: now, cash_handed_over_by: clerk.staffId })
      .where('id', '=', requestId).where('cash_handed_over_at', 'is', null).executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1) {
      return { due: true, amountFen: r.refund_fen, handedOverAt: r.cash_handed_over_at ? new Date(r.cash_handed_over_at).toISOString() : null, handedOverBy: r.cash_handed_over_by, alreadyRecorded: true };
    }
    await appendAudit(trx, {
      actorKind: 'staff', actorId: clerk.staffId, ip: clerk.ip, action: 'store.cash_handed_over', requestId,
      details: { amountFen: r.refund_fen, storeId: clerk.storeId },
    });
    return { due: true, amountFen: r.refund_fen, handedOverAt: now.toISOString(), handedOverBy: clerk.staffId, alreadyRecorded: false };
  });
}
