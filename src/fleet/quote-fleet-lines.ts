/**
 * The quotes of a fleet job's lines, per account within the job (decision 0004: only the last line
 * of an account refunds). Lines of one account in the same job leave together: they are quoted in
 * row order as if each were submitted right after the ones before it, so a line counts the earlier
 * job lines of its account as leaving (as a live request would) and their bills as held. The last
 * eligible job line of an account that has no other line left then settles the account and shows
 * its refund; the others show none. These are the figures the requests are opened with at confirm,
 * so the dry run's totals are what execution refunds. A blocked line stays on its account: the
 * lines after it see it keeping the balance, as they would at execution.
 *
 * A company's account can hold tens of thousands of lines, so nothing here is read or computed per
 * line and account pair: the lines' own facts come a thousand a statement, each account's lines
 * and holds once (loadAccountsLines), and a line's share is derived from its account's as the job
 * goes (AccountInJob): which lines keep the balance, by count, with the first few listed.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { composeQuote, type Quote } from '../cancellation/compose-quote.ts';
import { loadQuoteFactsOfLines } from '../cancellation/load-quote-facts.ts';
import { loadAccountsLines, type AccountLines, type AccountShare } from '../billing/account-share.ts';
import { AppError } from '../shared/errors.ts';

/** Lines keeping the balance listed by name (masked tails) in a quote; beyond that, counted. */
export const LISTED_KEEPING_LINES = 10;
/** Lines quoted per round: their facts in one statement, their new accounts in two. */
const LINES_PER_ROUND = 1000;

/** One account as the job's quoting goes through it, row by row. */
export class AccountInJob {
  /** The account's lines without a live request, by number: the ones that keep the balance unless they leave. */
  private readonly free: Array<{ id: string; msisdn: string }>;
  private readonly freeAt: Map<string, number>;
  /** The job's eligible lines of this account quoted so far, and what their bills and refunds hold. */
  private readonly leaving = new Set<string>();
  private leavingHeldFen = 0;
  /**
   * next[i]: towards the first free line at or after i that is not leaving (a disjoint-set forest
   * with path compression, a leaving line pointing past itself). The job's lines leave in row order,
   * not in number order, so the ones still keeping the balance are scattered: without it, listing
   * the first ten would walk past every leaving line, for every line, on an account of 25,000.
   */
  private readonly next: Int32Array;

  constructor(private readonly account: AccountLines) {
    this.free = account.lines.filter((l) => l.liveRequestId === null).map((l) => ({ id: l.id, msisdn: l.msisdn }));
    this.freeAt = new Map(this.free.map((l, i) => [l.id, i]));
    this.next = Int32Array.from({ length: this.free.length + 1 }, (_, i) => i);
  }

  /** The first free line at or after `i` that is not leaving (free.length when none). */
  private firstKeeping(i: number): number {
    let root = i;
    while (this.next[root] !== root) root = this.next[root];
    for (let j = i; j !== root; ) {
      const up = this.next[j];
      this.next[j] = root;
      j = up;
    }
    return root;
  }

  /**
   * The share of line `lineId` now: what loadAccountShare would read once the job's earlier lines of
   * the account had requests. The lines with a live request (this job's or another's) are left out
   * of `otherLines`: they do not keep the balance, and that is all a quote asks of them.
   */
  shareOf(lineId: string): AccountShare {
    const listed: AccountShare['otherLines'] = [];
    for (let i = this.firstKeeping(0); i < this.free.length && listed.length < LISTED_KEEPING_LINES; i = this.firstKeeping(i + 1)) {
      const l = this.free[i];
      if (l.id !== lineId) listed.push({ ...l, liveRequestId: null });
    }
    // Every leaving line is a free one (a line with a live request is not eligible), and so is this line unless it has a request.
    const keeping = this.free.length - this.leaving.size - (this.freeAt.has(lineId) ? 1 : 0);
    return {
      otherLines: listed,
      reservedFen: this.account.heldFen - (this.account.heldByLine.get(lineId) ?? 0) + this.leavingHeldFen,
      ...(keeping > listed.length ? { moreKeeping: keeping - listed.length } : {}),
    };
  }

  /** Line `lineId`, eligible, leaves with the job: it holds what its quote charges and refunds. */
  leave(lineId: string, heldFen: number): void {
    this.leaving.add(lineId);
    this.leavingHeldFen += heldFen;
    const at = this.freeAt.get(lineId);
    if (at !== undefined) this.next[at] = at + 1;
  }
}

/**
 * Quotes the lines (in the order given: the job's row order) on channel fleet, a thousand at a time:
 * `onRound` is given each round's quotes (one per line id, in order) and the round is let go once it
 * returns, so a job of 100,000 lines never holds all its quotes at once.
 *
 * The next round's facts (and its accounts seen for the first time) are read while this round is
 * quoted and handed on: the database and this process work at once instead of in turn. Reading them
 * early changes nothing: a line is in one round only, its facts are its own (its line, companions,
 * bundle, its own live request), an account's lines are read once, when the account first comes up,
 * and no line of that account was in an earlier round (else it would have come up there).
 */
export async function quoteFleetLines(
  db: Kysely<DB> | Transaction<DB>,
  lineIds: readonly string[],
  now: Date,
  onRound: (quotes: ReadonlyMap<string, Quote>) => Promise<void> | void,
): Promise<void> {
  const accounts = new Map<string, AccountInJob>();
  const asked = new Set<string>();
  const read = async (round: readonly string[]) => {
    const facts = await loadQuoteFactsOfLines(db, round, { channel: 'fleet', acceptPenalty: true, now });
    const newAccounts = [...new Set([...facts.values()].map((f) => f.line.account_id))].filter((id) => !asked.has(id));
    for (const id of newAccounts) asked.add(id);
    return { round, facts, accountLines: await loadAccountsLines(db, newAccounts) };
  };
  const roundAt = (i: number) => lineIds.slice(i, i + LINES_PER_ROUND);
  let next = lineIds.length ? read(roundAt(0)) : undefined;
  for (let i = 0; i < lineIds.length; i += LINES_PER_ROUND) {
    const { round, facts, accountLines } = await next!;
    next = i + LINES_PER_ROUND < lineIds.length ? read(roundAt(i + LINES_PER_ROUND)) : undefined;
    // Awaited at the next turn; should this round stop first, its failure is not left unhandled.
    next?.catch(() => undefined);
    for (const [id, lines] of accountLines) accounts.set(id, new AccountInJob(lines));
    const quotes = new Map<string, Quote>();
    for (const lineId of round) {
      const f = facts.get(lineId);
      if (!f) throw new AppError('not_found', 'The line was not found.', { lineId });
      const account = accounts.get(f.line.account_id)!;
      const quote = composeQuote({ ...f, share: account.shareOf(lineId) }, 'en');
      quotes.set(lineId, quote);
      if (quote.eligible) account.leave(lineId, quote.bill.totalFen + quote.refund.refundableFen);
    }
    await onRound(quotes);
  }
}
