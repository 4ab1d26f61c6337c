// Pure helpers of the operations dashboard: China calendar days (UTC+8, as the server counts them).

export const CARRIERS = ['cmcc', 'cucc', 'ctcc', 'cbn'] as const;
const DAY_MS = 86_400_000;

/** Today's date in China (UTC+8), YYYY-MM-DD. */
export function chinaToday(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** The calendar day `n` days after `day` (negative: before). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Every day from `from` to `to`, both included (at most 400, to keep a chart readable and the loop bounded). */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to && out.length < 400; d = addDays(d, 1)) out.push(d);
  return out;
}
