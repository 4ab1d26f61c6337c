/**
 * The 34 province-level divisions of GB/T 2260 (the first two digits of an administrative region code,
 * of a resident ID number, and our `home_province` column). Pure data.
 */

export interface ProvinceName {
  /** Short Chinese name, as used on screens and receipts (e.g. 北京, 广东, 内蒙古). */
  zh: string;
  /** English name. */
  en: string;
  /** Full Chinese name (e.g. 北京市, 广东省, 内蒙古自治区). */
  zhFull: string;
}

export const PROVINCES: Readonly<Record<string, ProvinceName>> = {
  '11': { zh: '北京', en: 'Beijing', zhFull: '北京市' },
  '12': { zh: '天津', en: 'Tianjin', zhFull: '天津市' },
  '13': { zh: '河北', en: 'Hebei', zhFull: '河北省' },
  '14': { zh: '山西', en: 'Shanxi', zhFull: '山西省' },
  '15': { zh: '内蒙古', en: 'Inner Mongolia', zhFull: '内蒙古自治区' },
  '21': { zh: '辽宁', en: 'Liaoning', zhFull: '辽宁省' },
  '22': { zh: '吉林', en: 'Jilin', zhFull: '吉林省' },
  '23': { zh: '黑龙江', en: 'Heilongjiang', zhFull: '黑龙江省' },
  '31': { zh: '上海', en: 'Shanghai', zhFull: '上海市' },
  '32': { zh: '江苏', en: 'Jiangsu', zhFull: '江苏省' },
  '33': { zh: '浙江', en: 'Zhejiang', zhFull: '浙江省' },
  '34': { zh: '安徽', en: 'Anhui', zhFull: '安徽省' },
  '35': { zh: '福建', en: 'Fujian', zhFull: '福建省' },
  '36': { zh: '江西', en: 'Jiangxi', zhFull: '江西省' },
  '37': { zh: '山东', en: 'Shandong', zhFull: '山东省' },
  '41': { zh: '河南', en: 'Henan', zhFull: '河南省' },
  '42': { zh: '湖北', en: 'Hubei', zhFull: '湖北省' },
  '43': { zh: '湖南', en: 'Hunan', zhFull: '湖南省' },
  '44': { zh: '广东', en: 'Guangdong', zhFull: '广东省' },
  '45': { zh: '广西', en: 'Guangxi', zhFull: '广西壮族自治区' },
  '46': { zh: '海南', en: 'Hainan', zhFull: '海南省' },
  '50': { zh: '重庆', en: 'Chongqing', zhFull: '重庆市' },
  '51': { zh: '四川', en: 'Sichuan', zhFull: '四川省' },
  '52': { zh: '贵州', en: 'Guizhou', zhFull: '贵州省' },
  '53': { zh: '云南', en: 'Yunnan', zhFull: '云南省' },
  '54': { zh: '西藏', en: 'Xizang (Tibet)', zhFull: '西藏自治区' },
  '61': { zh: '陕西', en: 'Shaanxi', zhFull: '陕西省' },
  '62': { zh: '甘肃', en: 'Gansu', zhFull: '甘肃省' },
  '63': { zh: '青海', en: 'Qinghai', zhFull: '青海省' },
  '64': { zh: '宁夏', en: 'Ningxia', zhFull: '宁夏回族自治区' },
  '65': { zh: '新疆', en: 'Xinjiang', zhFull: '新疆维吾尔自治区' },
  '71': { zh: '台湾', en: 'Taiwan', zhFull: '台湾省' },
  '81': { zh: '香港', en: 'Hong Kong', zhFull: '香港特别行政区' },
  '82': { zh: '澳门', en: 'Macao', zhFull: '澳门特别行政区' },
};

/** The province codes in GB/T 2260 order. */
export const PROVINCE_CODES: readonly string[] = Object.keys(PROVINCES).sort();

/** The 31 mainland province-level divisions (all but 71 Taiwan, 81 Hong Kong, 82 Macao). */
export const MAINLAND_PROVINCE_CODES: readonly string[] = PROVINCE_CODES.filter((c) => !['71', '81', '82'].includes(c));

export function isProvinceCode(code: string): boolean {
  return Object.hasOwn(PROVINCES, code);
}

/**
 * The display name of a province code ('11' → 北京 / Beijing). An unknown code is returned as given,
 * so a screen never shows an empty cell.
 */
export function provinceName(code: string, lang: 'zh' | 'en' = 'zh'): string {
  const p = Object.hasOwn(PROVINCES, code) ? PROVINCES[code] : undefined;
  if (!p) return code;
  return lang === 'en' ? p.en : p.zh;
}

/**
 * One real 6-digit administrative region code (GB/T 2260) per province, usually a central district of
 * the capital, for generating resident ID numbers in demo data and tests. 71/81/82 use the
 * province-level codes, as on residence permits of Taiwan, Hong Kong and Macao residents.
 */
export const SAMPLE_REGION_CODES: Readonly<Record<string, string>> = {
  '11': '110101', // 北京市东城区
  '12': '120101', // 天津市和平区
  '13': '130102', // 石家庄市长安区
  '14': '140105', // 太原市小店区
  '15': '150102', // 呼和浩特市新城区
  '21': '210102', // 沈阳市和平区
  '22': '220102', // 长春市南关区
  '23': '230102', // 哈尔滨市道里区
  '31': '310101', // 上海市黄浦区
  '32': '320102', // 南京市玄武区
  '33': '330106', // 杭州市西湖区
  '34': '340102', // 合肥市瑶海区
  '35': '350102', // 福州市鼓楼区
  '36': '360102', // 南昌市东湖区
  '37': '370102', // 济南市历下区
  '41': '410102', // 郑州市中原区
  '42': '420102', // 武汉市江岸区
  '43': '430102', // 长沙市芙蓉区
  '44': '440106', // 广州市天河区
  '45': '450102', // 南宁市兴宁区
  '46': '460105', // 海口市秀英区
  '50': '500103', // 重庆市渝中区
  '51': '510104', // 成都市锦江区
  '52': '520102', // 贵阳市南明区
  '53': '530102', // 昆明市五华区
  '54': '540102', // 拉萨市城关区
  '61': '610102', // 西安市新城区
  '62': '620102', // 兰州市城关区
  '63': '630102', // 西宁市城东区
  '64': '640104', // 银川市兴庆区
  '65': '650102', // 乌鲁木齐市天山区
  '71': '710000', // 台湾省
  '81': '810000', // 香港特别行政区
  '82': '820000', // 澳门特别行政区
};

/** A sample region code for a province code, or undefined for an unknown code. */
export function sampleRegionCode(provinceCode: string): string | undefined {
  return Object.hasOwn(SAMPLE_REGION_CODES, provinceCode) ? SAMPLE_REGION_CODES[provinceCode] : undefined;
}
