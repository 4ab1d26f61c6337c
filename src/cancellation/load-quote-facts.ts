// Loads everything composeQuote needs for one line, in a handful of queries.
import type { Kysely, Transaction } from 'kysely';
import type { CarrierSettings, DB } from '../db/schema.ts';
import { AppError } from '../shared/errors.ts';
import { LIVE_STATUSES } from './transitions.ts';
import type { Channel, QuoteFacts } from './compose-quote.ts';
import { loadAccountShare } from '../billing/account-share.ts';

export async function loadQuoteFacts(
  db: Kysely<DB> | Transaction<DB>,
  q: { lineId: string; channel: Channel; acceptPenalty: boolean; now: Date; storeProvince?: string; lockAccount?: boolean },
): Promise<QuoteFacts> {
  const line = await db.selectFrom('lines').selectAll().where('id', '=', q.lineId).executeTakeFirst();
  if (!line) throw new AppError('not_found', 'The line was not found.');
  // A submission holds the account until it commits, so two requests on one account are weighed one
  // after the other and never promise the same money.
  if (q.lockAccount) await db.selectFrom('billing_accounts').select('id').where('id', '=', line.account_id).forUpdate().execute();
  const [account, carrier, mvno, secondaries, companions, live, sameCarrier, forward, owner, share] = await Promise.all([
    db.selectFrom('billing_accounts').selectAll().where('id', '=', line.account_id).executeTakeFirstOrThrow(),
    db.selectFrom('carriers').selectAll().where('code', '=', line.carrier).executeTakeFirstOrThrow(),
    line.mvno_code ? db.selectFrom('mvno_brands').selectAll().where('code', '=', line.mvno_code).executeTakeFirst() : Promise.resolve(undefined),
    db.selectFrom('lines').select((eb) => eb.fn.countAll<number>().as('n')).where('bundle_parent_id', '=', line.id).where('status', '<>', 'cancelled').executeTakeFirstOrThrow(),
    db.selectFrom('companion_devices').select(['device_label']).where('line_id', '=', line.id).where('status', '=', 'active').execute(),
    db.selectFrom('cancellation_requests').select('id').where('line_id', '=', line.id).where('status', 'in', LIVE_STATUSES).executeTakeFirst(),
    db.selectFrom('lines').select(['id', 'msisdn']).where('customer_id', '=', line.customer_id).where('carrier', '=', line.carrier)
      .where('status', '=', 'active').where('id', '<>', line.id).where('sold_by', '=', 'carrier')
      // A line on the same account would take the money back into the account it leaves.
      .where('account_id', '<>', line.account_id).orderBy('msisdn').execute(),
    db.selectFrom('partner_forwards').select('ticket').where('line_id', '=', line.id).executeTakeFirst(),
    db.selectFrom('customers').select(['kind', 'deceased']).where('id', '=', line.customer_id).executeTakeFirstOrThrow(),
    loadAccountShare(db, { accountId: line.account_id, lineId: line.id }),
  ]);
  return {
    channel: q.channel,
    now: q.now,
    line,
    account,
    carrier: { code: carrier.code, nameZh: carrier.name_zh, nameEn: carrier.name_en, hotline: carrier.hotline, settings: carrier.settings as CarrierSettings },
    mvno: mvno ?? null,
    activeSecondaries: Number(secondaries.n),
    companions: companions.map((c) => ({ deviceLabel: c.device_label })),
    liveRequestId: live?.id ?? null,
    sameCarrierLines: sameCarrier,
    acceptPenalty: q.acceptPenalty,
    storeProvince: q.storeProvince,
    forwardedTicket: forward?.ticket ?? null,
    owner: { kind: owner.kind, deceased: owner.deceased },
    share,
  };
}
