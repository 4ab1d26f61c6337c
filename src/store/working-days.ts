// Working-day deadlines (out-of-province requests are decided "within N working days"). Working days
// are Monday to Friday in mainland China time; public holidays and their make-up working days are
// not modelled (a carrier calendar would plug in here). Pure.
const CHINA_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** The instant `days` working days after `from`, at the same time of day (China time). */
export function addWorkingDays(from: Date, days: number): Date {
  if (!Number.isInteger(days) || days < 0) throw new RangeError('days must be a non-negative whole number');
  let t = from.getTime();
  let left = days;
  while (left > 0) {
    t += DAY_MS;
    const weekday = new Date(t + CHINA_OFFSET_MS).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left -= 1;
  }
  return new Date(t);
}
