// The quote at the counter: the online quote on channel 'store' (lost or suspended lines and
// store-only numbers are no longer in the way), plus what only a store knows: a store cancels only
// its own carrier's lines, and an out-of-province line is either cancelled on the spot (异地销户,
// the default) or, when the carrier forwards such requests, sent to the home province. The
// 'out_of_province_forwarded' condition is therefore not a blocker here but a notice: the request
// is still taken at the counter and goes to review with a working-day deadline.
import type { AppContext } from '../context.ts';
import { composeQuote, type Blocker, type Quote, type QuoteFacts } from '../cancellation/compose-quote.ts';
import { loadQuoteFacts } from '../cancellation/load-quote-facts.ts';
import type { Lang } from '../cancellation/messages.ts';
import { provinceName } from '../lines/provinces.ts';
import { maskMsisdn } from '../lines/mask.ts';
import { loadStore, type Clerk, type StoreInfo } from './clerk-store.ts';
import { storeBlockerText } from './store-messages.ts';

export interface StoreQuote extends Quote {
  store: { id: string; province: string; outOfProvince: boolean };
  /** Set when the carrier forwards out-of-province requests: the request goes to the home province. */
  forwarding: null | { province: string; provinceName: string; slaDays: number; message: string; remedy: string };
}

export const FORWARDED_CODE = 'out_of_province_forwarded';

/** Pure: the store's quote over loaded facts (facts.channel must be 'store'). */
export function composeStoreQuote(facts: QuoteFacts, lang: Lang, store: StoreInfo): StoreQuote {
  const q = composeQuote({ ...facts, channel: 'store', storeProvince: store.province }, lang);
  const forwarded = q.blockers.find((b) => b.code === FORWARDED_CODE);
  const blockers: Blocker[] = q.blockers.filter((b) => b.code !== FORWARDED_CODE);
  if (facts.line.carrier !== store.carrier) {
    const params = {
      lineCarrier: lang === 'en' ? facts.carrier.nameEn : facts.carrier.nameZh,
      storeName: lang === 'en' ? store.nameEn : store.nameZh,
    };
    blockers.unshift({ code: 'other_carrier', ...storeBlockerText(lang, 'other_carrier', params), remedyAction: null, params });
  }
  const home = facts.line.home_province;
  return {
    ...q,
    blockers,
    eligible: blockers.length === 0,
    store: { id: store.id, province: store.province, outOfProvince: home !== store.province },
    forwarding: forwarded
      ? { province: home, provinceName: provinceName(home, lang === 'en' ? 'en' : 'zh'), slaDays: facts.carrier.settings.outOfProvinceSlaDays, message: forwarded.message, remedy: forwarded.remedy }
      : null,
  };
}

/** What a clerk is shown: other lines offered as refund targets appear masked. */
export function maskQuoteForClerk(q: StoreQuote): StoreQuote {
  return {
    ...q,
    refundRoutes: q.refundRoutes.map((r) => (r.lines ? { ...r, lines: r.lines.map((l) => ({ id: l.id, msisdn: maskMsisdn(l.msisdn) })) } : r)),
  };
}

export async function quoteStoreCancellation(
  ctx: AppContext,
  clerk: Clerk,
  q: { lineId: string; acceptPenalty: boolean; lang: Lang },
): Promise<StoreQuote> {
  const store = await loadStore(ctx.db, clerk.storeId);
  const facts = await loadQuoteFacts(ctx.db, { lineId: q.lineId, channel: 'store', acceptPenalty: q.acceptPenalty, now: ctx.now(), storeProvince: store.province });
  return composeStoreQuote(facts, q.lang, store);
}
