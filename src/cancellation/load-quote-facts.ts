// Loads everything composeQuote needs for one line in one statement (two when the account is locked
// for a submission): the line, its account, carrier and MVNO brand, owner, bundle secondaries,
// companions, live request, the owner's other lines at the carrier, a partner forward, and the
// account's share. One statement also means one snapshot: every fact is read at the same moment.
// Given the subscriber session of the request (`ownerSession`), that statement (or the lock's) also
// reads the session and checks the line is its customer's: no round trip of its own for the session.
import { CompiledQuery, sql, type Expression, type ExpressionBuilder, type Kysely, type Transaction } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { BillingAccount, CarrierSettings, DB, Line, MvnoBrand } from '../db/schema.ts';
import { AppError } from '../shared/errors.ts';
import { LIVE_STATUS_LITERALS } from './transitions.ts';
import type { Channel, QuoteFacts } from './compose-quote.ts';
import { accountShareColumns, accountShareFromRow, type AccountShareColumns } from '../billing/account-share.ts';

/** Every column of the account and of the MVNO brand, read under a prefix next to the line's own. */
const ACCOUNT_COLUMNS = [
  'id', 'customer_id', 'carrier', 'cash_balance_fen', 'promo_credit_fen', 'arrears_fen', 'arrears_since', 'payment_channel', 'version', 'updated_at',
] as const satisfies readonly (keyof BillingAccount)[];
const MVNO_COLUMNS = ['code', 'name_zh', 'name_en', 'host_carrier', 'hotline', 'accepts_forwarded'] as const satisfies readonly (keyof MvnoBrand)[];
// A column added to either table must be added above (as `selectAll` would have): this fails to compile otherwise.
const _allColumns: [Exclude<keyof BillingAccount, (typeof ACCOUNT_COLUMNS)[number]>, Exclude<keyof MvnoBrand, (typeof MVNO_COLUMNS)[number]>] extends [never, never] ? true : false = true;

type FactsRow = Line & AccountShareColumns & {
  [K in (typeof ACCOUNT_COLUMNS)[number] as `account__${K}`]: BillingAccount[K];
} & {
  [K in (typeof MVNO_COLUMNS)[number] as `mvno__${K}`]: MvnoBrand[K] | null;
} & {
  carrier__name_zh: string; carrier__name_en: string; carrier__hotline: string; carrier__settings: unknown;
  owner__kind: 'person' | 'company'; owner__deceased: boolean;
  active_secondaries: number | string;
  companions: Array<{ device_label: string }>;
  live_request_id: string | null;
  same_carrier_lines: Array<{ id: string; msisdn: string }>;
  forwarded_ticket: string | null;
  owned: boolean;
  /** The billing account row's version (its xmin), for openRequestIfAccountUnchanged. */
  account_token: string;
  /** The session's customer and real-name flag (the statement that checks a session only; null: no live subscriber session). */
  session__customer_id?: string | null;
  session__real_name_verified?: boolean | null;
};

/** Who a subscriber session acts for, as the facts' statement reads it. */
export interface SessionOwner { customerId: string; realNameVerified: boolean }

/**
 * The subscriber session a quote is asked in, checked in the facts' own statement instead of a
 * statement of its own per request (src/http/session.ts builds it from the cookie).
 */
export interface OwnerSession {
  /** sessions.id_hash of the cookie's token. */
  hash: string;
  /** Throws unless this session may ask (null: no live subscriber session); called before ownership is checked. */
  admit(s: SessionOwner | null): void;
  /**
   * Reads the session on its own, through `db` (the caller's transaction when there is one: on PGlite
   * nothing else can be queried meanwhile): only when no row came back, to tell a bad session (401,
   * 403) from a line that is missing or not the customer's (404).
   */
  load(db: Kysely<DB>): Promise<SessionOwner | null>;
}

const pick = <K extends string>(row: object, prefix: string, columns: readonly K[]) =>
  Object.fromEntries(columns.map((c) => [c, (row as Record<string, unknown>)[`${prefix}${c}`]])) as Record<K, unknown>;

