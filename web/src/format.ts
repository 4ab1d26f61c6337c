// Display helpers: money in integer fen, dates in Beijing time in the user's language, localized names.
import type { Localized } from './api.ts';

/** 1234 fen → "¥12.34"; -50 → "-¥0.50"; thousands grouped: 12345678 → "¥123,456.78". */
export function formatFen(fen: number): string {
  if (!Number.isFinite(fen)) return '—';
  const n = Math.round(fen);
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  const yuan = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = String(abs % 100).padStart(2, '0');
  return `${sign}¥${yuan}.${cents}`;
}

/** Beijing time, whatever the browser's zone, and labelled so: "2026年3月2日 00:05（北京时间）", "2 Mar 2026, 00:05 (Beijing time)". */
export function formatDateTime(iso: string | null | undefined, lang: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const text = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', {
    dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Shanghai', hourCycle: 'h23',
  }).format(d);
  return lang === 'en' ? `${text} (Beijing time)` : `${text}（北京时间）`;
}

/** Only the clock time in Beijing ("14:05"), for lists of one day already labelled Beijing time. */
export function formatBeijingClock(iso: string, lang: string): string {
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Shanghai', hourCycle: 'h23' }).format(new Date(iso));
}

export function pickName(name: Localized | string | null | undefined, lang: string): string {
  if (!name) return '';
  if (typeof name === 'string') return name;
  return lang === 'en' ? name.en || name.zh : name.zh || name.en;
}

/** RFC 4122 v4 id. crypto.randomUUID needs a secure context; getRandomValues does not. */
export function newUuid(): string {
  if (typeof crypto.randomUUID === 'function' && (globalThis as { isSecureContext?: boolean }).isSecureContext) {
    return crypto.randomUUID();
  }
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Label separator: full-width colon in Chinese text. */
export function colon(lang: string): string {
  return lang === 'en' ? ': ' : '：';
}

/** Last four digits of a phone number as the user would type them. */
export function last4(msisdn: string): string {
  return msisdn.replace(/\D/g, '').slice(-4);
}

/**
 * A phone number as Chinese carriers write it: mobile numbers in groups of 3-4-4 without the +86
 * ("+8613800138001" → "138 0013 8001"), masked ones the same way ("138****8001" → "138 **** 8001").
 * Landlines, hotlines and anything else come back as they are.
 */
export function formatMsisdn(value: string | null | undefined): string {
  if (!value) return '';
  const bare = value.trim().replace(/[\s-]/g, '').replace(/^(?:\+|00)?86(?=1[\d*]{10}$)/, '');
  if (/^1[\d*]{10}$/.test(bare)) return `${bare.slice(0, 3)} ${bare.slice(3, 7)} ${bare.slice(7)}`;
  return value.trim();
}

/** A tel: link for a hotline or phone number ("4006-171-171" → "tel:4006171171", "+86 10 1234" → "tel:+86101234"). */
export function telHref(phone: string): string {
  return `tel:${phone.trim().replace(/(?!^\+)[^\d]/g, '')}`;
}

/** Only the calendar date in Beijing, labelled: "2026年3月2日（北京时间）", "2 Mar 2026 (Beijing time)". */
export function formatDate(iso: string | null | undefined, lang: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const text = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', { dateStyle: 'long', timeZone: 'Asia/Shanghai' }).format(d);
  return lang === 'en' ? `${text} (Beijing time)` : `${text}（北京时间）`;
}
