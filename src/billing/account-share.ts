// What a cancellation may take from a shared billing account. The cash balance and the promotional
// credit belong to the account, not to one line: a family plan's secondaries, or a person's two lines
// at one carrier, draw on the same money. Every live request on the account holds (reserves) what it
// will charge and refund until the ledger records it, so no two requests ever promise the same fen.
import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import type { DB } from '../db/schema.ts';
import { LIVE_STATUSES } from '../cancellation/transitions.ts';

export interface AccountShare {
  /** The other lines on the account that are not cancelled, with the live request each has, if any. */
  otherLines: Array<{ id: string; msisdn: string; liveRequestId: string | null }>;
  /** What other live requests on the account will still charge or refund (not yet in the ledger). */
  reservedFen: number;
}

/** Whether this line is the last one using the account: every other line is cancelled or being cancelled. */
export const isLastLiveLine = (share: AccountShare): boolean => share.otherLines.every((l) => l.liveRequestId !== null);

/** The lines that keep using the account's balance after this one goes. */
export const linesKeepingBalance = (share: AccountShare) => share.otherLines.filter((l) => l.liveRequestId === null);

/** Cash this request may draw on: the balance less what other live requests hold. Never negative. */
export const availableCashFen = (cashBalanceFen: number, share: AccountShare): number => Math.max(0, cashBalanceFen - share.reservedFen);

/**
 * Reads the account's other lines and the money other live requests hold. `excludeRequestId` leaves
 * out the request being executed (its own reservation is what it is about to spend).
 */
export async function loadAccountShare(
  db: Kysely<DB> | Transaction<DB>,
  q: { accountId: string; lineId: string; excludeRequestId?: string },
): Promise<AccountShare> {
  const [others, reserved] = await Promise.all([
    db.selectFrom('lines as l')
      .leftJoin('cancellation_requests as r', (j) => j.onRef('r.line_id', '=', 'l.id').on('r.status', 'in', LIVE_STATUSES))
      .select(['l.id', 'l.msisdn', 'r.id as liveRequestId'])
      .where('l.account_id', '=', q.accountId).where('l.id', '<>', q.lineId).where('l.status', '<>', 'cancelled')
      .orderBy('l.msisdn').execute(),
    // Held = bill + refund promised, less what the ledger already shows as charged or paid (negative
    // entries on this account for that request).
    db.selectFrom('cancellation_requests as r')
      .innerJoin('lines as l', 'l.id', 'r.line_id')
      .select(sql<number>`coalesce(sum(greatest(0, r.bill_total_fen + r.refund_fen + coalesce((
        SELECT sum(e.amount_fen) FROM ledger_entries e
        WHERE e.request_id = r.id AND e.account_id = l.account_id AND e.kind IN ('final_bill', 'refund')
      ), 0))), 0)`.as('held'))
      .where('l.account_id', '=', q.accountId).where('r.status', 'in', LIVE_STATUSES)
      .where('r.line_id', '<>', q.lineId)
      .$if(!!q.excludeRequestId, (qb) => qb.where('r.id', '<>', q.excludeRequestId!))
      .executeTakeFirstOrThrow(),
  ]);
  return {
    otherLines: others.map((o) => ({ id: o.id, msisdn: o.msisdn, liveRequestId: o.liveRequestId ?? null })),
    reservedFen: Number(reserved.held),
  };
}
