// Sliding-window rate limits kept in the database, so they hold across processes and restarts.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { AppError } from '../shared/errors.ts';

export interface Limit { bucket: string; max: number; windowSeconds: number; message: string }

/**
 * Counts this attempt against every limit; throws rate_limited (with retryAfterSeconds) when one is full.
 * Count and record happen in one transaction holding a lock per bucket, so a burst of requests sent
 * at the same moment is counted one by one instead of all reading the same count.
 */
export async function hitRateLimits(db: Kysely<DB>, limits: Limit[], now: Date): Promise<void> {
  const apply = async (trx: Kysely<DB>) => {
    // Locks in a fixed order: two callers with overlapping buckets never wait on each other in a cycle.
    for (const bucket of [...new Set(limits.map((l) => l.bucket))].sort()) {
      await sql`SELECT pg_advisory_xact_lock(hashtext(${bucket}))`.execute(trx);
    }
    for (const l of limits) {
      const since = new Date(now.getTime() - l.windowSeconds * 1000);
      const rows = await trx.selectFrom('rate_limit_hits').select('at').where('bucket', '=', l.bucket).where('at', '>', since).orderBy('at').execute();
      if (rows.length >= l.max) {
        const retryAfterSeconds = Math.max(1, Math.ceil((rows[0].at.getTime() + l.windowSeconds * 1000 - now.getTime()) / 1000));
        throw new AppError('rate_limited', l.message, { retryAfterSeconds });
      }
    }
    await trx.insertInto('rate_limit_hits').values(limits.map((l) => ({ bucket: l.bucket, at: now }))).execute();
  };
  if (db.isTransaction) await apply(db);
  else await db.transaction().execute(apply);
}
