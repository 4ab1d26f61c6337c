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
  /**
   * Lines that keep using the balance beyond those in `otherLines`: a fleet job's account of
   * thousands of lines lists only its first few (src/fleet/quote-fleet-lines.ts). Absent: all listed.
   */
  moreKeeping?: number;
}

/** Whether this line is the last one using the account: every other line is cancelled or being cancelled. */
export const isLastLiveLine = (share: AccountShare): boolean => !share.moreKeeping && share.otherLines.every((l) => l.liveRequestId !== null);

/** The lines listed that keep using the account's balance after this one goes (see `moreKeeping` for the others). */
export const linesKeepingBalance = (share: AccountShare) => share.otherLines.filter((l) => l.liveRequestId === null);

/** Cash this request may draw on: the balance less what other live requests hold. Never negative. */
export const availableCashFen = (cashBalanceFen: number, share: AccountShare): number => Math.max(0, cashBalanceFen - share.reservedFen);

/**
 * What live requests `hr` (on lines `hl`) hold: bill + refund promised, less what the ledger already
 * shows as charged or paid (negative entries on the line's account for that request).
 */
const heldFenSum = () => sql<number | string>`coalesce(sum(greatest(0, hr.bill_total_fen + hr.refund_fen + coalesce((
  SELECT sum(he.amount_fen) FROM ledger_entries he
  WHERE he.request_id = hr.id AND he.account_id = hl.account_id AND he.kind IN ('final_bill', 'refund')
), 0))), 0)`;

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
    e.selectFrom('cancellation_requests as hr')
      .innerJoin('lines as hl', 'hl.id', 'hr.line_id')
      .select(heldFenSum().as('held'))
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

/** An account's lines that are not cancelled (by number), and what its live requests hold, per line. */
export interface AccountLines {
  lines: Array<{ id: string; msisdn: string; liveRequestId: string | null }>;
  /** What all live requests on the account hold (as `reservedFen` counts it), and the part of it each line's request holds. */
  heldFen: number;
  heldByLine: Map<string, number>;
}

/**
 * `AccountLines` of many accounts in two statements: what `loadAccountShare` reads for one line,
 * read once per account so a caller can derive every line's share (a fleet job's accounts hold
 * thousands of lines: one statement per line, each listing the account's other lines, would be
 * quadratic).
 */
export async function loadAccountsLines(db: Kysely<DB> | Transaction<DB>, accountIds: readonly string[]): Promise<Map<string, AccountLines>> {
  const out = new Map<string, AccountLines>(accountIds.map((id) => [id, { lines: [], heldFen: 0, heldByLine: new Map() }]));
  if (accountIds.length === 0) return out;
  const lines = await db.selectFrom('lines as sl')
    .leftJoin('cancellation_requests as sr', (j) => j.onRef('sr.line_id', '=', 'sl.id').on('sr.status', 'in', LIVE_STATUS_LITERALS))
    .select(['sl.account_id', 'sl.id', 'sl.msisdn', 'sr.id as liveRequestId'])
    .where('sl.account_id', 'in', accountIds).where('sl.status', '<>', 'cancelled')
    .orderBy('sl.account_id').orderBy('sl.msisdn').execute();
  for (const l of lines) out.get(l.account_id)!.lines.push({ id: l.id, msisdn: l.msisdn, liveRequestId: l.liveRequestId ?? null });
  const held = await db.selectFrom('cancellation_requests as hr')
    .innerJoin('lines as hl', 'hl.id', 'hr.line_id')
    .select(['hl.account_id', 'hr.line_id', heldFenSum().as('held')])
    .where('hl.account_id', 'in', accountIds).where('hr.status', 'in', LIVE_STATUS_LITERALS)
    .groupBy(['hl.account_id', 'hr.line_id']).execute();
  for (const h of held) {
    const a = out.get(h.account_id)!;
    a.heldFen += Number(h.held);
    a.heldByLine.set(h.line_id, Number(h.held));
  }
  return out;
}
