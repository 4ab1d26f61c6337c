// The subscriber changes their mind before a reviewer decides.
import type { AppContext } from '../context.ts';
import { AppError } from '../shared/errors.ts';
import { sameIdCustomerIds } from '../lines/list-my-lines.ts';
import { moveRequest, requestHead } from './move-request.ts';
import type { Actor } from './transitions.ts';

/** `actor`: who withdraws on the owner's behalf (a TMF622 CancelProductOrder's client); the owner by default. */
export async function withdrawCancellation(ctx: AppContext, who: { customerId: string; ip: string }, requestId: string, actor?: Actor): Promise<{ id: string; status: string }> {
  const mine = await sameIdCustomerIds(ctx.db, who.customerId);
  return ctx.db.transaction().execute(async (trx) => {
    const head = await requestHead(trx, requestId);
    if (!head || !mine.includes(head.customer_id)) throw new AppError('not_found', 'No request of yours has that id.');
    if (head.status !== 'pending_review') {
      throw new AppError('conflict', `The request is ${head.status}; it can only be withdrawn while it waits for review.`, { status: head.status });
    }
    await moveRequest(ctx, trx, {
      requestId, from: 'pending_review', to: 'withdrawn', actor: actor ?? { kind: 'subscriber', id: who.customerId, ip: who.ip },
      msisdn: head.msisdn, channel: head.channel,
    });
    return { id: requestId, status: 'withdrawn' };
  });
}
