// The quote: every condition that stands in the way, every warning to acknowledge, the final bill
// and the refund, for one line on one channel. Pure: the caller loads the facts.
import crypto from 'node:crypto';
import { arrearsDue, chinaDate, earlyTerminationPenalty, outstandingPayment, settle, type MoneyFacts } from '../billing/final-bill.ts';
import type { BillingAccount, CarrierSettings, Line, MvnoBrand, RequestChannel } from '../db/schema.ts';
import { canonicalJson } from '../shared/canonical-json.ts';
import { availableCashFen, isLastLiveLine, linesKeepingBalance, type AccountShare } from '../billing/account-share.ts';
import { provinceName } from '../lines/provinces.ts';
import { ackText, balanceStaysNote, billLabel, blockerText, refundNote, routeLabel, warningText, type Lang } from './messages.ts';

/** The channel the request comes in by: the quote takes the request's real one (cancellation_requests.channel). */
export type Channel = RequestChannel;

/** What a channel changes in the quote. Everything else (the money above all) is one rule for every channel. */
export interface ChannelRules {
  /**
   * Someone checked more than the online sign-in (an SMS code to the line itself, then the ID tail):
   * a lost or suspended line, and a number the carrier lets go only at a counter, may go ahead.
   */
  identityCheckedBeyondSignIn: boolean;
  /** A deceased owner's documents were seen (a store only). */
  documentsChecked: boolean;
  /** A company's line may be ended here: the company's representative acts. */
  companyLines: boolean;
  /** A store with its province: a line from another province may be forwarded (out_of_province_forwarded). */
  atCounter: boolean;
  /** The one refund route of the channel (null: the carrier's routes, offered to choose from). */
  fixedRefundRoute: 'original' | null;
}

export const CHANNEL_RULES: Readonly<Record<Channel, ChannelRules>> = {
  online: { identityCheckedBeyondSignIn: false, documentsChecked: false, companyLines: false, atCounter: false, fixedRefundRoute: null },
  // The owner with the ID card (and any mandate) in front of a clerk: the only channel that hands over cash.
  store: { identityCheckedBeyondSignIn: true, documentsChecked: true, companyLines: true, atCounter: true, fixedRefundRoute: null },
  // A TMF622 order from the carrier's BSS or an MVNO partner, for a subscriber talking to its agent:
  // nothing of the subscriber is checked here beyond the BSS's word, so the online rules. Money:
  // nothing differs from online (same bill, same last-line refund of decision 0004, same routes; no
  // cash, there is no counter; readAgreement takes only `original` or `line`).
  api: { identityCheckedBeyondSignIn: false, documentsChecked: false, companyLines: false, atCounter: false, fixedRefundRoute: null },
  // A company administrator (signed in with a password, bound to the company) or the company's
  // machine client confirms a dry run for the company's own lines: that is the owner acting, as the
  // clerk's checks are in store, so company lines, lost or suspended SIMs (IoT SIMs are often
  // suspended before they are ended) and store-only numbers (a company's group numbers) go ahead. No
  // documents are seen and there is no counter: no deceased owner's line, no cash, no store province.
  // Money: nothing differs from the other channels; what the job adds is that lines of one account
  // in the same job leave together (src/fleet/quote-fleet-lines.ts quotes them in row order). The
  // refund goes back the way the account pays (the original route): nobody picks a route per line.
  fleet: { identityCheckedBeyondSignIn: true, documentsChecked: false, companyLines: true, atCounter: false, fixedRefundRoute: 'original' },
};
export type RemedyAction = 'pay_outstanding' | 'accept_penalty' | 'forward_to_mvno' | 'visit_store' | null;

export interface QuoteFacts {
  channel: Channel;
  now: Date;
  line: Line;
  account: BillingAccount;
  carrier: { code: string; nameZh: string; nameEn: string; hotline: string; settings: CarrierSettings };
  mvno: MvnoBrand | null;
  activeSecondaries: number;
  companions: Array<{ deviceLabel: string }>;
  liveRequestId: string | null;
  /** Other live lines of the same person at the same carrier (refund to another line). */
  sameCarrierLines: Array<{ id: string; msisdn: string }>;
  acceptPenalty: boolean;
  /** The store's province, for the out-of-province rule (store channel only). */
  storeProvince?: string;
  forwardedTicket?: string | null;
  /** The registered owner: a deceased owner's or a company's line needs documents checked in a store. */
  owner?: { kind: 'person' | 'company'; deceased: boolean };
  /** The account's other lines and what other live requests hold of its cash; absent = the line is alone. */
  share?: AccountShare;
}

