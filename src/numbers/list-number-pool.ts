// The number pool as ops sees it: each number's state (assigned, frozen until a date, recovered by
// its former owner, available again), with counts per state. Numbers are masked.
import type { AppContext } from '../context.ts';
import type { CarrierCode, NumberPoolTable } from '../db/schema.ts';
import { maskMsisdn } from '../lines/mask.ts';
import { parseMsisdnOrThrow } from '../identity/request-sign-in-code.ts';

export type PoolState = NumberPoolTable['state'];
export const POOL_STATES: PoolState[] = ['assigned', 'frozen', 'recovered', 'available'];

export interface PoolNumberView {
  maskedMsisdn: string;
  carrier: string;
  state: PoolState;
  frozenUntil: string | null;
  /** Frozen, and the freeze has not ended: the former owner may still recover it. */
  recoverable: boolean;
  /** Frozen, but the freeze has ended: the next release run makes it available. */
  releaseDue: boolean;
  updatedAt: string;
}

export async function listNumberPool(
  ctx: AppContext,
  f: { state?: PoolState; msisdn?: string; carrier?: CarrierCode; limit?: number } = {},
): Promise<{ items: PoolNumberView[]; counts: Record<PoolState, number> }> {
  const now = ctx.now();
  let q = ctx.db.selectFrom('number_pool').select(['msisdn', 'carrier', 'state', 'frozen_until', 'updated_at']);
  if (f.state) q = q.where('state', '=', f.state);
  if (f.msisdn) q = q.where('msisdn', '=', parseMsisdnOrThrow(f.msisdn));
  if (f.carrier) q = q.where('carrier', '=', f.carrier);
  let c = ctx.db.selectFrom('number_pool').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('state');
  if (f.carrier) c = c.where('carrier', '=', f.carrier);
  const [rows, counts] = await Promise.all([q.orderBy('updated_at', 'desc').orderBy('msisdn').limit(Math.min(f.limit ?? 100, 500)).execute(), c.execute()]);
  const byState = Object.fromEntries(POOL_STATES.map((s) => [s, 0])) as Record<PoolState, number>;
  for (const r of counts) byState[r.state] = Number(r.n);
  return {
    items: rows.map((r) => {
      const until = r.frozen_until ? new Date(r.frozen_until) : null;
      return {
        maskedMsisdn: maskMsisdn(r.msisdn),
        carrier: r.carrier,
        state: r.state,
        frozenUntil: until?.toISOString() ?? null,
        recoverable: r.state === 'frozen' && !!until && until > now,
        releaseDue: r.state === 'frozen' && !!until && until <= now,
        updatedAt: r.updated_at.toISOString(),
      };
    }),
    counts: byState,
  };
}
