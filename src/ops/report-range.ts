// The period a dashboard figure or an export covers: whole calendar days in China time (UTC+8),
// both ends included, optionally one carrier. Pure: `now` is passed in.
import { chinaDate } from '../billing/final-bill.ts';
import type { CarrierCode } from '../db/schema.ts';
import { AppError } from '../shared/errors.ts';

export const CARRIER_CODES: readonly CarrierCode[] = ['cmcc', 'cucc', 'ctcc', 'cbn'];
export const MAX_RANGE_DAYS = 366;
const DAY_MS = 86_400_000;

export interface ReportRange {
  from: string;
  to: string;
  carrier: CarrierCode | null;
  /** from 00:00 China time, as an instant. */
  start: Date;
  /** The day after `to`, 00:00 China time: the range is [start, end). */
  end: Date;
}

const chinaMidnight = (date: string) => new Date(`${date}T00:00:00+08:00`);

function parseDay(value: string, field: string): string {
  const ok = /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(chinaMidnight(value).getTime()) && chinaDate(chinaMidnight(value)) === value;
  if (!ok) throw new AppError('validation_failed', `${field} must be a calendar date written YYYY-MM-DD.`, { field });
  return value;
}

/** Defaults: the 30 days up to and including today (China time), every carrier. */
export function reportRange(q: { from?: string; to?: string; carrier?: string }, now: Date): ReportRange {
  const to = q.to ? parseDay(q.to, 'to') : chinaDate(now);
  const from = q.from ? parseDay(q.from, 'from') : chinaDate(new Date(chinaMidnight(to).getTime() - 29 * DAY_MS));
  if (from > to) throw new AppError('validation_failed', 'from must not be after to.', { from, to });
  const start = chinaMidnight(from);
  const end = new Date(chinaMidnight(to).getTime() + DAY_MS);
  if ((end.getTime() - start.getTime()) / DAY_MS > MAX_RANGE_DAYS) {
    throw new AppError('validation_failed', `A report covers at most ${MAX_RANGE_DAYS} days; narrow the range.`, { from, to });
  }
  let carrier: CarrierCode | null = null;
  if (q.carrier) {
    if (!(CARRIER_CODES as readonly string[]).includes(q.carrier)) {
      throw new AppError('validation_failed', `carrier must be one of ${CARRIER_CODES.join(', ')}.`, { field: 'carrier' });
    }
    carrier = q.carrier as CarrierCode;
  }
  return { from, to, carrier, start, end };
}
