// Signed event delivery: a real HTTP receiver checks every signature with the standardwebhooks
// library; retries follow the backoff schedule on a clock the test moves; 410 disables the
// subscription; 429's Retry-After is honoured; a private address is refused outside dev mode; the
// delivery log and redelivery are in the ops API.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/context.ts';
import { staffFor } from '../helpers/api.ts';
import { startReceiver, until } from '../helpers/webhook-receiver.ts';
import { createSubscription } from '../../src/webhooks/create-subscription.ts';
import { envelope, recordEvent } from '../../src/webhooks/record-event.ts';
import { RETRY_SCHEDULE_SECONDS, MAX_ATTEMPTS } from '../../src/webhooks/backoff.ts';
import { httpSender } from '../../src/webhooks/http-sender.ts';
import { recordFleetJobEnded } from '../../src/webhooks/record-fleet-job-ended.ts';
import { newSigningKeys, verifyEd25519 } from '../../src/webhooks/sign-webhook.ts';

describe('webhook delivery', () => {
  let t: TestApp;
  let clock = Date.now();
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const owner = (clientId: string) => ({ kind: 'client' as const, clientId, companyId: null, ip: '127.0.0.1' });

  before(async () => {
    t = await startTestApp({ now: () => new Date(clock) });
    receiver = await startReceiver();
  });
  after(async () => {
    await receiver.close();
    await t.close();
  });

  async function subscribe(clientId: string, url = receiver.url(clientId), query?: string) {
    const s = await createSubscription(t.ctx, owner(clientId), { callback: url, query });
    receiver.setSecret(url, s.secret, s.publicKey);
    return s;
  }
  async function emit(clientId: string, event: Record<string, unknown> = { productOrder: { id: 'po-1', state: 'acknowledged' } }, type = 'ProductOrderCreateEvent') {
    const env = envelope(type, event, new Date(clock));
    await t.ctx.db.transaction().execute((trx) => recordEvent(trx, { eventType: type, envelope: env, audience: { kind: 'clients', clientIds: [clientId] }, at: new Date(clock) }));
    return env;
  }
  const delivery = (eventId: string) => t.ctx.db.selectFrom('webhook_deliveries').selectAll().where('event_id', '=', eventId).executeTakeFirst();
  const settled = (eventId: string, statuses: string[], attempts?: number) =>
    until(`delivery of ${eventId} in ${statuses.join('/')}`, async () => {
      const d = await delivery(eventId);
      return d && statuses.includes(d.status) && (attempts === undefined || d.attempts === attempts) ? d : undefined;
    });

  test('an event is delivered once, signed (verified by the standardwebhooks library), with a stable webhook-id', async () => {
        receiver.answer(() => ({ status: 204 }));
    const s = await subscribe('client-a');
    const env = await emit('client-a');
    const d = await settled(env.eventId, ['delivered']);
    assert.equal(receiver.on('client-a').length, 1);
    const got = receiver.on('client-a')[0]!;
    assert.equal(got.verified, true, 'v1 verifies with the secret (standardwebhooks), v1a with the Ed25519 public key');
    assert.match(String(got.headers['webhook-signature']), /^v1,\S+ v1a,\S+$/);
    assert.equal(verifyEd25519(newSigningKeys().publicKey, got.headers, JSON.stringify(got.body)), false, 'another key does not verify v1a');
    assert.equal(verifyEd25519(s.publicKey, got.headers, JSON.stringify(got.body)), true);
    assert.equal(got.id, `msg_${d.id}`);
    assert.deepEqual(got.body, env, 'the TMF envelope as recorded');
    assert.equal(d.last_status_code, 204);
  });

  test('an event in a transaction that rolls back is never delivered', async () => {
    await subscribe('client-rb');
    const env = envelope('ProductOrderCreateEvent', { productOrder: { id: 'po-rb' } });
    await assert.rejects(t.ctx.db.transaction().execute(async (trx) => {
      await recordEvent(trx, { eventType: 'ProductOrderCreateEvent', envelope: env, audience: { kind: 'clients', clientIds: ['client-rb'] } });
      throw new Error('the change failed');
    }));
    assert.equal(await delivery(env.eventId), undefined);
  });

  test('the hub query picks the events a listener gets', async () => {
    await subscribe('client-q', receiver.url('client-q'), 'eventType=ProductOrderStateChangeEvent&event.productOrder.state=completed');
    const created = await emit('client-q', { productOrder: { id: 'po-2', state: 'acknowledged' } }, 'ProductOrderCreateEvent');
    const other = await emit('client-q', { productOrder: { id: 'po-2', state: 'inProgress' } }, 'ProductOrderStateChangeEvent');
    const done = await emit('client-q', { productOrder: { id: 'po-2', state: 'completed' } }, 'ProductOrderStateChangeEvent');
    assert.equal(await delivery(created.eventId), undefined);
    assert.equal(await delivery(other.eventId), undefined);
    assert.ok(await delivery(done.eventId));
  });

  test("a fleet job's end goes to the subscriptions of the company's clients, and no one else's", async () => {
    const url = receiver.url('company-x');
    const s = await createSubscription(t.ctx, { kind: 'client', clientId: 'fleet-client', companyId: 'company-x', ip: '127.0.0.1' }, { callback: url });
    receiver.setSecret(url, s.secret, s.publicKey);
    await subscribe('client-not-company');
    const { eventId, deliveries } = await t.ctx.db.transaction().execute((trx) =>
      recordFleetJobEnded(trx, { companyId: 'company-x', jobId: 'job-1', summary: { completed: 58, failed: 2 }, at: new Date(clock) }));
    assert.equal(deliveries, 1);
    await settled(eventId, ['delivered']);
    const got = receiver.on('company-x').at(-1)!;
    assert.equal(got.verified, true);
    assert.equal(got.body.eventType, 'FleetJobEndEvent');
    assert.deepEqual(got.body.event.fleetJob, { id: 'job-1', companyId: 'company-x', summary: { completed: 58, failed: 2 } });
    assert.equal(receiver.on('client-not-company').length, 0);
  });

  test('failures are retried on the backoff schedule under the same webhook-id, then delivered', async () => {
        receiver.answer((n) => ({ status: n <= 2 ? 500 : 200 }));
    await subscribe('client-b');
    const start = clock;
    const env = await emit('client-b');
    let d = await settled(env.eventId, ["pending"], 1);
    assert.equal(new Date(d.next_attempt_at).getTime() - start, RETRY_SCHEDULE_SECONDS[0] * 1000, 'second attempt after 5 s');
    clock += RETRY_SCHEDULE_SECONDS[0] * 1000;
    d = await settled(env.eventId, ['pending'], 2);
    assert.equal(new Date(d.next_attempt_at).getTime() - clock, RETRY_SCHEDULE_SECONDS[1] * 1000, 'third attempt 5 minutes later');
    clock += RETRY_SCHEDULE_SECONDS[1] * 1000 - 1000;
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await delivery(env.eventId))!.attempts, 2, 'not before its time');
    clock += 1000;
    d = await settled(env.eventId, ['delivered'], 3);
    assert.equal(receiver.on('client-b').length, 3);
    assert.ok(receiver.on('client-b').every((r) => r.id === `msg_${d.id}` && r.verified));
  });

  test('after about three days of failures the delivery is dead; ops see it in the log and redeliver it', async () => {
        receiver.answer(() => ({ status: 502 }));
    await subscribe('client-c');
    const start = clock;
    const env = await emit('client-c');
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      const d = await settled(env.eventId, ['pending'], attempt);
      clock = new Date(d.next_attempt_at).getTime();
    }
    const dead = await settled(env.eventId, ['dead'], MAX_ATTEMPTS);
    const hours = (clock - start) / 3_600_000;
    assert.ok(hours > 60 && hours < 80, `retried for ${hours.toFixed(1)} h`);

    const ops = await staffFor(t.app, 'ops');
    const list = await ops.get('ops/webhooks/deliveries?status=dead');
    assert.equal(list.status, 200);
    const item = list.body.items.find((i: any) => i.id === dead.id);
    assert.ok(item, 'the dead delivery is listed');
    assert.equal(item.lastStatusCode, 502);
    assert.ok(!JSON.stringify(list.body).includes('token=abc'), 'the callback query (tokens) is not shown');
    const one = await ops.get(`ops/webhooks/deliveries/${dead.id}`);
    assert.equal(one.body.attemptLog.length, MAX_ATTEMPTS);
    assert.ok(one.body.attemptLog.every((a: any) => a.statusCode === 502 && a.latencyMs >= 0));

    receiver.answer(() => ({ status: 200 }));
    const again = await ops.post(`ops/webhooks/deliveries/${dead.id}/redeliver`);
    assert.equal(again.status, 200);
    await settled(env.eventId, ['delivered']);
    assert.equal(receiver.on('client-c').at(-1)!.id, `msg_${dead.id}`);
    const twice = await ops.post(`ops/webhooks/deliveries/${dead.id}/redeliver`);
    assert.equal(twice.status, 200, 'a delivered one may be sent again too');
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('subject', '=', `webhook_delivery:${dead.id}`).execute();
    assert.ok(audit.some((a) => a.action === 'webhook.redeliver'));
  });

  test('410 Gone disables the subscription: its waiting deliveries stop and new events are not queued for it', async () => {
    receiver.answer(() => ({ status: 410 }));
    const s = await subscribe('client-d');
    const first = await emit('client-d');
    await settled(first.eventId, ['cancelled'], 1);
    const sub = await t.ctx.db.selectFrom('webhook_subscriptions').select(['status', 'disabled_reason']).where('id', '=', s.id).executeTakeFirstOrThrow();
    assert.equal(sub.status, 'disabled');
    const later = await emit('client-d');
    assert.equal(await delivery(later.eventId), undefined);
    const ops = await staffFor(t.app, 'ops');
    const subs = await ops.get('ops/webhooks/subscriptions');
    assert.equal(subs.body.items.find((i: any) => i.id === s.id).status, 'disabled');
  });

  test('429 with Retry-After waits as long as the receiver asks', async () => {
    receiver.answer(() => ({ status: 429, headers: { 'retry-after': '120' } }));
    await subscribe('client-e');
    const env = await emit('client-e');
    const d = await settled(env.eventId, ['pending'], 1);
    assert.equal(new Date(d.next_attempt_at).getTime() - clock, 120_000);
  });

  test('a receiver slower than the timeout counts as a failed attempt', async () => {
    t.ctx.webhooks = { timeoutMs: 200 };
    receiver.answer(() => ({ status: 200, delayMs: 1500 }));
    await subscribe('client-f');
    const env = await emit('client-f');
    const d = await settled(env.eventId, ['pending'], 1);
    t.ctx.webhooks = undefined;
    assert.match(d.last_error ?? '', /^timeout/);
  });

  test('outside dev mode, private and loopback addresses are refused: at registration, and at delivery after resolving the name', async () => {
    t.ctx.config.dev = false;
    try {
      await assert.rejects(subscribe('client-g', 'http://10.0.0.8/hooks'), (e: any) => e.code === 'validation_failed');
      await assert.rejects(subscribe('client-g', 'http://[::ffff:127.0.0.1]/hooks'), (e: any) => e.code === 'validation_failed');
      await assert.rejects(subscribe('client-g', 'http://169.254.169.254/latest'), (e: any) => e.code === 'validation_failed');
            receiver.answer(() => ({ status: 200 }));
      await subscribe('client-g', receiver.byName('client-g')); // localhost resolves to a loopback address
      const env = await emit('client-g');
      const d = await settled(env.eventId, ['pending'], 1);
      assert.match(d.last_error ?? '', /^refused/);
      assert.equal(receiver.on('client-g').length, 0, 'nothing reached the receiver');
      const attempt = await t.ctx.db.selectFrom('webhook_attempts').select('outcome').where('delivery_id', '=', d.id).executeTakeFirstOrThrow();
      assert.equal(attempt.outcome, 'refused');
      await assert.rejects(httpSender({ url: receiver.url('x'), headers: {}, body: '{}', timeoutMs: 1000, allowPrivate: false }), /public addresses/);
    } finally {
      t.ctx.config.dev = true;
    }
  });
});
