// Arrears and any final-bill shortfall paid at the counter, in cash or by card (POS), for a line of
// the store's own carrier. The money rules are the online ones (payOutstanding).
import type { AppContext } from '../context.ts';
import { payOutstanding } from '../billing/pay-outstanding.ts';
import { AppError } from '../shared/errors.ts';
import { loadStore, type Clerk } from './clerk-store.ts';

export async function payAtCounter(
  ctx: AppContext,
  clerk: Clerk,
  input: { lineId: string; method: 'store_cash' | 'store_pos'; acceptPenalty?: boolean },
): Promise<{ paidFen: number; paymentId: string | null; method: 'store_cash' | 'store_pos' }> {
  const store = await loadStore(ctx.db, clerk.storeId);
  const line = await ctx.db.selectFrom('lines').select(['carrier']).where('id', '=', input.lineId).executeTakeFirst();
  if (!line) throw new AppError('not_found', 'The line was not found.');
  if (line.carrier !== store.carrier) throw new AppError('not_eligible', 'This line is with another carrier: this store cannot take payments for it.', { blockers: [{ code: 'other_carrier' }] });
  const paid = await payOutstanding(ctx, { actorKind: 'staff', actorId: clerk.staffId, ip: clerk.ip }, { ...input, channel: 'store' });
  return { paidFen: paid.paidFen, paymentId: paid.paymentId, method: input.method };
}
