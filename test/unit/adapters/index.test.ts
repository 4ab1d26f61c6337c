import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RetryableAdapterError, createSimulatedAdapters } from '../../../src/adapters/index.ts';
import { defaultSimulatorControl } from '../../../src/adapters/simulator-control.ts';

describe('createSimulatedAdapters', () => {
  it('wires every adapter to a simulator, with the ES2+ client on an in-process SM-DP+', async () => {
    const es2plusControl = defaultSimulatorControl();
    const adapters = createSimulatedAdapters({
      controls: {
        network: defaultSimulatorControl(),
        payments: defaultSimulatorControl(),
        payouts: defaultSimulatorControl(),
        sms: defaultSimulatorControl(),
        es2plus: es2plusControl,
      },
      es2plus: { pathPrefix: '/smdp' },
    });
    try {
      const [a, b] = await Promise.all([adapters.es2plusSimulator(), adapters.es2plusSimulator()]);
      assert.equal(a, b, 'one simulator, however many first callers');
      a.setProfile('8986001000000000001', { state: 'Released' });
      const cancelled = await adapters.es2plus.cancelOrder(
        { iccid: '8986001000000000001', finalProfileStatusIndicator: 'Unavailable' },
        { callId: 'req-1:esim_cancel_order' },
      );
      assert.equal(cancelled.alreadyUnavailable, false);
      assert.equal(a.profiles.get('8986001000000000001')!.state, 'Unavailable');

      es2plusControl.failNext = 1;
      await assert.rejects(adapters.es2plus.releaseProfile({ iccid: '8986001000000000001' }, { callId: 'x' }), RetryableAdapterError);

      await adapters.network.deprovisionSubscriber({ imsi: '460001234567890', msisdn: '+8613800138000', idempotencyKey: 'k' });
      await adapters.payments.charge({ amountFen: 100, reference: 'r', idempotencyKey: 'k', method: 'alipay' });
      await adapters.payouts.payout({ amountFen: 100, route: { type: 'cash', storeCode: 'S1' }, reference: 'r', idempotencyKey: 'k' });
      await adapters.sms.send({ to: '+8613800138000', text: 'hi', idempotencyKey: 'k' });
      assert.equal(adapters.network.deprovisioned.size, 1);
      assert.equal(adapters.payments.charges.length, 1);
      assert.equal(adapters.payouts.payouts.length, 1);
      assert.equal(adapters.sms.sent.length, 1);
    } finally {
      await adapters.close();
    }
    await assert.rejects(adapters.es2plus.releaseProfile({ iccid: '8986001000000000001' }, { callId: 'y' }), /closed/);
  });

  it('close() without any ES2+ use starts nothing and resolves', async () => {
    const adapters = createSimulatedAdapters({ controls: { es2plus: defaultSimulatorControl() } });
    await adapters.close();
  });
});