export interface Blocker { code: string; message: string; remedy: string; remedyAction: RemedyAction; params: Record<string, string | number> }
export interface Warning { code: string; message: string; requiresAcknowledgement: boolean; params?: Record<string, string | number> }

export interface Quote {
  version: string;
  lineId: string;
  channel: Channel;
  eligible: boolean;
  blockers: Blocker[];
  warnings: Warning[];
  requiredAcknowledgements: string[];
  acknowledgementTexts: Record<string, string>;
  bill: { items: Array<{ code: string; label: string; amountFen: number }>; totalFen: number };
  refund: {
    /** The account's whole cash balance. */
    cashBalanceFen: number;
    /** What other live requests on the same account hold of it. */
    reservedByOtherRequestsFen: number;
    /** What this request may draw on: cash less what others hold. */
    availableFen: number;
    promotionalCreditFen: number;
    owedFen: number;
    shortfallFen: number;
    refundableFen: number;
    /** True when this is the last line on the account: its cancellation settles (closes) the account. */
    settlesAccount: boolean;
    /**
     * When other lines keep using the account: what stays on it for them, and which lines (masked
     * tails; `moreLines` more beyond those listed, on a fleet's big account).
     */
    staysOnAccount: { amountFen: number; promotionalCreditFen: number; lines: string[]; moreLines?: number } | null;
    note: string;
  };
  penalty: { applies: boolean; amountFen: number; accepted: boolean };
  refundRoutes: Array<{ type: 'original' | 'bank' | 'line' | 'cash'; label: string; lines?: Array<{ id: string; msisdn: string }> }>;
  seller?: { code: string; name: string; hotline: string; acceptsForwarded: boolean; forwardedTicket: string | null };
  freezeDays: number;
  computedOn: string;
  /** What "pay now" charges (what billing/pay-arrears takes): online, or with the cash balance offset first. Null when nothing is owed. */
  payment: null | { online: OutstandingPayment; balanceOffset: OutstandingPayment | null };
}

type OutstandingPayment = ReturnType<typeof outstandingPayment>;

export const BASE_ACKNOWLEDGEMENTS = ['data_backup', 'unbind_accounts', 'number_frozen'] as const;

