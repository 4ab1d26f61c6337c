/**
 * Name material for demo customers: common Chinese surnames (roughly by frequency), given-name
 * characters by the sex usually associated with them, and parts of company names. Pure data.
 */
import type { Random } from './random.ts';

/** [surname, relative weight]; the ten most common cover about 40% of the population. */
const SURNAMES: ReadonlyArray<readonly [string, number]> = [
  ['王', 72], ['李', 71], ['张', 68], ['刘', 54], ['陈', 46], ['杨', 33], ['黄', 24], ['赵', 21], ['吴', 21], ['周', 20],
  ['徐', 16], ['孙', 15], ['马', 14], ['朱', 13], ['胡', 13], ['郭', 12], ['何', 12], ['高', 11], ['林', 11], ['罗', 11],
  ['郑', 10], ['梁', 10], ['谢', 8], ['宋', 8], ['唐', 8], ['许', 7], ['韩', 7], ['冯', 7], ['邓', 7], ['曹', 7],
  ['彭', 6], ['曾', 6], ['肖', 6], ['田', 6], ['董', 6], ['袁', 6], ['潘', 5], ['于', 5], ['蒋', 5], ['蔡', 5],
  ['余', 5], ['杜', 5], ['叶', 5], ['程', 5], ['苏', 4], ['魏', 4], ['吕', 4], ['丁', 4], ['任', 4], ['沈', 4],
  ['姚', 3], ['卢', 3], ['姜', 3], ['崔', 3], ['钟', 3], ['谭', 3], ['陆', 3], ['汪', 3], ['范', 3], ['金', 3],
  ['石', 3], ['廖', 3], ['贾', 3], ['夏', 3], ['韦', 3], ['付', 3], ['方', 3], ['白', 2], ['邹', 2], ['孟', 2],
  ['熊', 2], ['秦', 2], ['邱', 2], ['江', 2], ['尹', 2], ['薛', 2], ['闫', 2], ['段', 2], ['雷', 2], ['侯', 2],
  ['龙', 2], ['史', 2], ['陶', 2], ['黎', 2], ['贺', 2], ['顾', 2], ['毛', 2], ['郝', 2], ['龚', 2], ['邵', 2],
  ['欧阳', 1], ['司马', 0.3], ['诸葛', 0.2], ['上官', 0.2],
];

const MALE_CHARS = [...'伟强磊军勇杰涛明超辉刚健华建国平鹏飞斌宇浩凯俊波峰亮龙东志文斌博晨昊然轩睿泽宏德海林'];
const FEMALE_CHARS = [...'芳娜敏静丽艳娟霞燕玲婷雪慧莹琳颖倩洁欣怡萍红梅兰凤佳悦诗雨晴宁琪瑶薇月春秀云'];
const NEUTRAL_CHARS = [...'文晓子一嘉思雅梓欣宇新安可诗天心明嘉立志'];

/** A realistic personal name: a surname and one or two given-name characters. */
export function personName(rnd: Random, sex: 'male' | 'female'): string {
  const surname = rnd.weighted(SURNAMES);
  const pool = sex === 'male' ? MALE_CHARS : FEMALE_CHARS;
  if (rnd.chance(0.3)) return surname + rnd.pick(pool);
  const first = rnd.chance(0.35) ? rnd.pick(NEUTRAL_CHARS) : rnd.pick(pool);
  let second = rnd.pick(pool);
  if (second === first && rnd.chance(0.7)) second = rnd.pick(pool);
  return surname + first + second;
}

const COMPANY_CITIES: Readonly<Record<string, string>> = {
  '11': '北京', '12': '天津', '31': '上海', '32': '南京', '33': '杭州', '37': '济南', '42': '武汉',
  '44': '广州', '50': '重庆', '51': '成都', '61': '西安', '35': '福州', '43': '长沙', '41': '郑州',
};
const COMPANY_WORDS = [...'华 信 达 恒 泰 盛 鼎 瑞 新 创 远 嘉 博 智 云 星 海 天 宏 润 安 和 联 通 科 诚 中 汇 丰 锦'.split(' ')];
const COMPANY_TRADES = ['科技', '信息技术', '网络科技', '数据科技', '贸易', '物流', '文化传媒', '建设工程', '餐饮管理', '电子商务', '咨询服务', '医疗器械'];
const COMPANY_FORMS = ['有限公司', '有限公司', '有限公司', '股份有限公司', '有限责任公司'];

/** The city a company of this province is registered in (for its name). */
export function companyCity(province: string): string {
  return COMPANY_CITIES[province] ?? '';
}

/** A realistic company name, e.g. 杭州瑞达网络科技有限公司. */
export function companyName(rnd: Random, province: string): string {
  const words = rnd.pick(COMPANY_WORDS) + rnd.pick(COMPANY_WORDS);
  return `${companyCity(province)}${words}${rnd.pick(COMPANY_TRADES)}${rnd.pick(COMPANY_FORMS)}`;
}
