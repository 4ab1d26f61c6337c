import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PermanentAdapterError, RetryableAdapterError } from '../../../src/adapters/errors.ts';
import { createNetworkSimulator } from '../../../src/adapters/network.ts';
import {
  InvalidSimulatorControlError,
  applyControl,
  defaultSimulatorControl,
  getSimulatorControl,
  listSimulators,
  resetSimulatorControls,
  setSimulatorControl,
  simulatorControlFromEnv,
} from '../../../src/adapters/simulator-control.ts';

describe('applyControl', () => {
  it('failNext fails exactly the next N calls, retryably', async () => {
    const control = { ...defaultSimulatorControl(), failNext: 2 };
    await assert.rejects(applyControl(control), RetryableAdapterError);
    await assert.rejects(applyControl(control), RetryableAdapterError);
    await applyControl(control);
    assert.equal(control.failNext, 0);
  });

  it('permanentFailNext refuses with the given code, before failNext', async () => {
    const control = { ...defaultSimulatorControl(), failNext: 1, permanentFailNext: 1 };
    await assert.rejects(applyControl(control, Math.random, { adapter: 'payments', permanentCode: 'payment_declined' }), (err: unknown) => {
      assert.ok(err instanceof PermanentAdapterError);
      assert.equal(err.code, 'payment_declined');
      assert.equal(err.adapter, 'payments');
      return true;
    });
    await assert.rejects(applyControl(control), RetryableAdapterError);
    await applyControl(control);
  });

  it('failRate fails when the draw is below it', async () => {
    const control = { ...defaultSimulatorControl(), failRate: 0.5 };
    await assert.rejects(applyControl(control, () => 0.49), RetryableAdapterError);
    await applyControl(control, () => 0.5);
    await applyControl({ ...control, failRate: 0 }, () => 0);
    await assert.rejects(applyControl({ ...control, failRate: 1 }, () => 0.999), RetryableAdapterError);
  });

  it('sleeps latencyMs', async () => {
    const started = performance.now();
    await applyControl({ ...defaultSimulatorControl(), latencyMs: 60 });
    assert.ok(performance.now() - started >= 55);
  });
});

describe('env defaults', () => {
  it('reads ZHUXIAO_SIM_<NAME>_FAIL_RATE and _LATENCY_MS', () => {
    const env = { ZHUXIAO_SIM_ES2PLUS_FAIL_RATE: '0.25', ZHUXIAO_SIM_ES2PLUS_LATENCY_MS: '120', ZHUXIAO_SIM_SMS_FAIL_RATE: '1' };
    assert.deepEqual(simulatorControlFromEnv('es2plus', env), { latencyMs: 120, failRate: 0.25, failNext: 0, permanentFailNext: 0 });
    assert.deepEqual(simulatorControlFromEnv('network', env), defaultSimulatorControl());
  });

  it('names the variable when a value is invalid', () => {
    assert.throws(() => simulatorControlFromEnv('sms', { ZHUXIAO_SIM_SMS_FAIL_RATE: '2' }), /ZHUXIAO_SIM_SMS_FAIL_RATE/);
    assert.throws(() => simulatorControlFromEnv('sms', { ZHUXIAO_SIM_SMS_LATENCY_MS: 'slow' }), /ZHUXIAO_SIM_SMS_LATENCY_MS/);
  });
});

describe('registry', () => {
  afterEach(() => resetSimulatorControls());

  it('lists every simulator with its control', () => {
    const names = listSimulators().map((s) => s.name);
    assert.deepEqual(names, ['email', 'es2plus', 'network', 'payments', 'payouts', 'sms']);
    for (const s of listSimulators()) assert.equal(typeof s.failRate, 'number');
  });

  it('set updates the control a running simulator reads, on its next call', async () => {
    const network = createNetworkSimulator();
    const input = { imsi: '460001234567890', msisdn: '+8613800138000' };
    const updated = setSimulatorControl('network', { failNext: 1, latencyMs: 5 });
    assert.deepEqual(updated, { latencyMs: 5, failRate: 0, failNext: 1, permanentFailNext: 0 });
    await assert.rejects(network.deprovisionSubscriber({ ...input, idempotencyKey: 'k1' }), RetryableAdapterError);
    assert.equal(getSimulatorControl('network')!.failNext, 0);
    await network.deprovisionSubscriber({ ...input, idempotencyKey: 'k1' });
  });

  it('get returns a copy: changing it does not change the simulator', () => {
    const copy = getSimulatorControl('sms')!;
    copy.failNext = 99;
    assert.equal(getSimulatorControl('sms')!.failNext, 0);
  });

  it('unknown simulator -> undefined; invalid field -> InvalidSimulatorControlError, nothing changed', () => {
    assert.equal(getSimulatorControl('fax'), undefined);
    assert.equal(setSimulatorControl('fax', { failNext: 1 }), undefined);
    for (const bad of [{ failRate: 1.5 }, { failNext: -1 }, { latencyMs: 1.5 }, { failNext: '3' }, { colour: 1 }]) {
      assert.throws(() => setSimulatorControl('sms', { latencyMs: 7, ...bad } as never), InvalidSimulatorControlError, JSON.stringify(bad));
    }
    assert.equal(getSimulatorControl('sms')!.latencyMs, 0);
  });
});