export function composeQuote(f: QuoteFacts, lang: Lang): Quote {
  const today = chinaDate(f.now);
  const s = f.carrier.settings;
  const { line, account } = f;
  const share: AccountShare = f.share ?? { otherLines: [], reservedFen: 0 };
  const settlesAccount = isLastLiveLine(share);
  const keeping = linesKeepingBalance(share);
  const availableFen = availableCashFen(account.cash_balance_fen, share);
  const money = {
    usageToDateFen: line.usage_to_date_fen,
    monthlyFeeFen: line.monthly_fee_fen,
    contractEnd: line.contract_end,
    penaltyFen: line.penalty_fen,
    penaltyRemainingFeePercent: s.penaltyRemainingFeePercent,
    // Only what no other request holds: two requests never promise the same fen.
    cashBalanceFen: availableFen,
    promoCreditFen: account.promo_credit_fen,
    arrearsFen: account.arrears_fen,
    arrearsSince: account.arrears_since,
    arrearsDailyPerMille: s.arrearsDailyPerMille,
  };
  const settlement = settle(money, today, f.acceptPenalty);
  // A line that is not the last on its account refunds nothing: the balance stays for the others.
  const refundableFen = line.status === 'cancelled' || !settlesAccount ? 0 : settlement.refundableFen;
  const penaltyFen = earlyTerminationPenalty(money, today);

  const raw: Array<{ code: string; params: Record<string, string | number>; remedyAction: RemedyAction }> = [];
  const add = (code: string, params: Record<string, string | number> = {}, remedyAction: RemedyAction = null) => raw.push({ code, params, remedyAction });
  const rules = CHANNEL_RULES[f.channel];
  const storeOnly = (code: string) => !rules.identityCheckedBeyondSignIn && (s.storeOnlyConditions.includes(code) || code === 'store_only_number');

  if (line.status === 'cancelled') add('line_cancelled');
  if (f.liveRequestId) add('already_requested', { requestId: f.liveRequestId });
  if (line.sold_by !== 'carrier') {
    const seller = f.mvno;
    add(line.sold_by === 'mvno' ? 'mvno_line' : 'third_party_line', {
      seller: seller ? (lang === 'en' ? seller.name_en : seller.name_zh) : (lang === 'en' ? 'the seller' : '销售方'),
      host: lang === 'en' ? f.carrier.nameEn : f.carrier.nameZh,
      hotline: seller?.hotline ?? f.carrier.hotline,
      forwardable: seller?.accepts_forwarded ? 'yes' : 'no',
    }, seller?.accepts_forwarded && !f.forwardedTicket ? 'forward_to_mvno' : null);
  }
  const due = arrearsDue(money, today);
  if (due.totalFen > 0) {
    add('arrears', { arrearsFen: due.arrearsFen, overdueFen: due.overdueFen, totalFen: due.totalFen, since: account.arrears_since ?? today, cashBalanceFen: account.cash_balance_fen }, 'pay_outstanding');
  }
  if (penaltyFen > 0 && !f.acceptPenalty) add('contract_lock_in', { contractEnd: line.contract_end!, penaltyFen }, 'accept_penalty');
  if (f.activeSecondaries > 0 || line.has_broadband) {
    add('bundle_primary', { secondaries: f.activeSecondaries, broadband: line.has_broadband ? 'yes' : 'no' });
  }
  if (line.port_out_status === 'pending') add('port_out_pending');
  // In a store the owner is present with the ID card, so a lost or suspended line can be cancelled there.
  if ((line.status === 'lost' || line.status === 'suspended') && !rules.identityCheckedBeyondSignIn) {
    add('lost_or_suspended', { status: line.status }, storeOnly('lost_or_suspended') ? 'visit_store' : null);
  }
  if (line.store_only_reason && !rules.identityCheckedBeyondSignIn) add('store_only_number', { reason: line.store_only_reason }, 'visit_store');
  if (f.owner?.deceased && !rules.documentsChecked) add('deceased_owner', {}, 'visit_store');
  if (f.owner?.kind === 'company' && !rules.companyLines) add('company_line', {}, 'visit_store');
  if (rules.atCounter && f.storeProvince && f.storeProvince !== line.home_province && s.outOfProvince === 'forward') {
    add('out_of_province_forwarded', { province: provinceName(line.home_province, lang === 'en' ? 'en' : 'zh'), days: s.outOfProvinceSlaDays });
  }
  if (due.totalFen === 0 && settlement.shortfallFen > 0 && line.status !== 'cancelled') {
    add('final_bill_shortfall', { billTotalFen: settlement.billTotalFen, cashBalanceFen: availableFen, shortfallFen: settlement.shortfallFen }, 'pay_outstanding');
  }

  const blockers: Blocker[] = raw.map((b) => ({ code: b.code, ...blockerText(lang, b.code, b.params), remedyAction: b.remedyAction, params: b.params }));

  const warnings: Warning[] = [];
  if (f.companions.length > 0) {
    const params = { count: f.companions.length, devices: f.companions.map((c) => c.deviceLabel).join(', ') };
    warnings.push({ code: 'companion_devices', requiresAcknowledgement: true, message: warningText(lang, 'companion_devices', params), params });
  }
  if (line.form_factor === 'esim' && line.esim_profile_state !== 'unavailable' && line.esim_profile_state !== 'deleted') {
    warnings.push({ code: 'esim_profile', requiresAcknowledgement: true, message: warningText(lang, 'esim_profile', {}) });
  }
  // Promotional credit is forfeited only when the account closes; until then it stays for the other lines.
  if (account.promo_credit_fen > 0 && settlesAccount) {
    warnings.push({ code: 'promotional_credit', requiresAcknowledgement: false, message: warningText(lang, 'promotional_credit', { promoFen: account.promo_credit_fen }) });
  }
  const requiredAcknowledgements = [...BASE_ACKNOWLEDGEMENTS, ...warnings.filter((w) => w.requiresAcknowledgement).map((w) => w.code)];
  const ackParams = { days: s.freezeDays };

  const routeTypes: Array<'original' | 'bank' | 'line' | 'cash'> = rules.fixedRefundRoute ? [rules.fixedRefundRoute] : [...s.refundRoutes];
  if (rules.atCounter) routeTypes.unshift('cash');
  const refundRoutes = routeTypes
    .filter((t) => t !== 'line' || f.sameCarrierLines.length > 0)
    .map((type) => ({ type, label: routeLabel(lang, type), ...(type === 'line' ? { lines: f.sameCarrierLines } : {}) }));

  const versioned = {
    lineId: line.id, lineVersion: line.version, accountVersion: account.version, channel: f.channel, today,
    acceptPenalty: f.acceptPenalty, blockers: raw.map((b) => [b.code, b.params]), warnings: warnings.map((w) => w.code),
    items: settlement.items, refundable: refundableFen, settings: s, liveRequestId: f.liveRequestId,
    settlesAccount, reservedFen: share.reservedFen, keeping: keeping.map((l) => l.id),
    ...(share.moreKeeping ? { moreKeeping: share.moreKeeping } : {}),
  };
  const version = crypto.createHash('sha256').update(canonicalJson(versioned)).digest('hex').slice(0, 20);

  return {
    version,
    lineId: line.id,
    channel: f.channel,
    eligible: blockers.length === 0,
    blockers,
    warnings,
    requiredAcknowledgements,
    acknowledgementTexts: Object.fromEntries(requiredAcknowledgements.map((c) => [c, ackText(lang, c, ackParams)])),
    bill: { items: settlement.items.map((i) => ({ ...i, label: billLabel(lang, i.code) })), totalFen: settlement.billTotalFen },
    refund: {
      cashBalanceFen: account.cash_balance_fen,
      reservedByOtherRequestsFen: Math.min(share.reservedFen, account.cash_balance_fen),
      availableFen,
      promotionalCreditFen: settlement.promotionalCreditFen,
      owedFen: settlement.billTotalFen,
      shortfallFen: settlement.shortfallFen,
      refundableFen,
      settlesAccount,
      staysOnAccount: settlesAccount ? null : {
        amountFen: Math.max(0, availableFen - settlement.billTotalFen),
        promotionalCreditFen: account.promo_credit_fen,
        lines: keeping.map((l) => l.msisdn.slice(-4)),
        ...(share.moreKeeping ? { moreLines: share.moreKeeping } : {}),
      },
      note: settlesAccount
        ? refundNote(lang)
        : balanceStaysNote(lang, { amountFen: Math.max(0, availableFen - settlement.billTotalFen), tails: keeping.map((l) => l.msisdn.slice(-4)), more: share.moreKeeping }),
    },
    penalty: { applies: penaltyFen > 0, amountFen: penaltyFen, accepted: f.acceptPenalty && penaltyFen > 0 },
    refundRoutes,
    ...(f.mvno || line.sold_by !== 'carrier'
      ? {
          seller: {
            code: f.mvno?.code ?? 'third_party',
            name: f.mvno ? (lang === 'en' ? f.mvno.name_en : f.mvno.name_zh) : (lang === 'en' ? 'Third-party seller' : '第三方销售方'),
            hotline: f.mvno?.hotline ?? f.carrier.hotline,
            acceptsForwarded: f.mvno?.accepts_forwarded ?? false,
            forwardedTicket: f.forwardedTicket ?? null,
          },
        }
      : {}),
    freezeDays: s.freezeDays,
    computedOn: today,
    payment: paymentChoices({ ...money, cashBalanceFen: account.cash_balance_fen }, today, f.acceptPenalty, line.status === 'cancelled'),
  };
}

/** The amounts "pay now" charges, computed as billing/pay-outstanding charges them (the whole cash balance). */
function paymentChoices(money: MoneyFacts, today: string, acceptPenalty: boolean, cancelled: boolean): Quote['payment'] {
  const online = outstandingPayment(money, today, acceptPenalty, false);
  if (cancelled || (online.dueFen === 0 && online.shortfallFen === 0)) return null;
  const offset = outstandingPayment(money, today, acceptPenalty, true);
  return { online, balanceOffset: offset.offsetFen > 0 ? offset : null };
}
