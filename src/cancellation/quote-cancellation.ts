// Shows a subscriber (or a clerk) everything before committing: conditions, warnings, bill, refund.
import type { AppContext } from '../context.ts';
import { AppError } from '../shared/errors.ts';
import { composeQuote, type Channel, type Quote } from './compose-quote.ts';
import { loadQuoteFacts, ownedBy, type OwnerSession } from './load-quote-facts.ts';
import type { Lang } from './messages.ts';

/** Throws not_found unless the line is registered under the customer's ID document. */
export async function assertOwnsLine(ctx: AppContext, customerId: string, lineId: string): Promise<void> {
  const line = await ctx.db.selectFrom('lines as l').select('l.id').where('l.id', '=', lineId).where((eb) => ownedBy(eb, customerId)).executeTakeFirst();
  if (!line) throw new AppError('not_found', 'No line of yours has that id.');
}

export async function quoteCancellation(
  ctx: AppContext,
  q: {
    lineId: string; channel: Channel; acceptPenalty: boolean; lang: Lang; storeProvince?: string;
    /** Refuse (not_found) unless the line is this customer's, as assertOwnsLine does, in the facts' own statement. */
    ownerCustomerId?: string;
    /** The same for the customer of this subscriber session, itself checked in that statement (one round trip per quote). */
    ownerSession?: OwnerSession;
  },
): Promise<Quote> {
  const facts = await loadQuoteFacts(ctx.db, { ...q, now: ctx.now() });
  return composeQuote(facts, q.lang);
}
