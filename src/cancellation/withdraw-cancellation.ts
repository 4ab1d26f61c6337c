// The subscriber changes their mind before a reviewer decides.
import type { Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { DB } from '../db/schema.ts';
import { AppError } from '../shared/errors.ts';
import { sameIdCustomerIds } from '../lines/list-my-lines.ts';
import { moveRequest, requestHead } from './move-request.ts';
import type { Actor } from './transitions.ts';

/**
 * `actor`: who withdraws on the owner's behalf (a TMF622 CancelProductOrder's client); the owner by
 * default. `within`: a transaction of the caller's, so what it records about the withdrawal commits
 * with it (or not at all).
 */
export async function withdrawCancellation(ctx: AppContext, who: { customerId: string; ip: string }, requestId: string, actor?: Actor, within?: Transaction<DB>): Promise<{ id: string; status: string }> {
  const mine = await sameIdCustomerIds(within ?? ctx.db, who.customerId);
  const run = async (trx: Transaction<DB>) => {
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
  };
  return within ? run(within) : ctx.db.transaction().execute(run);
}
