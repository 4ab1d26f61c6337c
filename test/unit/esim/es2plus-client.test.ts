import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PermanentAdapterError, RateLimitedAdapterError, RetryableAdapterError } from '../../../src/adapters/errors.ts';
import { defaultSimulatorControl } from '../../../src/adapters/simulator-control.ts';
import { createEs2PlusClient, defaultIsAlreadyUnavailable, type Es2PlusClient } from '../../../src/esim/es2plus-client.ts';
import { startEs2PlusSimulator, type Es2PlusSimulator } from '../../../src/esim/es2plus-simulator.ts';
import { EID_A, EID_B, iccid } from './fixtures.ts';

interface SentRequest {
  url: string;
  headers: Headers;
  body: Record<string, unknown>;
}

describe('ES2+ client against the SM-DP+ simulator over HTTP', () => {
  let sim: Es2PlusSimulator;
  let client: Es2PlusClient;
  const sent: SentRequest[] = [];
  const control = defaultSimulatorControl();
  // The simulator remembers every call id it has answered: each test uses its own.
  let run = '';
  const k = (name: string) => `${run}:${name}`;

  const recordingFetch: typeof fetch = async (input, init) => {
    sent.push({
      url: String(input),
      headers: new Headers(init?.headers),
      body: JSON.parse(String(init?.body)) as Record<string, unknown>,
    });
    return fetch(input, init);
  };

  before(async () => {
    sim = await startEs2PlusSimulator({ pathPrefix: '/smdp', control });
    client = createEs2PlusClient({
      baseUrl: sim.url,
      pathPrefix: '/smdp',
      functionRequesterIdentifier: '1.3.6.1.4.1.99999.1',
      timeoutMs: 2000,
      fetch: recordingFetch,
    });
  });
  after(() => sim.close());
  beforeEach(() => {
    Object.assign(control, defaultSimulatorControl());
    sim.profiles.clear();
    sent.length = 0;
    run = randomUUID();
  });

  it('sends the ES2+ wire format: path with prefix, X-Admin-Protocol, request header', async () => {
    sim.setProfile(iccid(1), { state: 'Available' });
    await client.downloadOrder({ iccid: iccid(1) }, { callId: k('req-1:download') });
    assert.equal(sent.length, 1);
    const [req] = sent;
    assert.equal(req!.url, `${sim.url}/smdp/gsma/rsp2/es2plus/downloadOrder`);
    assert.equal(req!.headers.get('x-admin-protocol'), 'gsma/rsp/v2.5.0');
    assert.equal(req!.headers.get('content-type'), 'application/json');
    assert.deepEqual(req!.body, {
      header: { functionRequesterIdentifier: '1.3.6.1.4.1.99999.1', functionCallIdentifier: k('req-1:download') },
      iccid: iccid(1),
    });
  });

  it('downloadOrder allocates a profile, or links it when an EID is given', async () => {
    sim.setProfile(iccid(1), { state: 'Available' });
    sim.setProfile(iccid(2), { state: 'Available' });
    const a = await client.downloadOrder({ iccid: iccid(1) }, { callId: k('c1') });
    assert.deepEqual(a, { iccid: iccid(1) });
    assert.equal(sim.profiles.get(iccid(1))!.state, 'Allocated');
    const b = await client.downloadOrder({ eid: EID_A }, { callId: k('c2') });
    assert.equal(b.iccid, iccid(2));
    assert.equal(sim.profiles.get(iccid(2))!.state, 'Linked');
    assert.equal(sim.profiles.get(iccid(2))!.eid, EID_A);
  });

  it('confirmOrder then releaseProfile walk the profile to Released', async () => {
    sim.setProfile(iccid(1), { state: 'Linked', eid: EID_A });
    const confirmed = await client.confirmOrder({ iccid: iccid(1), releaseFlag: false }, { callId: k('c1') });
    assert.match(confirmed.matchingId, /^[0-9A-F]{4}(-[0-9A-F]{4}){3}$/);
    assert.equal(confirmed.eid, EID_A);
    assert.equal(confirmed.smdpAddress, 'smdp.simulator.zhuxiao.test');
    assert.equal(sim.profiles.get(iccid(1))!.state, 'Confirmed');
    assert.deepEqual(await client.releaseProfile({ iccid: iccid(1) }, { callId: k('c2') }), {});
    assert.equal(sim.profiles.get(iccid(1))!.state, 'Released');
  });

  it('confirmOrder with releaseFlag true releases at once and keeps a given matchingId', async () => {
    sim.setProfile(iccid(1), { state: 'Allocated' });
    const confirmed = await client.confirmOrder({ iccid: iccid(1), releaseFlag: true, matchingId: 'MATCH-1' }, { callId: k('c1') });
    assert.equal(confirmed.matchingId, 'MATCH-1');
    assert.equal(confirmed.eid, undefined);
    assert.equal(sim.profiles.get(iccid(1))!.state, 'Released');
  });

  it('cancelOrder(Unavailable) of a released order makes the profile Unavailable', async () => {
    sim.setProfile(iccid(1), { state: 'Released', eid: EID_A });
    const result = await client.cancelOrder({ iccid: iccid(1), finalProfileStatusIndicator: 'Unavailable', eid: EID_A }, { callId: k('c1') });
    assert.deepEqual(result, { alreadyUnavailable: false });
    assert.equal(sim.profiles.get(iccid(1))!.state, 'Unavailable');
  });

  describe('Failed answers become PermanentAdapterError with code subject/reason', () => {
    const expectPermanent = async (promise: Promise<unknown>, code: string) => {
      await assert.rejects(promise, (err: unknown) => {
        assert.ok(err instanceof PermanentAdapterError, `expected PermanentAdapterError, got ${String(err)}`);
        assert.equal(err.code, code);
        assert.ok(err.message.length > 0);
        return true;
      });
    };

    it('unknown ICCID -> 8.2.1/3.9', async () => {
      await expectPermanent(client.cancelOrder({ iccid: iccid(9), finalProfileStatusIndicator: 'Unavailable' }, { callId: k('c1') }), '8.2.1/3.9');
    });

    it('a different EID bound to the ICCID -> 8.1.1/3.10, nothing changes', async () => {
      sim.setProfile(iccid(1), { state: 'Released', eid: EID_A });
      await expectPermanent(
        client.cancelOrder({ iccid: iccid(1), finalProfileStatusIndicator: 'Unavailable', eid: EID_B }, { callId: k('c1') }),
        '8.1.1/3.10',
      );
      assert.equal(sim.profiles.get(iccid(1))!.state, 'Released');
    });

    it('an Installed profile is refused with 8.2.1/3.5 and stays Installed', async () => {
      sim.setProfile(iccid(1), { state: 'Installed', eid: EID_A });
      await assert.rejects(
        client.cancelOrder({ iccid: iccid(1), finalProfileStatusIndicator: 'Unavailable' }, { callId: k('c1') }),
        (err: unknown) => {
          assert.ok(err instanceof PermanentAdapterError);
          assert.equal(err.code, '8.2.1/3.5');
          assert.match(err.message, /installed/i);
          assert.equal(err.details?.['function'], 'cancelOrder');
          return true;
        },
      );
      assert.equal(sim.profiles.get(iccid(1))!.state, 'Installed');
    });

    it('a missing mandatory element -> <subject>/2.2', async () => {
      const bad = { finalProfileStatusIndicator: 'Unavailable' } as unknown as Parameters<Es2PlusClient['cancelOrder']>[0];
      await expectPermanent(client.cancelOrder(bad, { callId: k('c1') }), '8.2.1/2.2');
    });

    it('an invalid element value -> <subject>/2.1', async () => {
      sim.setProfile(iccid(1), { state: 'Released' });
      const bad = { iccid: iccid(1), finalProfileStatusIndicator: 'Gone' } as unknown as Parameters<Es2PlusClient['cancelOrder']>[0];
      await expectPermanent(client.cancelOrder(bad, { callId: k('c1') }), '8.8.5/2.1');
      assert.equal(sim.profiles.get(iccid(1))!.state, 'Released');
    });

    it('releaseProfile of a profile that is not Confirmed -> 8.2.1/3.5', async () => {
      sim.setProfile(iccid(1), { state: 'Allocated' });
      await expectPermanent(client.releaseProfile({ iccid: iccid(1) }, { callId: k('c1') }), '8.2.1/3.5');
    });

    it('the simulator told to refuse -> 8.8.5/3.8', async () => {
      sim.setProfile(iccid(1), { state: 'Available' });
      control.permanentFailNext = 1;
      await expectPermanent(client.downloadOrder({ iccid: iccid(1) }, { callId: k('c1') }), '8.8.5/3.8');
      assert.equal(sim.profiles.get(iccid(1))!.state, 'Available');
    });
  });

  it('a repeated functionCallIdentifier gets the stored first response and does not act twice', async () => {
    sim.setProfile(iccid(1), { state: 'Available' });
    sim.setProfile(iccid(2), { state: 'Available' });
    const first = await client.downloadOrder({}, { callId: k('req-7:download') });
    const again = await client.downloadOrder({}, { callId: k('req-7:download') });
    assert.deepEqual(again, first);
    const states = [...sim.profiles.values()].map((p) => p.state).sort();
    assert.deepEqual(states, ['Allocated', 'Available']);
    const records = sim.requests.filter((r) => r.functionCallIdentifier === k('req-7:download'));
    assert.deepEqual(
      records.map((r) => r.replayed),
      [false, true],
    );
  });

  it('a replayed failure is the same failure, even after the state changed', async () => {
    sim.setProfile(iccid(1), { state: 'Allocated' });
    await assert.rejects(client.releaseProfile({ iccid: iccid(1) }, { callId: k('rel-1') }), PermanentAdapterError);
    sim.profiles.get(iccid(1))!.state = 'Confirmed';
    await assert.rejects(client.releaseProfile({ iccid: iccid(1) }, { callId: k('rel-1') }), { code: '8.2.1/3.5' });
    assert.equal(sim.profiles.get(iccid(1))!.state, 'Confirmed');
  });

  describe('already Unavailable is an idempotent success', () => {
    it('the simulator answers Executed-Success and the client reports alreadyUnavailable', async () => {
      sim.setProfile(iccid(1), { state: 'Unavailable' });
      const result = await client.cancelOrder({ iccid: iccid(1), finalProfileStatusIndicator: 'Unavailable' }, { callId: k('c1') });
      assert.deepEqual(result, { alreadyUnavailable: true });
    });

    it('a second cancellation with a new call id after a real one reports alreadyUnavailable', async () => {
      sim.setProfile(iccid(1), { state: 'Confirmed' });
      const first = await client.cancelOrder({ iccid: iccid(1), finalProfileStatusIndicator: 'Unavailable' }, { callId: k('c1') });
      const second = await client.cancelOrder({ iccid: iccid(1), finalProfileStatusIndicator: 'Unavailable' }, { callId: k('c2') });
      assert.equal(first.alreadyUnavailable, false);
      assert.equal(second.alreadyUnavailable, true);
    });

    it('an SM-DP+ answering Failed 8.2.1/3.5 "already Unavailable" is also a success', async () => {
      const strict = await startEs2PlusSimulator({ alreadyUnavailableAnswer: 'failed', control: defaultSimulatorControl() });
      try {
        const strictClient = createEs2PlusClient({ baseUrl: strict.url, functionRequesterIdentifier: 'op', timeoutMs: 2000 });
        strict.setProfile(iccid(1), { state: 'Unavailable' });
        const result = await strictClient.cancelOrder({ iccid: iccid(1), finalProfileStatusIndicator: 'Unavailable' }, { callId: k('c1') });
        assert.deepEqual(result, { alreadyUnavailable: true });
        assert.equal(strict.requests[0]!.outcome, 'Failed');
        strict.setProfile(iccid(2), { state: 'Installed' });
        await assert.rejects(
          strictClient.cancelOrder({ iccid: iccid(2), finalProfileStatusIndicator: 'Unavailable' }, { callId: k('c2') }),
          { code: '8.2.1/3.5' },
        );
      } finally {
        await strict.close();
      }
    });

    it('cancelOrder(Available) of an Unavailable profile is still refused', async () => {
      sim.setProfile(iccid(1), { state: 'Unavailable' });
      await assert.rejects(client.cancelOrder({ iccid: iccid(1), finalProfileStatusIndicator: 'Available' }, { callId: k('c1') }), {
        code: '8.2.1/3.5',
      });
    });

    it('detection: 8.2.1/3.7, or 3.5 saying already/currently Unavailable; never a message about installation', () => {
      const s = (reasonCode: string, message?: string) => ({ subjectCode: '8.2.1', reasonCode, ...(message ? { message } : {}) });
      assert.equal(defaultIsAlreadyUnavailable(s('3.7')), true);
      assert.equal(defaultIsAlreadyUnavailable(s('3.5', 'Profile is already Unavailable')), true);
      assert.equal(defaultIsAlreadyUnavailable(s('3.5', 'Current state: Unavailable')), true);
      assert.equal(defaultIsAlreadyUnavailable(s('3.5')), false);
      assert.equal(defaultIsAlreadyUnavailable(s('3.5', 'Profile is Installed; cannot transition to Unavailable')), false);
      assert.equal(defaultIsAlreadyUnavailable(s('3.9', 'already Unavailable')), false);
      assert.equal(defaultIsAlreadyUnavailable({ subjectCode: '8.1.1', reasonCode: '3.7' }), false);
    });

    it('a vendor-specific detector can be configured', async () => {
      const strict = await startEs2PlusSimulator({ alreadyUnavailableAnswer: 'failed', control: defaultSimulatorControl() });
      try {
        const never = createEs2PlusClient({
          baseUrl: strict.url,
          functionRequesterIdentifier: 'op',
          isAlreadyUnavailable: () => false,
        });
        strict.setProfile(iccid(1), { state: 'Unavailable' });
        await assert.rejects(never.cancelOrder({ iccid: iccid(1), finalProfileStatusIndicator: 'Unavailable' }, { callId: k('c1') }), {
          code: '8.2.1/3.5',
        });
      } finally {
        await strict.close();
      }
    });
  });

  it('Executed-WithWarning is a success carrying the warning', async () => {
    sim.setProfile(iccid(1), { state: 'Allocated' });
    const warning = { subjectCode: '8.9', reasonCode: '5.1', message: 'SM-DS not reachable' };
    sim.injectNext('confirmOrder', { status: 'Executed-WithWarning', statusCodeData: warning });
    const result = await client.confirmOrder({ iccid: iccid(1), releaseFlag: true, smdsAddress: 'smds.example' }, { callId: k('c1') });
    assert.deepEqual(result.warning, warning);
    assert.equal(sim.profiles.get(iccid(1))!.state, 'Released');
  });

  it('Expired (function not executed) is retryable', async () => {
    sim.setProfile(iccid(1), { state: 'Confirmed' });
    sim.injectNext('releaseProfile', { status: 'Expired' });
    await assert.rejects(client.releaseProfile({ iccid: iccid(1) }, { callId: k('c1') }), RetryableAdapterError);
    assert.equal(sim.profiles.get(iccid(1))!.state, 'Confirmed');
  });

  it('HTTP 503 from the simulator is retryable and executes nothing; the retry with the same call id works', async () => {
    sim.setProfile(iccid(1), { state: 'Released' });
    control.failNext = 1;
    await assert.rejects(
      client.cancelOrder({ iccid: iccid(1), finalProfileStatusIndicator: 'Unavailable' }, { callId: k('c1') }),
      (err: unknown) => err instanceof RetryableAdapterError && /HTTP 503/.test(err.message),
    );
    assert.equal(sim.profiles.get(iccid(1))!.state, 'Released');
    const retry = await client.cancelOrder({ iccid: iccid(1), finalProfileStatusIndicator: 'Unavailable' }, { callId: k('c1') });
    assert.equal(retry.alreadyUnavailable, false);
    assert.equal(sim.profiles.get(iccid(1))!.state, 'Unavailable');
  });

  it('applies the configured latency', async () => {
    sim.setProfile(iccid(1), { state: 'Confirmed' });
    control.latencyMs = 150;
    const started = performance.now();
    await client.releaseProfile({ iccid: iccid(1) }, { callId: k('c1') });
    assert.ok(performance.now() - started >= 140, 'answer came back faster than the latency');
  });

  it('a timeout is retryable; the SM-DP+ may still have acted, and the retry with the same call id replays', async () => {
    sim.setProfile(iccid(1), { state: 'Released' });
    const impatient = createEs2PlusClient({ baseUrl: sim.url, pathPrefix: '/smdp', functionRequesterIdentifier: 'op', timeoutMs: 50 });
    control.latencyMs = 250;
    await assert.rejects(
      impatient.cancelOrder({ iccid: iccid(1), finalProfileStatusIndicator: 'Unavailable' }, { callId: k('slow-1') }),
      (err: unknown) => err instanceof RetryableAdapterError && /timed out after 50 ms/.test(err.message),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(sim.profiles.get(iccid(1))!.state, 'Unavailable');
    control.latencyMs = 0;
    const retry = await impatient.cancelOrder({ iccid: iccid(1), finalProfileStatusIndicator: 'Unavailable' }, { callId: k('slow-1') });
    assert.deepEqual(retry, { alreadyUnavailable: false });
    assert.equal(sim.requests.at(-1)!.replayed, true);
  });

  it('a refused connection is retryable', async () => {
    const gone = await startEs2PlusSimulator({ control: defaultSimulatorControl() });
    await gone.close();
    const c = createEs2PlusClient({ baseUrl: gone.url, functionRequesterIdentifier: 'op', timeoutMs: 2000 });
    await assert.rejects(c.releaseProfile({ iccid: iccid(1) }, { callId: k('c1') }), RetryableAdapterError);
  });

  it('HTTP 429 is rate limiting: retryable, with the wait Retry-After asks for (seconds or a date; 1 s when absent)', async () => {
    const answering = (headers: Record<string, string>): typeof fetch => async () => new Response('slow down', { status: 429, headers });
    const cases: Array<[Record<string, string>, number]> = [
      [{ 'retry-after': '7' }, 7000],
      [{ 'retry-after': new Date(Date.now() + 3000).toUTCString() }, 3000],
      [{}, 1000],
    ];
    for (const [headers, ms] of cases) {
      const c = createEs2PlusClient({ baseUrl: 'http://smdp.invalid', functionRequesterIdentifier: 'op', fetch: answering(headers) });
      await assert.rejects(c.releaseProfile({ iccid: iccid(1) }, { callId: k('c1') }), (err: unknown) => {
        assert.ok(err instanceof RateLimitedAdapterError, String(err));
        assert.ok(err instanceof RetryableAdapterError, 'a rate limit is retried');
        assert.ok(Math.abs(err.retryAfterMs - ms) <= 1000, `${JSON.stringify(headers)}: waits ${err.retryAfterMs} ms, asked ${ms}`);
        return true;
      });
    }
  });

  it('a 200 answer that is not ES2+ JSON is retryable', async () => {
    const html: typeof fetch = async () => new Response('<html>gateway</html>', { status: 200 });
    const c = createEs2PlusClient({ baseUrl: 'http://smdp.invalid', functionRequesterIdentifier: 'op', fetch: html });
    await assert.rejects(c.releaseProfile({ iccid: iccid(1) }, { callId: k('c1') }), RetryableAdapterError);
    const noHeader: typeof fetch = async () => Response.json({ iccid: iccid(1) });
    const c2 = createEs2PlusClient({ baseUrl: 'http://smdp.invalid', functionRequesterIdentifier: 'op', fetch: noHeader });
    await assert.rejects(c2.downloadOrder({}, { callId: k('c1') }), RetryableAdapterError);
  });

  it('a success without the mandatory response field is a permanent protocol error', async () => {
    const f: typeof fetch = async () => Response.json({ header: { functionExecutionStatus: { status: 'Executed-Success' } } });
    const c = createEs2PlusClient({ baseUrl: 'http://smdp.invalid', functionRequesterIdentifier: 'op', fetch: f });
    await assert.rejects(c.downloadOrder({}, { callId: k('c1') }), { code: 'es2plus/malformed_response' });
  });

  it('refuses to send without a call id, and rejects a bad configuration up front', async () => {
    await assert.rejects(client.releaseProfile({ iccid: iccid(1) }, { callId: '' }), TypeError);
    assert.equal(sent.length, 0);
    assert.throws(() => createEs2PlusClient({ baseUrl: 'not a url', functionRequesterIdentifier: 'op' }), TypeError);
    assert.throws(() => createEs2PlusClient({ baseUrl: sim.url, functionRequesterIdentifier: '' }), TypeError);
    assert.throws(() => createEs2PlusClient({ baseUrl: sim.url, functionRequesterIdentifier: 'op', protocolVersion: '3' }), TypeError);
  });

  it('uses the configured protocol version in X-Admin-Protocol', async () => {
    const c = createEs2PlusClient({
      baseUrl: `${sim.url}/`,
      pathPrefix: 'smdp/',
      functionRequesterIdentifier: 'op',
      protocolVersion: '2.2.0',
      fetch: recordingFetch,
    });
    sim.setProfile(iccid(1), { state: 'Confirmed' });
    await c.releaseProfile({ iccid: iccid(1) }, { callId: k('c1') });
    assert.equal(sent[0]!.headers.get('x-admin-protocol'), 'gsma/rsp/v2.2.0');
    assert.equal(sent[0]!.url, `${sim.url}/smdp/gsma/rsp2/es2plus/releaseProfile`);
  });
});