/** A line id no line has: where it sits among the compiled statement's parameters, the real one goes. */
const LINE_ID = '00000000-0000-4000-8000-000000f4c75a';
/** The same for the customer whose ownership is checked (none: this id, which no customer has). */
const OWNER_ID = '00000000-0000-4000-8000-0000000e4e12';
/** The same for the session's token hash and the moment it must still be valid at. */
const SESSION_HASH = 'session-hash-placeholder-2c1f0e';
const SESSION_AT = '2000-01-01T00:00:00.123Z';
const NOT_YOURS = 'No line of yours has that id.';

/**
 * Whether the line is registered under the ID document of customer `customerId` (a person may hold
 * lines under several customer records with the same document), for a statement on `lines as l`.
 */
export function ownedBy(eb: ExpressionBuilder<any, any>, customerId: string | Expression<string | null>) {
  const e = eb as ExpressionBuilder<DB & { l: DB['lines'] }, 'l'>;
  return e.exists(e.selectFrom('customers as me').innerJoin('customers as oc', 'oc.id_blind', 'me.id_blind')
    .select(sql.lit(1).as('one')).where('me.id', '=', customerId).whereRef('oc.id', '=', 'l.customer_id'));
}
/** The compiled facts statements (owner checked by customer id, or by session), per dialect adapter (PGlite's and pg's compile them the same). */
const compiledFacts = { owner: new WeakMap<object, CompiledQuery>(), session: new WeakMap<object, CompiledQuery>() };

/**
 * The one statement (see loadQuoteFacts), for the line LINE_ID; `bySession`: the owner is the
 * customer of the subscriber session SESSION_HASH valid at SESSION_AT (read in the same statement).
 */
function factsQuery(db: Kysely<DB> | Transaction<DB>, bySession: boolean) {
  return lineFactsQuery(db)
    .select((eb) => [
      jsonArrayFrom(eb.selectFrom('lines as x').select(['x.id', 'x.msisdn'])
        .whereRef('x.customer_id', '=', 'l.customer_id').whereRef('x.carrier', '=', 'l.carrier')
        .where('x.status', '=', 'active').whereRef('x.id', '<>', 'l.id').where('x.sold_by', '=', 'carrier')
        // A line on the same account would take the money back into the account it leaves.
        .whereRef('x.account_id', '<>', 'l.account_id').orderBy('x.msisdn')).as('same_carrier_lines'),
      ...accountShareColumns(eb, { accountId: eb.ref('l.account_id'), lineId: eb.ref('l.id') }),
      ownedBy(eb, bySession ? sql.ref<string | null>('ses.customer_id') : OWNER_ID).as('owned'),
      sql<string>`a.xmin::text`.as('account_token'),
    ])
    .$if(bySession, (qb) => qb
      .leftJoin('sessions as ses', (j) => j.on('ses.id_hash', '=', SESSION_HASH).on('ses.kind', '=', 'subscriber')
        .on('ses.expires_at', '>', sql<Date>`${SESSION_AT}::timestamptz`))
      .select(['ses.customer_id as session__customer_id', 'ses.real_name_verified as session__real_name_verified']))
    .where('l.id', '=', LINE_ID);
}

