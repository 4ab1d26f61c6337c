import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PermanentAdapterError, RetryableAdapterError } from '../../../src/adapters/errors.ts';
import { createNetworkSimulator } from '../../../src/adapters/network.ts';
import { defaultSimulatorControl } from '../../../src/adapters/simulator-control.ts';

const subscriber = { imsi: '460001234567890', msisdn: '+8613800138000' };
const fixedNow = () => new Date('2025-11-01T02:00:00.000Z');

describe('network simulator', () => {
  it('deprovisions once per key: a repeated call returns the first result', async () => {
    const network = createNetworkSimulator(defaultSimulatorControl(), { now: fixedNow });
    const first = await network.deprovisionSubscriber({ ...subscriber, idempotencyKey: 'req-1:network_deprovision' });
    const again = await network.deprovisionSubscriber({ ...subscriber, idempotencyKey: 'req-1:network_deprovision' });
    assert.deepEqual(again, first);
    assert.equal(first.deprovisionedAt, '2025-11-01T02:00:00.000Z');
    assert.equal(network.deprovisioned.size, 1);
  });

  it('concurrent calls with one key make one effect', async () => {
    const network = createNetworkSimulator({ ...defaultSimulatorControl(), latencyMs: 20 });
    const results = await Promise.all([1, 2, 3].map(() => network.deprovisionSubscriber({ ...subscriber, idempotencyKey: 'k' })));
    assert.equal(new Set(results.map((r) => r.ref)).size, 1);
    assert.equal(network.deprovisioned.size, 1);
  });

  it('a subscriber already removed under another key is reported as the original removal', async () => {
    const network = createNetworkSimulator(defaultSimulatorControl());
    const first = await network.deprovisionSubscriber({ ...subscriber, idempotencyKey: 'a' });
    const second = await network.deprovisionSubscriber({ ...subscriber, idempotencyKey: 'b' });
    assert.deepEqual(second, first);
  });

  it('refuses a key reused for a different subscriber', async () => {
    const network = createNetworkSimulator(defaultSimulatorControl());
    await network.deprovisionSubscriber({ ...subscriber, idempotencyKey: 'a' });
    await assert.rejects(network.deprovisionSubscriber({ imsi: '460001234567891', msisdn: subscriber.msisdn, idempotencyKey: 'a' }), {
      code: 'idempotency_key_reused',
    });
    assert.equal(network.deprovisioned.size, 1);
  });

  it('failNext: the failed call has no effect; the retry with the same key deprovisions once', async () => {
    const control = { ...defaultSimulatorControl(), failNext: 1 };
    const network = createNetworkSimulator(control);
    await assert.rejects(network.deprovisionSubscriber({ ...subscriber, idempotencyKey: 'k' }), RetryableAdapterError);
    assert.equal(network.deprovisioned.size, 0);
    await network.deprovisionSubscriber({ ...subscriber, idempotencyKey: 'k' });
    assert.equal(network.deprovisioned.size, 1);
  });

  it('a malformed IMSI or a refusal is permanent', async () => {
    const control = defaultSimulatorControl();
    const network = createNetworkSimulator(control);
    await assert.rejects(network.deprovisionSubscriber({ ...subscriber, imsi: '46000', idempotencyKey: 'k' }), { code: 'invalid_imsi' });
    control.permanentFailNext = 1;
    await assert.rejects(network.deprovisionSubscriber({ ...subscriber, idempotencyKey: 'k2' }), (err: unknown) => {
      return err instanceof PermanentAdapterError && err.code === 'subscriber_refused';
    });
  });

  it('stops a companion device once per key', async () => {
    const network = createNetworkSimulator(defaultSimulatorControl());
    const input = { msisdn: subscriber.msisdn, companionIccid: '89860012345678901234', idempotencyKey: 'req-1:stop_companion' };
    const first = await network.stopCompanion(input);
    assert.deepEqual(await network.stopCompanion(input), first);
    assert.equal(network.companionsStopped.size, 1);
    await assert.rejects(network.stopCompanion({ ...input, companionIccid: 'x', idempotencyKey: 'other' }), { code: 'invalid_iccid' });
  });

  it('an empty idempotency key is a programming error', async () => {
    const network = createNetworkSimulator(defaultSimulatorControl());
    await assert.rejects(network.deprovisionSubscriber({ ...subscriber, idempotencyKey: '' }), TypeError);
  });
});
