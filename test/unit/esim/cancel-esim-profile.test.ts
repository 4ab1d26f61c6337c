import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PermanentAdapterError, RetryableAdapterError } from '../../../src/adapters/errors.ts';
import { defaultSimulatorControl } from '../../../src/adapters/simulator-control.ts';
import { cancelEsimProfile, decideEsimProfileAction } from '../../../src/esim/cancel-esim-profile.ts';
import { createEs2PlusClient, type Es2PlusClient } from '../../../src/esim/es2plus-client.ts';
import { startEs2PlusSimulator, type Es2PlusSimulator } from '../../../src/esim/es2plus-simulator.ts';
import { EID_A, EID_B, iccid } from './fixtures.ts';

describe('decideEsimProfileAction', () => {
  it('cancels the order of a profile not installed, leaves an installed one alone', () => {
    assert.equal(decideEsimProfileAction('not_installed'), 'cancel_order_unavailable');
    assert.equal(decideEsimProfileAction('installed'), 'leave_installed_profile');
  });
});

describe('cancelEsimProfile against the SM-DP+ simulator', () => {
  let sim: Es2PlusSimulator;
  let client: Es2PlusClient;
  const control = defaultSimulatorControl();
  let key = '';

  before(async () => {
    sim = await startEs2PlusSimulator({ control });
    client = createEs2PlusClient({ baseUrl: sim.url, functionRequesterIdentifier: 'op', timeoutMs: 2000 });
  });
  after(() => sim.close());
  beforeEach(() => {
    sim.profiles.clear();
    sim.requests.length = 0;
    Object.assign(control, defaultSimulatorControl());
    key = `${randomUUID()}:esim_cancel_order`;
  });

  it('not installed: cancelOrder to Unavailable -> cancelled_on_smdp', async () => {
    sim.setProfile(iccid(1), { state: 'Released', eid: EID_A });
    const result = await cancelEsimProfile(client, { iccid: iccid(1), eid: EID_A, recordedState: 'not_installed', idempotencyKey: key });
    assert.deepEqual(result, { outcome: 'cancelled_on_smdp' });
    assert.equal(sim.profiles.get(iccid(1))!.state, 'Unavailable');
    assert.equal(sim.requests[0]!.functionCallIdentifier, key);
  });

  it('installed: no call to the SM-DP+ -> installed_profile_dead_on_device', async () => {
    sim.setProfile(iccid(1), { state: 'Installed', eid: EID_A });
    const result = await cancelEsimProfile(client, { iccid: iccid(1), recordedState: 'installed', idempotencyKey: key });
    assert.deepEqual(result, { outcome: 'installed_profile_dead_on_device' });
    assert.equal(sim.requests.length, 0);
    assert.equal(sim.profiles.get(iccid(1))!.state, 'Installed');
  });

  it('already Unavailable -> already_unavailable', async () => {
    sim.setProfile(iccid(1), { state: 'Unavailable' });
    const result = await cancelEsimProfile(client, { iccid: iccid(1), recordedState: 'not_installed', idempotencyKey: key });
    assert.deepEqual(result, { outcome: 'already_unavailable' });
  });

  it('the step retried with the same key after success gives the same outcome', async () => {
    sim.setProfile(iccid(1), { state: 'Confirmed' });
    const first = await cancelEsimProfile(client, { iccid: iccid(1), recordedState: 'not_installed', idempotencyKey: key });
    const again = await cancelEsimProfile(client, { iccid: iccid(1), recordedState: 'not_installed', idempotencyKey: key });
    assert.deepEqual(again, first);
    assert.equal(first.outcome, 'cancelled_on_smdp');
  });

  it('our record said not installed but the device has it: dead on device, record flagged stale', async () => {
    sim.setProfile(iccid(1), { state: 'Installed' });
    const result = await cancelEsimProfile(client, { iccid: iccid(1), recordedState: 'not_installed', idempotencyKey: key });
    assert.equal(result.outcome, 'installed_profile_dead_on_device');
    assert.equal(result.recordWasStale, true);
    assert.equal(result.smdpRefusal?.code, '8.2.1/3.5');
  });

  it('data problems (unknown ICCID, other EID) propagate as PermanentAdapterError', async () => {
    await assert.rejects(cancelEsimProfile(client, { iccid: iccid(9), recordedState: 'not_installed', idempotencyKey: key }), {
      name: 'PermanentAdapterError',
      code: '8.2.1/3.9',
    });
    sim.setProfile(iccid(1), { state: 'Released', eid: EID_A });
    await assert.rejects(
      cancelEsimProfile(client, { iccid: iccid(1), eid: EID_B, recordedState: 'not_installed', idempotencyKey: `${key}:2` }),
      (err: unknown) => err instanceof PermanentAdapterError && err.code === '8.1.1/3.10',
    );
  });

  it('transport failures propagate as RetryableAdapterError', async () => {
    sim.setProfile(iccid(1), { state: 'Released' });
    control.failNext = 1;
    await assert.rejects(
      cancelEsimProfile(client, { iccid: iccid(1), recordedState: 'not_installed', idempotencyKey: key }),
      RetryableAdapterError,
    );
    assert.equal(sim.profiles.get(iccid(1))!.state, 'Released');
  });
});