/** The facts of the line itself, its account, carrier, brand and owner: what every line's quote reads alone. */
function lineFactsQuery(db: Kysely<DB> | Transaction<DB>) {
  return db.selectFrom('lines as l')
    .innerJoin('billing_accounts as a', 'a.id', 'l.account_id')
    .innerJoin('carriers as c', 'c.code', 'l.carrier')
    .innerJoin('customers as o', 'o.id', 'l.customer_id')
    .leftJoin('mvno_brands as m', 'm.code', 'l.mvno_code')
    .selectAll('l')
    .select(ACCOUNT_COLUMNS.map((c) => `a.${c} as account__${c}` as 'a.id'))
    .select(MVNO_COLUMNS.map((c) => `m.${c} as mvno__${c}` as 'm.code'))
    .select(['c.name_zh as carrier__name_zh', 'c.name_en as carrier__name_en', 'c.hotline as carrier__hotline', 'c.settings as carrier__settings'])
    .select(['o.kind as owner__kind', 'o.deceased as owner__deceased'])
    .select((eb) => [
      eb.selectFrom('lines as s').select((s) => s.fn.countAll().as('n'))
        .whereRef('s.bundle_parent_id', '=', 'l.id').where('s.status', '<>', 'cancelled').as('active_secondaries'),
      jsonArrayFrom(eb.selectFrom('companion_devices as d').select('d.device_label')
        .whereRef('d.line_id', '=', 'l.id').where('d.status', '=', 'active')).as('companions'),
      eb.selectFrom('cancellation_requests as r').select('r.id')
        .whereRef('r.line_id', '=', 'l.id').where('r.status', 'in', LIVE_STATUS_LITERALS).limit(1).as('live_request_id'),
      eb.selectFrom('partner_forwards as f').select('f.ticket').whereRef('f.line_id', '=', 'l.id').limit(1).as('forwarded_ticket'),
    ]);
}

export async function loadQuoteFacts(
  db: Kysely<DB> | Transaction<DB>,
  q: {
    lineId: string; channel: Channel; acceptPenalty: boolean; now: Date; storeProvince?: string; lockAccount?: boolean;
    /** Refuse (not_found, as assertOwnsLine) unless the line is this customer's: checked in the same statement. */
    ownerCustomerId?: string;
    /** The same for the customer of this subscriber session, which is itself checked (admitted) in the same statement (with lockAccount: the lock's). */
    ownerSession?: OwnerSession;
  },
): Promise<LoadedFacts> {
  // A submission holds the account until it commits, so two requests on one account are weighed one
  // after the other and never promise the same money. The facts are read after the lock, in a
  // statement of their own: its snapshot then includes what the request before us committed. The
  // owner is checked before the lock is taken: nobody holds an account that is not theirs.
  // A subscriber session is read in the lock's statement too, and must be real-name verified there.
  // The online submission tries first without the lock: the facts carry the account's row version
  // (xmin), and openRequestIfAccountUnchanged writes only if the account is still that version.
  if (q.lockAccount) {
    const owner = q.ownerCustomerId;
    const session = q.ownerSession;
    const lock = db.selectFrom('lines as l').innerJoin('billing_accounts as a', 'a.id', 'l.account_id').select('a.id').where('l.id', '=', q.lineId);
    let locked: { id: string } | undefined;
    if (session) {
      const row = await lock.innerJoin('sessions as ses', (j) => j.on('ses.id_hash', '=', session.hash).on('ses.kind', '=', 'subscriber')
        .on('ses.expires_at', '>', new Date()).on('ses.real_name_verified', '=', true))
        .select('ses.customer_id').where((eb) => ownedBy(eb, eb.ref('ses.customer_id'))).forUpdate('a').executeTakeFirst();
      session.admit(row ? { customerId: row.customer_id!, realNameVerified: true } : await session.load(db));
      locked = row;
    } else {
      locked = await lock.$if(owner !== undefined, (qb) => qb.where((eb) => ownedBy(eb, owner!))).forUpdate('a').executeTakeFirst();
    }
    if (!locked) throw new AppError('not_found', owner === undefined && !session ? 'The line was not found.' : NOT_YOURS);
  }
  // Built and compiled once (the statement is the same for every line), then run with the line's id.
  const session = q.lockAccount ? undefined : q.ownerSession;
  const adapter = db.getExecutor().adapter;
  const cache = session ? compiledFacts.session : compiledFacts.owner;
  let compiled = cache.get(adapter);
  if (!compiled) cache.set(adapter, (compiled = factsQuery(db, !!session).compile()));
  const owner = q.lockAccount || session ? undefined : q.ownerCustomerId; // under the lock, checked already
  const at = new Date();
  const values = compiled.parameters.map((p) => (p === LINE_ID ? q.lineId : p === OWNER_ID ? (owner ?? OWNER_ID)
    : p === SESSION_HASH ? session!.hash : p === SESSION_AT ? at : p));
  const found = (await db.executeQuery(CompiledQuery.raw(compiled.sql, values))).rows[0] as FactsRow | undefined;
  if (session) {
    // The session first (401, 403), as a route's guard would have before the line is looked at.
    if (!found) session.admit(await session.load(db));
    else session.admit(found.session__customer_id ? { customerId: found.session__customer_id, realNameVerified: !!found.session__real_name_verified } : null);
    if (!found?.owned) throw new AppError('not_found', NOT_YOURS);
  }
  if (owner !== undefined && !found?.owned) throw new AppError('not_found', NOT_YOURS);
  if (!found) throw new AppError('not_found', 'The line was not found.');
  return {
    ...factsFromRow(found, q),
    sameCarrierLines: found.same_carrier_lines.map((l) => ({ id: l.id, msisdn: l.msisdn })),
    share: accountShareFromRow(found),
    accountToken: found.account_token,
  };
}

