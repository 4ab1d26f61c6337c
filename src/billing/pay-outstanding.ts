// Clears what stands between a line and its cancellation: arrears (with the overdue charge) and any
// final-bill shortfall. Paid online through the payment adapter, or arrears offset against the cash
// balance, the rest in the subscriber's choice of wallet or card (else the account's own channel).
// The charge carries a stable idempotency key per account state, so a double click pays once.
import type { AppContext } from '../context.ts';
import type { CarrierSettings } from '../db/schema.ts';
import { AppError } from '../shared/errors.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { loadQuoteFacts } from '../cancellation/load-quote-facts.ts';
import { chinaDate, outstandingPayment } from './final-bill.ts';
import type { PaymentMethod } from '../adapters/index.ts';

/** How a subscriber pays online (what the portal offers): the payment adapter's wallets and card. */
export type OnlineWallet = 'wechat_pay' | 'alipay' | 'unionpay';
export const ONLINE_WALLETS: readonly OnlineWallet[] = ['wechat_pay', 'alipay', 'unionpay'];

export async function payOutstanding(
  ctx: AppContext,
  who: { actorKind: 'subscriber' | 'staff'; actorId: string; ip: string },
  input: { lineId: string; method: 'online' | 'balance' | 'store_cash' | 'store_pos'; wallet?: OnlineWallet; acceptPenalty?: boolean; channel: 'online' | 'store' },
): Promise<{ paidFen: number; offsetFen: number; paymentId: string | null }> {
  const now = ctx.now();
  const today = chinaDate(now);
  const f = await loadQuoteFacts(ctx.db, { lineId: input.lineId, channel: input.channel, acceptPenalty: !!input.acceptPenalty, now });
  const s: CarrierSettings = f.carrier.settings;
  const money = {
    usageToDateFen: f.line.usage_to_date_fen, monthlyFeeFen: f.line.monthly_fee_fen, contractEnd: f.line.contract_end, penaltyFen: f.line.penalty_fen,
    penaltyRemainingFeePercent: s.penaltyRemainingFeePercent, cashBalanceFen: f.account.cash_balance_fen, promoCreditFen: f.account.promo_credit_fen,
    arrearsFen: f.account.arrears_fen, arrearsSince: f.account.arrears_since, arrearsDailyPerMille: s.arrearsDailyPerMille,
  };
  const { dueFen, offsetFen, shortfallFen: shortfall, chargeFen } = outstandingPayment(money, today, !!input.acceptPenalty, input.method === 'balance');
  if (dueFen === 0 && shortfall === 0) throw new AppError('nothing_to_pay', 'Nothing is owed on this line.');
  const key = `pay:${f.account.id}:v${f.account.version}`;
  let paymentId: string | null = null;
  if (chargeFen > 0) {
    const method: PaymentMethod = input.method === 'store_cash' ? 'store_cash' : input.method === 'store_pos' ? 'store_pos' : (input.wallet ?? (f.account.payment_channel as PaymentMethod));
    const paid = await ctx.adapters.payments.charge({ amountFen: chargeFen, reference: f.account.id, idempotencyKey: key, method });
    paymentId = paid.paymentId;
  }
  await ctx.db.transaction().execute(async (trx) => {
    const updated = await trx.updateTable('billing_accounts')
      .set((eb) => ({
        arrears_fen: 0,
        arrears_since: null,
        // The payment covers arrears (less the offset) and lands any shortfall on the cash balance.
        cash_balance_fen: eb('cash_balance_fen', '+', shortfall - offsetFen),
        version: eb('version', '+', 1),
        updated_at: new Date(),
      }))
      .where('id', '=', f.account.id).where('version', '=', f.account.version).executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw new AppError('conflict', 'The account changed while paying; look at the new figures.');
    const entries = [
      ...(dueFen > 0 ? [{ kind: 'arrears_payment' as const, amount_fen: dueFen, reference: paymentId, idempotency_key: `${key}:arrears` }] : []),
      ...(offsetFen > 0 ? [{ kind: 'balance_offset' as const, amount_fen: -offsetFen, reference: null, idempotency_key: `${key}:offset` }] : []),
      ...(shortfall > 0 ? [{ kind: 'arrears_payment' as const, amount_fen: shortfall, reference: paymentId, idempotency_key: `${key}:topup` }] : []),
    ];
    await trx.insertInto('ledger_entries').values(entries.map((e) => ({ ...e, account_id: f.account.id }))).execute();
    await appendAudit(trx, { actorKind: who.actorKind, actorId: who.actorId, ip: who.ip, action: 'billing.pay_outstanding', subject: `line:${input.lineId}`,
      details: { arrearsFen: dueFen, offsetFen, shortfallFen: shortfall, chargedFen: chargeFen, paymentId } });
  });
  return { paidFen: chargeFen, offsetFen, paymentId };
}
