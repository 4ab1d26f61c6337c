// Sliding-window rate limits kept in the database, so they hold across processes and restarts.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { AppError } from '../shared/errors.ts';

export interface Limit { bucket: string; max: number; windowSeconds: number; message: string }

/** Counts this attempt against every limit; throws rate_limited (with retryAfterSeconds) when one is full. */
export async function hitRateLimits(db: Kysely<DB>, limits: Limit[], now: Date): Promise<void> {
  for (const l of limits) {
    const since = new Date(now.getTime() - l.windowSeconds * 1000);
    const rows = await db.selectFrom('rate_limit_hits').select('at').where('bucket', '=', l.bucket).where('at', '>', since).orderBy('at').execute();
    if (rows.length >= l.max) {
      const retryAfterSeconds = Math.max(1, Math.ceil((rows[0].at.getTime() + l.windowSeconds * 1000 - now.getTime()) / 1000));
      throw new AppError('rate_limited', l.message, { retryAfterSeconds });
    }
  }
  await db.insertInto('rate_limit_hits').values(limits.map((l) => ({ bucket: l.bucket, at: now }))).execute();
}
