// SIM / eSIM management: every line registered under the signed-in person's ID document, at every
// carrier and MVNO (the same ID may be registered separately with each carrier).
import type { Kysely } from 'kysely';
import type { AppContext } from '../context.ts';
import type { DB } from '../db/schema.ts';
import { LIVE_STATUSES } from '../cancellation/transitions.ts';
import { provinceName } from './provinces.ts';
import { maskEid, maskIccid, maskImsi } from './mask.ts';
import { loadForwards, type ForwardView } from '../partners/forward-view.ts';

export interface LineView {
  id: string;
  msisdn: string;
  carrier: string;
  carrierName: { zh: string; en: string };
  mvno: null | { code: string; name: { zh: string; en: string }; hotline: string; acceptsForwarded: boolean };
  soldBy: string;
  formFactor: 'physical' | 'esim';
  status: string;
  maskedIccid: string;
  maskedImsi: string;
  maskedEid: string | null;
  deviceLabel: string | null;
  homeProvince: string;
  homeProvinceName: { zh: string; en: string };
  planName: string;
  monthlyFeeFen: number;
  bundleRole: string;
  hasBroadband: boolean;
  contractEnd: string | null;
  companions: Array<{ deviceLabel: string; formFactor: 'esim' }>;
  liveRequest: null | { id: string; status: string };
  /** A cancelled number still in its freeze (冷冻期): the former owner may recover it until then. */
  frozenUntil: string | null;
  /** An MVNO line whose cancellation was forwarded to the MVNO: the ticket, where it stands, the MVNO's answers. */
  forwarded: null | Omit<ForwardView, 'mvno'>;
}

/** All customer records that share this customer's ID document (blind index). */
export async function sameIdCustomerIds(db: Kysely<DB>, customerId: string): Promise<string[]> {
  const rows = await db.selectFrom('customers as c').innerJoin('customers as me', 'me.id_blind', 'c.id_blind').select('c.id').where('me.id', '=', customerId).execute();
  return rows.map((r) => r.id);
}

export async function loadLineViews(db: Kysely<DB>, where: { customerIds?: string[]; lineIds?: string[] }): Promise<LineView[]> {
  let q = db.selectFrom('lines as l')
    .innerJoin('carriers as c', 'c.code', 'l.carrier')
    .leftJoin('mvno_brands as m', 'm.code', 'l.mvno_code')
    .select([
      'l.id', 'l.msisdn', 'l.carrier', 'c.name_zh as carrier_zh', 'c.name_en as carrier_en', 'l.mvno_code', 'm.name_zh as mvno_zh', 'm.name_en as mvno_en',
      'm.hotline as mvno_hotline', 'm.accepts_forwarded', 'l.sold_by', 'l.form_factor', 'l.status', 'l.iccid', 'l.imsi', 'l.eid', 'l.device_label',
      'l.home_province', 'l.plan_name', 'l.monthly_fee_fen', 'l.bundle_role', 'l.has_broadband', 'l.contract_end',
    ]);
  if (where.customerIds) q = q.where('l.customer_id', 'in', where.customerIds.length ? where.customerIds : ['00000000-0000-0000-0000-000000000000']);
  if (where.lineIds) q = q.where('l.id', 'in', where.lineIds.length ? where.lineIds : ['00000000-0000-0000-0000-000000000000']);
  const rows = await q.orderBy('l.carrier').orderBy('l.msisdn').execute();
  const ids = rows.map((r) => r.id);
  const [companions, live, frozen, forwards] = ids.length
    ? await Promise.all([
        db.selectFrom('companion_devices').select(['line_id', 'device_label']).where('line_id', 'in', ids).where('status', '=', 'active').execute(),
        db.selectFrom('cancellation_requests').select(['line_id', 'id', 'status']).where('line_id', 'in', ids).where('status', 'in', [...LIVE_STATUSES, 'completed']).execute(),
        db.selectFrom('number_pool').select(['line_id', 'frozen_until']).where('line_id', 'in', ids).where('state', '=', 'frozen').execute(),
        loadForwards(db, { lineIds: ids }),
      ])
    : [[], [], [], new Map<string, ForwardView>()];
  return rows.map((r) => {
    const lr = live.find((x) => x.line_id === r.id);
    return {
      id: r.id,
      msisdn: r.msisdn,
      carrier: r.carrier,
      carrierName: { zh: r.carrier_zh, en: r.carrier_en },
      mvno: r.mvno_code ? { code: r.mvno_code, name: { zh: r.mvno_zh!, en: r.mvno_en! }, hotline: r.mvno_hotline!, acceptsForwarded: !!r.accepts_forwarded } : null,
      soldBy: r.sold_by,
      formFactor: r.form_factor,
      status: r.status,
      maskedIccid: maskIccid(r.iccid),
      maskedImsi: maskImsi(r.imsi),
      maskedEid: r.eid ? maskEid(r.eid) : null,
      deviceLabel: r.device_label,
      homeProvince: r.home_province,
      homeProvinceName: { zh: provinceName(r.home_province, 'zh'), en: provinceName(r.home_province, 'en') },
      planName: r.plan_name,
      monthlyFeeFen: r.monthly_fee_fen,
      bundleRole: r.bundle_role,
      hasBroadband: r.has_broadband,
      contractEnd: r.contract_end,
      companions: companions.filter((c) => c.line_id === r.id).map((c) => ({ deviceLabel: c.device_label, formFactor: 'esim' as const })),
      liveRequest: lr ? { id: lr.id, status: lr.status } : null,
      frozenUntil: r.status === 'cancelled' ? isoOrNull(frozen.find((x) => x.line_id === r.id)?.frozen_until) : null,
      forwarded: forwardOf(forwards.get(r.id)),
    };
  });
}

const isoOrNull = (v: Date | string | null | undefined) => (v ? new Date(v).toISOString() : null);
// The MVNO's answers come with it (src/partners/forward-view.ts).
const forwardOf = (f: ForwardView | undefined) => (f ? { ticket: f.ticket, createdAt: f.createdAt, status: f.status, partnerReference: f.partnerReference, answers: f.answers } : null);

export async function listMyLines(ctx: AppContext, customerId: string): Promise<LineView[]> {
  return loadLineViews(ctx.db, { customerIds: await sameIdCustomerIds(ctx.db, customerId) });
}
