/**
 * The quotes of a fleet job's lines, per account within the job (decision 0004: only the last line
 * of an account refunds). Lines of one account in the same job leave together: they are quoted in
 * row order as if each were submitted right after the ones before it, so a line counts the earlier
 * job lines of its account as leaving (as a live request would) and their bills as held. The last
 * eligible job line of an account that has no other line left then settles the account and shows
 * its refund; the others show none. These are the figures the requests are opened with at confirm,
 * so the dry run's totals are what execution refunds. A blocked line stays on its account: the
 * lines after it see it keeping the balance, as they would at execution.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { composeQuote, type Quote, type QuoteFacts } from '../cancellation/compose-quote.ts';
import { loadQuoteFacts } from '../cancellation/load-quote-facts.ts';

/** Stands for "a request of this job will hold it" where a live request's id would be. */
export const LEAVING_IN_JOB = 'fleet-job';

/** What the earlier eligible lines of one account in the job take with them. */
export interface LeavingInJob {
  lineIds: ReadonlySet<string>;
  /** Their bills and refunds, held from the account's cash as a live request's would be. */
  heldFen: number;
}

/** Pure: the facts as they stand once the job's earlier lines of the same account have requests. */
export function withLeavingInJob(f: QuoteFacts, leaving: LeavingInJob): QuoteFacts {
  if (!f.share || leaving.lineIds.size === 0) return f;
  return {
    ...f,
    share: {
      otherLines: f.share.otherLines.map((o) => (o.liveRequestId === null && leaving.lineIds.has(o.id) ? { ...o, liveRequestId: LEAVING_IN_JOB } : o)),
      reservedFen: f.share.reservedFen + leaving.heldFen,
    },
  };
}

/** Quotes the lines (in the order given: the job's row order) on channel fleet; one quote per line id. */
export async function quoteFleetLines(db: Kysely<DB> | Transaction<DB>, lineIds: readonly string[], now: Date): Promise<Map<string, Quote>> {
  const quotes = new Map<string, Quote>();
  const byAccount = new Map<string, { lineIds: Set<string>; heldFen: number }>();
  for (const lineId of lineIds) {
    const facts = await loadQuoteFacts(db, { lineId, channel: 'fleet', acceptPenalty: true, now });
    const accountId = facts.line.account_id;
    const leaving = byAccount.get(accountId) ?? { lineIds: new Set<string>(), heldFen: 0 };
    const quote = composeQuote(withLeavingInJob(facts, leaving), 'en');
    quotes.set(lineId, quote);
    if (quote.eligible) {
      leaving.lineIds.add(lineId);
      leaving.heldFen += quote.bill.totalFen + quote.refund.refundableFen;
      byAccount.set(accountId, leaving);
    }
  }
  return quotes;
}
