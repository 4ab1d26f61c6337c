// TMF630 list conventions shared by the TMF APIs here (pure): `fields=` keeps the named first-level
// attributes (id, href and @type always stay, so a client can follow what it got), offset/limit
// paging with X-Total-Count and X-Result-Count.
import { AppError } from '../shared/errors.ts';

export const MAX_LIMIT = 100;
export const DEFAULT_LIMIT = 20;

/** `fields=a,b`: the requested first-level attributes; null when absent (keep everything). */
export function parseFields(fields: string | undefined, known: readonly string[]): string[] | null {
  if (fields === undefined || fields.trim() === '') return null;
  const names = fields.split(',').map((f) => f.trim()).filter(Boolean);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length) throw new AppError('validation_failed', `fields: unknown attribute(s) ${unknown.join(', ')}; choose from ${known.join(', ')}.`, { unknown });
  return names;
}

export function selectFields(resource: Record<string, unknown>, fields: string[] | null): Record<string, unknown> {
  if (!fields) return resource;
  const keep = new Set([...fields, 'id', 'href', '@type']);
  return Object.fromEntries(Object.entries(resource).filter(([k]) => keep.has(k)));
}

/**
 * A date filter as TMF clients send it: `orderDate=<exact instant>`, or with an operator suffix
 * (`orderDate.gt=`, `.gte=`, `.lt=`, `.lte=`). Returns the comparisons to apply.
 */
export type DateOp = '=' | '>' | '>=' | '<' | '<=';
export function dateFilters(query: Record<string, unknown>, name: string): Array<{ op: DateOp; at: Date }> {
  const ops: Record<string, DateOp> = { '': '=', '.gt': '>', '.gte': '>=', '.lt': '<', '.lte': '<=' };
  const out: Array<{ op: DateOp; at: Date }> = [];
  for (const [suffix, op] of Object.entries(ops)) {
    const v = query[`${name}${suffix}`];
    if (v === undefined) continue;
    const at = new Date(String(v));
    if (Number.isNaN(at.getTime())) throw new AppError('validation_failed', `${name}${suffix}: not a date-time (use ISO 8601, e.g. 2026-12-02T05:30:00.000Z).`);
    out.push({ op, at });
  }
  return out;
}

/** Comma-separated values of a filter (`state=inProgress,completed`). */
export const listValues = (v: string | undefined): string[] | null => (v === undefined ? null : v.split(',').map((s) => s.trim()).filter(Boolean));
