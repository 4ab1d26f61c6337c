// What a cancellation may take from a shared billing account. The cash balance and the promotional
// credit belong to the account, not to one line: a family plan's secondaries, or a person's two lines
// at one carrier, draw on the same money. Every live request on the account holds (reserves) what it
// will charge and refund until the ledger records it, so no two requests ever promise the same fen.
import type { Expression, ExpressionBuilder, Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { DB } from '../db/schema.ts';
import { LIVE_STATUS_LITERALS } from '../cancellation/transitions.ts';

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

/** The two columns `accountShareColumns` adds to a select, as the driver returns them. */
export interface AccountShareColumns {
  share_other_lines: Array<{ id: string; msisdn: string; liveRequestId: string | null }>;
  share_reserved_fen: number | string | null;
}

/**
 * The account's share as two subqueries, so a caller can read it in the same statement as other
 * facts (loadQuoteFacts does). `accountId` and `lineId` are expressions: values or column references.
 * `excludeRequestId` leaves out the request being executed (its own reservation is what it is about
 * to spend).
 */
export function accountShareColumns(
  eb: ExpressionBuilder<any, any>,
  q: { accountId: Expression<string>; lineId: Expression<string>; excludeRequestId?: string },
) {
  const e = eb as ExpressionBuilder<DB, never>;
  return [
    jsonArrayFrom(e.selectFrom('lines as sl')
      .leftJoin('cancellation_requests as sr', (j) => j.onRef('sr.line_id', '=', 'sl.id').on('sr.status', 'in', LIVE_STATUS_LITERALS))
      .select(['sl.id', 'sl.msisdn', 'sr.id as liveRequestId'])
      .where('sl.account_id', '=', q.accountId).where('sl.id', '<>', q.lineId).where('sl.status', '<>', 'cancelled')
      .orderBy('sl.msisdn')).as('share_other_lines'),
    // Held = bill + refund promised, less what the ledger already shows as charged or paid (negative
    // entries on this account for that request).
    e.selectFrom('cancellation_requests as hr')
      .innerJoin('lines as hl', 'hl.id', 'hr.line_id')
      .select(sql<number>`coalesce(sum(greatest(0, hr.bill_total_fen + hr.refund_fen + coalesce((
        SELECT sum(he.amount_fen) FROM ledger_entries he
        WHERE he.request_id = hr.id AND he.account_id = hl.account_id AND he.kind IN ('final_bill', 'refund')
      ), 0))), 0)`.as('held'))
      .where('hl.account_id', '=', q.accountId).where('hr.status', 'in', LIVE_STATUS_LITERALS)
      .where('hr.line_id', '<>', q.lineId)
      .$if(!!q.excludeRequestId, (qb) => qb.where('hr.id', '<>', q.excludeRequestId!))
      .as('share_reserved_fen'),
  ] as const;
}

/** The AccountShare from the columns of `accountShareColumns`. */
export function accountShareFromRow(row: AccountShareColumns): AccountShare {
  return {
    otherLines: row.share_other_lines.map((o) => ({ id: o.id, msisdn: o.msisdn, liveRequestId: o.liveRequestId ?? null })),
    reservedFen: Number(row.share_reserved_fen),
  };
}

/** Reads the account's other lines and the money other live requests hold, in one statement. */
export async function loadAccountShare(
  db: Kysely<DB> | Transaction<DB>,
  q: { accountId: string; lineId: string; excludeRequestId?: string },
): Promise<AccountShare> {
  const row = await db.selectNoFrom((eb) => accountShareColumns(eb, {
    accountId: eb.val(q.accountId), lineId: eb.val(q.lineId), excludeRequestId: q.excludeRequestId,
  })).executeTakeFirstOrThrow();
  return accountShareFromRow(row as unknown as AccountShareColumns);
}
