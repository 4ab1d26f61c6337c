import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PermanentAdapterError, RetryableAdapterError } from '../../../src/adapters/errors.ts';
import { createPaymentSimulator, createPayoutSimulator, type PayoutRoute } from '../../../src/adapters/payments.ts';
import { defaultSimulatorControl } from '../../../src/adapters/simulator-control.ts';

describe('payment simulator', () => {
  it('charges once per key', async () => {
    const payments = createPaymentSimulator(defaultSimulatorControl());
    const input = { amountFen: 12_345, reference: 'ZX-2025-0001', idempotencyKey: 'req-1:pay_arrears', method: 'alipay' as const };
    const first = await payments.charge(input);
    const again = await payments.charge(input);
    assert.deepEqual(again, first);
    assert.equal(first.status, 'succeeded');
    assert.equal(first.amountFen, 12_345);
    assert.equal(payments.charges.length, 1);
  });

  it('refuses amounts that are not positive integers of fen', async () => {
    const payments = createPaymentSimulator(defaultSimulatorControl());
    for (const amountFen of [0, -100, 12.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1, '100' as unknown as number]) {
      await assert.rejects(
        payments.charge({ amountFen, reference: 'r', idempotencyKey: `k-${String(amountFen)}`, method: 'store_cash' }),
        (err: unknown) => err instanceof PermanentAdapterError && err.code === 'invalid_amount',
        String(amountFen),
      );
    }
    assert.equal(payments.charges.length, 0);
  });

  it('a decline is permanent; a transport failure is retryable and the retry charges once', async () => {
    const control = { ...defaultSimulatorControl(), permanentFailNext: 1, failNext: 0 };
    const payments = createPaymentSimulator(control);
    const input = { amountFen: 500, reference: 'r', idempotencyKey: 'k', method: 'wechat_pay' as const };
    await assert.rejects(payments.charge(input), { code: 'payment_declined' });
    control.failNext = 1;
    await assert.rejects(payments.charge(input), RetryableAdapterError);
    await payments.charge(input);
    await payments.charge(input);
    assert.equal(payments.charges.length, 1);
  });

  it('refuses a key reused for a different amount', async () => {
    const payments = createPaymentSimulator(defaultSimulatorControl());
    await payments.charge({ amountFen: 500, reference: 'r', idempotencyKey: 'k', method: 'unionpay' });
    await assert.rejects(payments.charge({ amountFen: 600, reference: 'r', idempotencyKey: 'k', method: 'unionpay' }), {
      code: 'idempotency_key_reused',
    });
  });
});

describe('payout simulator', () => {
  const routes: Array<[PayoutRoute, 'paid' | 'scheduled']> = [
    [{ type: 'original', paymentId: 'PAY-00000001' }, 'paid'],
    [{ type: 'line', msisdn: '+8613900139000' }, 'paid'],
    [{ type: 'bank', bankName: '中国银行', accountNumber: '6217000010001234567', accountName: '张三' }, 'scheduled'],
    [{ type: 'cash', storeCode: 'BJ-HD-001' }, 'scheduled'],
  ];

  it('pays out by each route, once per key', async () => {
    const payouts = createPayoutSimulator(defaultSimulatorControl());
    for (const [route, status] of routes) {
      const input = { amountFen: 2_000, route, reference: 'ZX-1', idempotencyKey: `req-1:refund:${route.type}` };
      const first = await payouts.payout(input);
      assert.equal(first.status, status, route.type);
      assert.deepEqual(await payouts.payout(input), first);
    }
    assert.equal(payouts.payouts.length, 4);
  });

  it('keeps no full bank account number or holder name in its records', async () => {
    const payouts = createPayoutSimulator(defaultSimulatorControl());
    await payouts.payout({ amountFen: 1, route: routes[2]![0], reference: 'r', idempotencyKey: 'k' });
    const recorded = JSON.stringify(payouts.payouts);
    assert.ok(!recorded.includes('6217000010001234567'));
    assert.ok(!recorded.includes('张三'));
    assert.ok(recorded.includes('****4567'));
  });

  it('refuses invalid amounts and routes', async () => {
    const payouts = createPayoutSimulator(defaultSimulatorControl());
    await assert.rejects(payouts.payout({ amountFen: 0, route: routes[0]![0], reference: 'r', idempotencyKey: 'a' }), {
      code: 'invalid_amount',
    });
    await assert.rejects(payouts.payout({ amountFen: 1.01, route: routes[0]![0], reference: 'r', idempotencyKey: 'b' }), {
      code: 'invalid_amount',
    });
    await assert.rejects(
      payouts.payout({ amountFen: 1, route: { type: 'bank', bankName: 'x', accountNumber: '12', accountName: 'y' }, reference: 'r', idempotencyKey: 'c' }),
      { code: 'invalid_route' },
    );
    await assert.rejects(payouts.payout({ amountFen: 1, route: { type: 'line', msisdn: '13900139000' }, reference: 'r', idempotencyKey: 'd' }), {
      code: 'invalid_route',
    });
    assert.equal(payouts.payouts.length, 0);
  });
});
