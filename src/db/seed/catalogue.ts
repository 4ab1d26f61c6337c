/**
 * Product catalogue of the demo data: plan names and monthly fees per carrier and MVNO brand, device
 * names, and the provinces' population weights. Pure data.
 */
import type { CarrierCode } from '../schema.ts';

export type Plan = readonly [name: string, monthlyFeeFen: number];

export const PLANS: Readonly<Record<CarrierCode, readonly Plan[]>> = {
  cmcc: [
    ['神州行 保号套餐 8元', 800],
    ['动感地带 芒果卡 29元', 2900],
    ['畅享套餐 58元', 5800],
    ['5G 畅享套餐 98元', 9800],
    ['5G 智享套餐 128元', 12800],
    ['全球通 尊享套餐 188元', 18800],
  ],
  cucc: [
    ['大王卡 19元', 1900],
    ['沃派 39元', 3900],
    ['5G 畅爽冰激凌 129元', 12900],
    ['5G 畅爽冰激凌 199元', 19900],
  ],
  ctcc: [
    ['星卡 19元', 1900],
    ['天翼畅享 59元', 5900],
    ['5G 畅享套餐 129元', 12900],
    ['5G 畅享套餐 169元', 16900],
  ],
  cbn: [
    ['广电 5G 新卡 29元', 2900],
    ['广电 5G 畅享 59元', 5900],
    ['广电 5G 慧家 99元', 9900],
  ],
};

/** Converged plans (融合套餐) of a primary line with home broadband. */
export const BROADBAND_PLANS: Readonly<Record<CarrierCode, readonly Plan[]>> = {
  cmcc: [['全家享 融合套餐 128元（含千兆宽带）', 12800], ['5G 智享融合 169元（含宽带+电视）', 16900]],
  cucc: [['5G 智慧沃家 169元（含千兆宽带）', 16900], ['沃家融合 99元（含宽带）', 9900]],
  ctcc: [['天翼 5G 融合 199元（含千兆宽带）', 19900], ['天翼家庭融合 129元（含宽带）', 12900]],
  cbn: [['广电 5G 慧家融合 99元（含宽带+电视）', 9900]],
};

/** Family plans (亲情套餐) of a primary line with secondary cards. */
export const FAMILY_PLANS: Readonly<Record<CarrierCode, readonly Plan[]>> = {
  cmcc: [['全家享 亲情套餐 98元', 9800], ['全家享 亲情套餐 158元', 15800]],
  cucc: [['沃家亲情 5G 139元', 13900]],
  ctcc: [['天翼 5G 全家福 129元', 12900]],
  cbn: [['广电 5G 亲情 79元', 7900]],
};

export const SECONDARY_PLAN: Plan = ['亲情副卡 10元', 1000];

export const MVNO_PLANS: Readonly<Record<string, readonly Plan[]>> = {
  xiaomi_mobile: [['小米移动 米粉卡 19元', 1900], ['小米移动 任我行 39元', 3900]],
  ali_comm: [['阿里宝卡 18元', 1800], ['阿里宝卡 畅享 38元', 3800]],
  jd_comm: [['京东超值卡 16元', 1600], ['京东畅享卡 36元', 3600]],
  snail_mobile: [['蜗牛免卡 9元', 900], ['蜗牛 流量卡 29元', 2900]],
  suning_comm: [['苏宁 易购卡 15元', 1500], ['苏宁 畅联卡 35元', 3500]],
  yuantel: [['远特 流量王 29元', 2900], ['远特 5G 畅享 49元', 4900]],
};

/** Phones that take a consumer eSIM (the commercial trial began in October 2025). */
export const ESIM_PHONES = ['iPhone Air', 'iPhone 17 Pro', 'HUAWEI Mate 80', 'Xiaomi 17 Pro', 'OPPO Find X9', 'vivo X300', 'HONOR Magic8'];

/** Watches sharing the phone's number (一号双终端). */
export const ESIM_WATCHES = ['Apple Watch Series 11', 'HUAWEI WATCH 5', 'Xiaomi Watch S4 eSIM', 'OPPO Watch X2', 'vivo WATCH 5'];

/** The first day a consumer phone eSIM line can have been activated in the demo data. */
export const ESIM_LAUNCH_DATE = '2025-10-16';

/** 2020 census population in millions, as weights for picking a home province. */
export const PROVINCE_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ['11', 21.9], ['12', 13.9], ['13', 74.6], ['14', 34.9], ['15', 24.0], ['21', 42.6], ['22', 24.1], ['23', 31.9],
  ['31', 24.9], ['32', 84.7], ['33', 64.6], ['34', 61.0], ['35', 41.5], ['36', 45.2], ['37', 101.5], ['41', 99.4],
  ['42', 57.8], ['43', 66.4], ['44', 126.0], ['45', 50.1], ['46', 10.1], ['50', 32.1], ['51', 83.7], ['52', 38.6],
  ['53', 47.2], ['54', 3.6], ['61', 39.5], ['62', 25.0], ['63', 5.9], ['64', 7.2], ['65', 25.9],
];
