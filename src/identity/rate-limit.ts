// Sliding-window rate limits kept in the database, so they hold across processes and restarts.
import net from 'node:net';
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

/**
 * The client a per-address limit counts against. The address is the TCP peer's (or, only behind a
 * proxy listed in ZHUXIAO_TRUSTED_PROXIES, the one it forwards). An IPv4-mapped IPv6 address counts as
 * its IPv4 address; an IPv6 address counts as its /64, the block one subscriber line is usually given,
 * so a client cannot step around a limit by changing the low 64 bits.
 */
export function clientKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  if (ip === '::1') return ip;
  if (net.isIPv6(ip)) return `${expandIpv6(ip).slice(0, 4).join(':')}::/64`;
  return ip;
}

function expandIpv6(ip: string): string[] {
  const [head, tail = ''] = ip.split('%')[0].split('::');
  const parse = (part: string) => (part ? part.split(':') : []);
  let left = parse(head);
  let right = ip.includes('::') ? parse(tail) : [];
  // A trailing dotted IPv4 part counts as two groups.
  const fix = (groups: string[]) => groups.flatMap((g) => {
    if (!g.includes('.')) return [g];
    const b = g.split('.').map(Number);
    return [((b[0] << 8) | b[1]).toString(16), ((b[2] << 8) | b[3]).toString(16)];
  });
  left = fix(left);
  right = fix(right);
  const missing = 8 - left.length - right.length;
  return [...left, ...Array(Math.max(0, missing)).fill('0'), ...right].map((g) => parseInt(g, 16).toString(16));
}
