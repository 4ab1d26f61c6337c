// When a failed delivery is tried again: pure, no I/O. About three days of retries, then dead.

/** Seconds before attempt n+1 after attempt n failed (index 0: after the first attempt). Sum ≈ 70 h. */
export const RETRY_SCHEDULE_SECONDS = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600, 14 * 3600, 14 * 3600, 14 * 3600] as const;
/** Attempts in all: the first and one per entry of the schedule. */
export const MAX_ATTEMPTS = RETRY_SCHEDULE_SECONDS.length + 1;
/** A Retry-After longer than this is not honoured as such: the schedule's own delay is used. */
export const MAX_RETRY_AFTER_SECONDS = 24 * 3600;

/**
 * The delay before the next attempt, or null when `attempts` (made so far) is the last one.
 * A receiver's Retry-After (429, 503), when given and sane, replaces the schedule's delay.
 */
export function nextRetryDelaySeconds(attempts: number, retryAfterSeconds?: number | null): number | null {
  if (attempts >= MAX_ATTEMPTS) return null;
  const scheduled = RETRY_SCHEDULE_SECONDS[Math.max(0, attempts - 1)]!;
  if (retryAfterSeconds != null && Number.isFinite(retryAfterSeconds) && retryAfterSeconds >= 0 && retryAfterSeconds <= MAX_RETRY_AFTER_SECONDS) {
    return Math.max(1, Math.ceil(retryAfterSeconds));
  }
  return scheduled;
}

// Retry-After is read by one helper for every caller (webhooks, outside systems): src/shared/retry-after.ts.
export { parseRetryAfter } from '../shared/retry-after.ts';
