/**
 * Money in (taking payment of arrears, online or at a store counter) and money out (refunding the
 * refundable balance). Amounts are integer fen (分). Real clients (WeChat Pay / Alipay / UnionPay / the
 * store POS, bank transfer batch) would implement these interfaces, passing idempotencyKey as the
 * merchant order number (out_trade_no / out_refund_no), which those gateways already de-duplicate on.
 */
import { PermanentAdapterError } from './errors.ts';
import { createIdempotencyStore } from './idempotency.ts';
import { applyControl, simulatorControl, type SimulatorControl } from './simulator-control.ts';

/** How the customer pays: an online wallet/card, or at a store counter. */
export type PaymentMethod = 'wechat_pay' | 'alipay' | 'unionpay' | 'store_cash' | 'store_pos';
export const PAYMENT_METHODS: readonly PaymentMethod[] = ['wechat_pay', 'alipay', 'unionpay', 'store_cash', 'store_pos'];

export interface ChargeInput {
  /** Positive integer, in fen. */
  amountFen: number;
  /** Our reference shown on the customer's statement, e.g. the cancellation request number. */
  reference: string;
  idempotencyKey: string;
  method: PaymentMethod;
}

export interface ChargeResult {
  paymentId: string;
  status: 'succeeded';
  amountFen: number;
  /** ISO 8601. */
  chargedAt: string;
}

export interface PaymentAdapter {
  charge(input: ChargeInput): Promise<ChargeResult>;
}

export type PayoutRoute =
  /** Back to the channel the money came from; paymentId of the original payment. */
  | { type: 'original'; paymentId: string }
  /** Bank transfer to the customer's own account. */
  | { type: 'bank'; bankName: string; accountNumber: string; accountName: string }
  /** Credited to another line of the same customer at the same carrier. */
  | { type: 'line'; msisdn: string }
  /** Paid in cash at a store counter when the customer comes in. */
  | { type: 'cash'; storeCode: string };

export interface PayoutInput {
  /** Positive integer, in fen. */
  amountFen: number;
  route: PayoutRoute;
  reference: string;
  idempotencyKey: string;
}

export interface PayoutResult {
  payoutId: string;
  /** `paid`: money moved now (original channel, another line); `scheduled`: bank batch or cash at counter. */
  status: 'paid' | 'scheduled';
  amountFen: number;
  /** ISO 8601. */
  createdAt: string;
}

export interface Payout {
  payout(input: PayoutInput): Promise<PayoutResult>;
}

export interface PaymentSimulator extends PaymentAdapter {
  readonly control: SimulatorControl;
  /** Charges made, in order (each effect once). */
  readonly charges: ReadonlyArray<ChargeResult & { reference: string; method: PaymentMethod }>;
}

export interface PayoutSimulator extends Payout {
  readonly control: SimulatorControl;
  /** Payouts made, in order; bank account numbers are masked to the last 4 digits. */
  readonly payouts: ReadonlyArray<PayoutResult & { reference: string; route: PayoutRoute }>;
}

export interface MoneySimulatorOptions {
  now?: () => Date;
  rng?: () => number;
}

export function assertAmountFen(amountFen: unknown, adapter: string): asserts amountFen is number {
  if (typeof amountFen !== 'number' || !Number.isSafeInteger(amountFen) || amountFen <= 0) {
    throw new PermanentAdapterError('invalid_amount', `${adapter}: amountFen must be a positive integer number of fen`, { adapter });
  }
}

function assertReference(reference: unknown, adapter: string): void {
  if (typeof reference !== 'string' || reference.trim() === '') {
    throw new PermanentAdapterError('invalid_reference', `${adapter}: reference must be a non-empty string`, { adapter });
  }
}

/** Simulated payment gateway. Declines (code `payment_declined`) come from the control's permanentFailNext. */
export function createPaymentSimulator(
  control: SimulatorControl = simulatorControl('payments'),
  options: MoneySimulatorOptions = {},
): PaymentSimulator {
  const now = options.now ?? (() => new Date());
  const charges: Array<ChargeResult & { reference: string; method: PaymentMethod }> = [];
  const store = createIdempotencyStore<ChargeResult>('payments');
  return {
    control,
    charges,
    async charge({ amountFen, reference, idempotencyKey, method }) {
      await applyControl(control, options.rng, { adapter: 'payments', permanentCode: 'payment_declined' });
      return store.run(idempotencyKey, { amountFen, reference, method }, () => {
        assertAmountFen(amountFen, 'payments');
        assertReference(reference, 'payments');
        if (!PAYMENT_METHODS.includes(method)) {
          throw new PermanentAdapterError('invalid_method', 'payments: unknown payment method', { adapter: 'payments' });
        }
        const result: ChargeResult = {
          paymentId: `PAY-${String(charges.length + 1).padStart(8, '0')}`,
          status: 'succeeded',
          amountFen,
          chargedAt: now().toISOString(),
        };
        charges.push({ ...result, reference, method });
        return result;
      });
    },
  };
}

function validateRoute(route: PayoutRoute): void {
  const bad = (message: string) => new PermanentAdapterError('invalid_route', `payouts: ${message}`, { adapter: 'payouts' });
  switch (route?.type) {
    case 'original':
      if (!route.paymentId) throw bad('original route needs the paymentId');
      return;
    case 'bank':
      if (!/^[0-9]{8,30}$/.test(route.accountNumber ?? '')) throw bad('bank account number must be 8-30 digits');
      if (!route.accountName?.trim() || !route.bankName?.trim()) throw bad('bank route needs bankName and accountName');
      return;
    case 'line':
      if (!/^\+861[0-9]{10}$/.test(route.msisdn ?? '')) throw bad('line route needs a +86 mobile number');
      return;
    case 'cash':
      if (!route.storeCode?.trim()) throw bad('cash route needs the storeCode');
      return;
    default:
      throw bad('unknown route type');
  }
}

function maskRoute(route: PayoutRoute): PayoutRoute {
  if (route.type !== 'bank') return { ...route };
  return { ...route, accountNumber: `****${route.accountNumber.slice(-4)}`, accountName: '***' };
}

/** Simulated payout rail. Rejections (code `payout_rejected`) come from the control's permanentFailNext. */
export function createPayoutSimulator(
  control: SimulatorControl = simulatorControl('payouts'),
  options: MoneySimulatorOptions = {},
): PayoutSimulator {
  const now = options.now ?? (() => new Date());
  const payouts: Array<PayoutResult & { reference: string; route: PayoutRoute }> = [];
  const store = createIdempotencyStore<PayoutResult>('payouts');
  return {
    control,
    payouts,
    async payout({ amountFen, route, reference, idempotencyKey }) {
      await applyControl(control, options.rng, { adapter: 'payouts', permanentCode: 'payout_rejected' });
      return store.run(idempotencyKey, { amountFen, route, reference }, () => {
        assertAmountFen(amountFen, 'payouts');
        assertReference(reference, 'payouts');
        validateRoute(route);
        const result: PayoutResult = {
          payoutId: `PO-${String(payouts.length + 1).padStart(8, '0')}`,
          status: route.type === 'bank' || route.type === 'cash' ? 'scheduled' : 'paid',
          amountFen,
          createdAt: now().toISOString(),
        };
        payouts.push({ ...result, reference, route: maskRoute(route) });
        return result;
      });
    },
  };
}
