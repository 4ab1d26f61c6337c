// The reader's language (zh-CN by default, en) and Beijing-time wording shared by every catalogue.

export type Lang = 'zh-CN' | 'en';
export const LANGS: readonly Lang[] = ['zh-CN', 'en'];

/** The first language of an Accept-Language header that we speak; zh-CN when none is. */
export function pickLang(acceptLanguage: string | undefined): Lang {
  if (!acceptLanguage) return 'zh-CN';
  const first = acceptLanguage.split(',')[0].trim().toLowerCase();
  return first.startsWith('en') ? 'en' : 'zh-CN';
}

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000; // China Standard Time, UTC+8, no daylight saving
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** An instant to the minute in Beijing time, labelled: "2026年3月2日 14:05（北京时间）" / "14:05 Beijing time, 2 Mar 2026". */
export function beijingTime(at: Date | string, lang: Lang): string {
  const ms = typeof at === 'string' ? Date.parse(at) : at.getTime();
  if (Number.isNaN(ms)) return String(at);
  const d = new Date(ms + BEIJING_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  const hm = `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
  return lang === 'en'
    ? `${hm} Beijing time, ${d.getUTCDate()} ${MONTHS_EN[d.getUTCMonth()]} ${d.getUTCFullYear()}`
    : `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${hm}（北京时间）`;
}

/** English count with a plural: plural(1, 'line') → "1 line", plural(2, 'line') → "2 lines". */
export function plural(n: number, one: string, other = `${one}s`): string {
  return `${n} ${n === 1 ? one : other}`;
}