/**
 * The facts with the row version of the billing account they were read with: a request opened from
 * them without the account's lock is written only if the account is still that version
 * (openRequestIfAccountUnchanged).
 */
export type LoadedFacts = QuoteFacts & { accountToken: string };

/**
 * The facts of many lines in one statement per thousand, for a fleet job (src/fleet/quote-fleet-lines.ts):
 * what loadQuoteFacts reads, less what grows with the size of the company. No account share: the
 * caller derives each line's from `loadAccountsLines`, read once per account. No other lines of the
 * owner at the carrier: a fleet's refund has one route, the account's original payment
 * (CHANNEL_RULES.fleet.fixedRefundRoute), so no line is offered. A line not found is left out.
 */
export async function loadQuoteFactsOfLines(
  db: Kysely<DB> | Transaction<DB>,
  lineIds: readonly string[],
  q: { channel: Channel; acceptPenalty: boolean; now: Date },
): Promise<Map<string, Omit<QuoteFacts, 'share'>>> {
  const out = new Map<string, Omit<QuoteFacts, 'share'>>();
  for (let i = 0; i < lineIds.length; i += 1000) {
    const chunk = lineIds.slice(i, i + 1000);
    const rows = await lineFactsQuery(db).where(sql<boolean>`l.id = ANY(${chunk}::uuid[])`).execute() as unknown as FactsRow[];
    for (const row of rows) out.set(row.id, { ...factsFromRow(row, q), sameCarrierLines: [] });
  }
  return out;
}

/** The facts the line's own row carries (lineFactsQuery's columns). */
function factsFromRow(row: FactsRow, q: { channel: Channel; acceptPenalty: boolean; now: Date; storeProvince?: string }): Omit<QuoteFacts, 'share' | 'sameCarrierLines'> {
  const line = Object.fromEntries(Object.entries(row).filter(([k]) => !EXTRA_KEY.test(k))) as Line;
  return {
    channel: q.channel,
    now: q.now,
    line,
    account: pick(row, 'account__', ACCOUNT_COLUMNS) as BillingAccount,
    carrier: { code: line.carrier, nameZh: row.carrier__name_zh, nameEn: row.carrier__name_en, hotline: row.carrier__hotline, settings: row.carrier__settings as CarrierSettings },
    mvno: row.mvno__code === null ? null : (pick(row, 'mvno__', MVNO_COLUMNS) as MvnoBrand),
    activeSecondaries: Number(row.active_secondaries),
    companions: row.companions.map((c) => ({ deviceLabel: c.device_label })),
    liveRequestId: row.live_request_id ?? null,
    acceptPenalty: q.acceptPenalty,
    storeProvince: q.storeProvince,
    forwardedTicket: row.forwarded_ticket ?? null,
    owner: { kind: row.owner__kind, deceased: row.owner__deceased },
  };
}

/** The columns of the statement that are not the line's own. */
const EXTRA_KEY = /^(account__|mvno__|carrier__|owner__|share_|active_secondaries$|companions$|live_request_id$|same_carrier_lines$|forwarded_ticket$|owned$|account_token$|session__)/;
