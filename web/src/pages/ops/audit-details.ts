// An audit entry's details as a person reads them: one labelled line per field, statuses and
// actions in words, times in Beijing time, a settings change as "before → after". Pure.
import { formatDateTime, formatFen } from '../../format.ts';
import type { TFunction } from '../../i18n.tsx';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const STATUS_FIELDS = new Set(['from', 'to', 'status']);

/** camelCase / snake_case → "camel case" for a field without a catalogue label. */
function humanise(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase();
}

export function fieldLabel(key: string, t: TFunction): string {
  return t.dyn(`audit.field.${key}`, humanise(key));
}

export function valueText(key: string, v: unknown, t: TFunction): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? t('audit.yes') : t('audit.no');
  if (typeof v === 'number') return /Fen$/.test(key) ? formatFen(v) : String(v);
  if (typeof v === 'string') {
    if (STATUS_FIELDS.has(key)) return t.dyn(`status.${v}`, v);
    if (key === 'role' || key === 'channel' || key === 'carrier') return t.dyn(`${key}.${v}`, v);
    if (ISO.test(v)) return formatDateTime(v, t.lang);
    return v;
  }
  if (Array.isArray(v)) return v.length ? v.map((x) => valueText(key, x, t)).join(t.lang === 'en' ? ', ' : '、') : '—';
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('from' in o && 'to' in o && Object.keys(o).length === 2) return `${valueText(key, o.from, t)} → ${valueText(key, o.to, t)}`;
    return Object.entries(o).map(([k, x]) => `${fieldLabel(k, t)}${t.lang === 'en' ? ': ' : '：'}${valueText(k, x, t)}`).join(t.lang === 'en' ? '; ' : '；');
  }
  return String(v);
}

export interface DetailItem { key: string; label: string; text: string }

/** The lines to show; a `changes` map (field → before/after) becomes one line per changed field. */
export function detailItems(details: Record<string, unknown>, t: TFunction): DetailItem[] {
  const out: DetailItem[] = [];
  for (const [key, v] of Object.entries(details)) {
    if (key === 'changes' && v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [field, change] of Object.entries(v as Record<string, unknown>)) {
        out.push({ key: `changes.${field}`, label: t.dyn(`ops.settings.${field}`, fieldLabel(field, t)), text: valueText(field, change, t) });
      }
      continue;
    }
    out.push({ key, label: fieldLabel(key, t), text: valueText(key, v, t) });
  }
  return out;
}
