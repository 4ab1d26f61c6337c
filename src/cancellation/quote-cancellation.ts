// Shows a subscriber (or a clerk) everything before committing: conditions, warnings, bill, refund.
import type { AppContext } from '../context.ts';
import { AppError } from '../shared/errors.ts';
import { sameIdCustomerIds } from '../lines/list-my-lines.ts';
import { composeQuote, type Channel, type Quote } from './compose-quote.ts';
import { loadQuoteFacts } from './load-quote-facts.ts';
import type { Lang } from './messages.ts';

/** Throws not_found unless the line is registered under the customer's ID document. */
export async function assertOwnsLine(ctx: AppContext, customerId: string, lineId: string): Promise<void> {
  const ids = await sameIdCustomerIds(ctx.db, customerId);
  const line = await ctx.db.selectFrom('lines').select('customer_id').where('id', '=', lineId).executeTakeFirst();
  if (!line || !ids.includes(line.customer_id)) throw new AppError('not_found', 'No line of yours has that id.');
}

export async function quoteCancellation(
  ctx: AppContext,
  q: { lineId: string; channel: Channel; acceptPenalty: boolean; lang: Lang; storeProvince?: string },
): Promise<Quote> {
  const facts = await loadQuoteFacts(ctx.db, { ...q, now: ctx.now() });
  return composeQuote(facts, q.lang);
}
