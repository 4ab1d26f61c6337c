/**
 * Reference data every installation needs: the four base carriers with their default settings, the
 * MVNO brands hosted on them, and the stores. Idempotent: rows that exist are left as they are
 * (an operator may have changed a carrier's settings since).
 */
import type { Insertable, Kysely } from 'kysely';
import type { CarrierSettings, CarriersTable, DB, MvnoBrandsTable, StoresTable } from '../schema.ts';

const DEFAULTS: CarrierSettings = {
  freezeDays: 90,
  reviewSlaHours: 24,
  onlineReviewRequired: true,
  autoApproveMaxRefundFen: null,
  storeOnlyConditions: ['lost_or_suspended'],
  outOfProvince: 'local',
  outOfProvinceSlaDays: 15,
  penaltyRemainingFeePercent: 30,
  arrearsDailyPerMille: 3,
  refundRoutes: ['original', 'bank', 'line'],
};

/** The settings a carrier starts with (each can be changed per carrier by an admin). */
export const DEFAULT_CARRIER_SETTINGS: Readonly<CarrierSettings> = Object.freeze(DEFAULTS);

/** A fresh, mutable copy of the default settings. */
export function defaultCarrierSettings(): CarrierSettings {
  return structuredClone(DEFAULTS);
}

export const CARRIER_ROWS: ReadonlyArray<Omit<Insertable<CarriersTable>, 'settings'>> = [
  { code: 'cmcc', name_zh: '中国移动', name_en: 'China Mobile', hotline: '10086' },
  { code: 'cucc', name_zh: '中国联通', name_en: 'China Unicom', hotline: '10010' },
  { code: 'ctcc', name_zh: '中国电信', name_en: 'China Telecom', hotline: '10000' },
  { code: 'cbn', name_zh: '中国广电', name_en: 'China Broadnet', hotline: '10099' },
];

/** Demo MVNO brands. `accepts_forwarded`: whether the brand takes cancellation requests forwarded by the host carrier. */
export const MVNO_BRANDS: ReadonlyArray<Insertable<MvnoBrandsTable>> = [
  { code: 'xiaomi_mobile', name_zh: '小米移动', name_en: 'Xiaomi Mobile', host_carrier: 'cucc', hotline: '4006-100-558', accepts_forwarded: true },
  { code: 'ali_comm', name_zh: '阿里通信', name_en: 'Alibaba Communications', host_carrier: 'cmcc', hotline: '4006-171-171', accepts_forwarded: true },
  { code: 'jd_comm', name_zh: '京东通信', name_en: 'JD Communications', host_carrier: 'ctcc', hotline: '4006-065-170', accepts_forwarded: false },
  { code: 'snail_mobile', name_zh: '蜗牛移动', name_en: 'Snail Mobile', host_carrier: 'cucc', hotline: '4006-171-880', accepts_forwarded: false },
  { code: 'suning_comm', name_zh: '苏宁互联', name_en: 'Suning Telecom', host_carrier: 'cmcc', hotline: '4006-170-365', accepts_forwarded: true },
  { code: 'yuantel', name_zh: '远特通信', name_en: 'Yuantel', host_carrier: 'ctcc', hotline: '4006-170-100', accepts_forwarded: true },
];

/** Demo stores. The demo clerk works at cmcc-bj-001 (Beijing, province 11). */
export const STORES: ReadonlyArray<Insertable<StoresTable>> = [
  { id: 'cmcc-bj-001', carrier: 'cmcc', name_zh: '中国移动北京西单营业厅', name_en: 'China Mobile Beijing Xidan Store', province: '11' },
  { id: 'cmcc-sh-001', carrier: 'cmcc', name_zh: '中国移动上海南京东路营业厅', name_en: 'China Mobile Shanghai East Nanjing Road Store', province: '31' },
  { id: 'cmcc-gd-001', carrier: 'cmcc', name_zh: '中国移动广州天河营业厅', name_en: 'China Mobile Guangzhou Tianhe Store', province: '44' },
  { id: 'cucc-sh-001', carrier: 'cucc', name_zh: '中国联通上海徐家汇营业厅', name_en: 'China Unicom Shanghai Xujiahui Store', province: '31' },
  { id: 'cucc-bj-001', carrier: 'cucc', name_zh: '中国联通北京王府井营业厅', name_en: 'China Unicom Beijing Wangfujing Store', province: '11' },
  { id: 'ctcc-gd-001', carrier: 'ctcc', name_zh: '中国电信广州体育西营业厅', name_en: 'China Telecom Guangzhou Tiyu Xi Store', province: '44' },
  { id: 'ctcc-sc-001', carrier: 'ctcc', name_zh: '中国电信成都春熙路营业厅', name_en: 'China Telecom Chengdu Chunxi Road Store', province: '51' },
  { id: 'cbn-bj-001', carrier: 'cbn', name_zh: '中国广电北京朝阳营业厅', name_en: 'China Broadnet Beijing Chaoyang Store', province: '11' },
];

/** Inserts carriers, MVNO brands and stores that are missing. Safe to run at every start. */
export async function seedReferenceData(db: Kysely<DB>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('carriers')
      .values(CARRIER_ROWS.map((c) => ({ ...c, settings: JSON.stringify(DEFAULT_CARRIER_SETTINGS) })))
      .onConflict((oc) => oc.column('code').doNothing())
      .execute();
    await trx
      .insertInto('mvno_brands')
      .values([...MVNO_BRANDS])
      .onConflict((oc) => oc.column('code').doNothing())
      .execute();
    await trx
      .insertInto('stores')
      .values([...STORES])
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  });
}
