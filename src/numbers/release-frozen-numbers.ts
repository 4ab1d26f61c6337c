// Numbers whose freeze period (冷冻期) has ended go back to the pool for re-issue (二次放号). The
// release is a conditional UPDATE … WHERE state = 'frozen' AND frozen_until < now on rows locked with
// SKIP LOCKED, so two runs at the same time, or one run twice, release each number once. Each batch
// is one audit entry (how many, per carrier) in the same transaction.
import { sql } from 'kysely';
import type { AppContext } from '../context.ts';
import { appendAudit } from '../audit/append-audit.ts';

export interface ReleaseResult {
  released: number;
  byCarrier: Record<string, number>;
}

export async function releaseFrozenNumbers(ctx: AppContext, opts: { now?: Date; batchSize?: number } = {}): Promise<ReleaseResult> {
  const now = opts.now ?? ctx.now();
  const batchSize = opts.batchSize ?? 500;
  const total: ReleaseResult = { released: 0, byCarrier: {} };
  for (;;) {
    const rows = await ctx.db.transaction().execute(async (trx) => {
      const { rows: released } = await sql<{ msisdn: string; carrier: string }>`
        UPDATE number_pool SET state = 'available', line_id = NULL, former_customer_id = NULL, updated_at = ${now}
        WHERE msisdn IN (
          SELECT msisdn FROM number_pool WHERE state = 'frozen' AND frozen_until < ${now}
          ORDER BY frozen_until LIMIT ${batchSize} FOR UPDATE SKIP LOCKED
        ) AND state = 'frozen' AND frozen_until < ${now}
        RETURNING msisdn, carrier`.execute(trx);
      if (released.length === 0) return released;
      const byCarrier: Record<string, number> = {};
      for (const r of released) byCarrier[r.carrier] = (byCarrier[r.carrier] ?? 0) + 1;
      await sql`DELETE FROM number_recovery_codes WHERE msisdn IN (${sql.join(released.map((r) => r.msisdn))})`.execute(trx);
      await appendAudit(trx, {
        actorKind: 'worker', action: 'numbers.release', details: { released: released.length, byCarrier, frozenBefore: now.toISOString() },
      });
      return released;
    });
    for (const r of rows) {
      total.released += 1;
      total.byCarrier[r.carrier] = (total.byCarrier[r.carrier] ?? 0) + 1;
      ctx.metrics.numbersReleased.inc({ carrier: r.carrier });
    }
    if (rows.length < batchSize) break;
  }
  if (total.released > 0) ctx.logger.info({ released: total.released, byCarrier: total.byCarrier }, 'frozen numbers released');
  return total;
}
