// The TMF622 hub: a BSS registers a listener with its access token (scope tmf-hub:write), receives
// ProductOrderCreateEvent when an order is placed and ProductOrderStateChangeEvent when the order's
// state changes (each signed, verified here with standardwebhooks), and deletes the listener.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { startTestApp, type TestApp } from '../helpers/context.ts';
import { staffFor } from '../helpers/api.ts';
import { plainLines } from '../helpers/plain-lines.ts';
import { createMachineClient, fetchToken } from '../helpers/machine-client.ts';
import { startReceiver, until } from '../helpers/webhook-receiver.ts';
import { placeProductOrder } from '../../src/tmf/place-product-order.ts';
import type { MachineClient } from '../../src/http/machine-auth.ts';

const HUB = '/tmf-api/productOrderingManagement/v4/hub';

describe('TMF622 hub', () => {
  let t: TestApp;
  let base: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let bss: { clientId: string; clientSecret: string };
  let token: string;

  before(async () => {
    t = await startTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    receiver = await startReceiver();
    bss = await createMachineClient(t.ctx, { scopes: ['tmf-hub:write'], name: 'carrier BSS' });
    token = await fetchToken(base, bss.clientId, bss.clientSecret);
  });
  after(async () => {
    await receiver.close();
    await t.close();
  });

  const call = (method: string, path: string, body?: unknown, bearer = token) => t.app.inject({
    method: method as 'POST', url: path, headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { payload: JSON.stringify(body) } : {}),
  });
  const asClient = (id: string): MachineClient => ({ clientId: id, name: 'carrier BSS', scopes: ['tmf-hub:write'], mvnoCode: null, companyId: null });

  async function register(name: string, query?: string) {
    const url = receiver.url(name);
    const res = await call('POST', HUB, { callback: url, ...(query ? { query } : {}) });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    receiver.setSecret(url, body.secret, body.publicKey);
    return { ...body, location: res.headers.location };
  }

  test('registering needs a token with tmf-hub:write; errors are TMF Error bodies', async () => {
    const none = await call('POST', HUB, { callback: receiver.url('x') }, '');
    assert.equal(none.statusCode, 401);
    assert.equal(none.json().code, 'unauthenticated');
    assert.equal(none.json()['@type'], 'Error');
    const other = await createMachineClient(t.ctx, { scopes: ['number-recycling:check'] });
    const wrong = await call('POST', HUB, { callback: receiver.url('x') }, await fetchToken(base, other.clientId, other.clientSecret));
    assert.equal(wrong.statusCode, 403);
    assert.equal(wrong.json().code, 'permission_denied');
    const bad = await call('POST', HUB, { callback: 'not a url' });
    assert.equal(bad.statusCode, 400);
    const badQuery = await call('POST', HUB, { callback: receiver.url('x'), query: 'eventType' });
    assert.equal(badQuery.statusCode, 400);
  });

  test('a listener hears of the order being created and of its state changes, signed, until it is deleted', async () => {
    const hub = await register('bss');
    assert.match(hub.id, /^[0-9a-f-]{36}$/);
    assert.equal(hub.location, `${HUB}/${hub.id}`);
    assert.match(hub.secret, /^whsec_/);
    const onlyDone = await register('bss-completed', 'eventType=ProductOrderStateChangeEvent&event.productOrder.state=completed,held');

    const [line] = await plainLines(t, 1, new Set());
    const { orderId } = await placeProductOrder(t.ctx, asClient(bss.clientId), {
      externalId: 'BSS-1',
      productOrderItem: [{ id: '1', action: 'delete', product: { id: line!.lineId, productCharacteristic: [{ name: 'acknowledgements', value: 'all' }] } }],
    }, { ip: '127.0.0.1', lang: 'en' });

    const created = await until('the create event', async () => receiver.on('bss').find((r) => r.body.eventType === 'ProductOrderCreateEvent'));
    assert.equal(created.verified, true);
    assert.equal(created.body.event.productOrder.id, orderId);
    assert.equal(created.body.event.productOrder.externalId, 'BSS-1');
    assert.ok(created.body.eventId && !Number.isNaN(Date.parse(created.body.eventTime)));

    // Approve it if the carrier reviews; then it runs to completion.
    const request = await t.ctx.db.selectFrom('tmf_product_orders').select('request_id').where('id', '=', orderId).executeTakeFirstOrThrow();
    const status = (await t.ctx.db.selectFrom('cancellation_requests').select('status').where('id', '=', request.request_id!).executeTakeFirstOrThrow()).status;
    if (status === 'pending_review') {
      const reviewer = await staffFor(t.app, 'reviewer');
      assert.equal((await reviewer.post(`review/${request.request_id}/approve`)).status, 200);
    }
    // The end of execution: completed, or held if an outside system kept failing (the simulators can).
    const done = await until('the end state event', async () => receiver.on('bss').find((r) => r.body.eventType === 'ProductOrderStateChangeEvent' && ['completed', 'held'].includes(r.body.event.productOrder.state)), 60_000);
    assert.equal(done.verified, true);
    const end = (await t.ctx.db.selectFrom('cancellation_requests').select('status').where('id', '=', request.request_id!).executeTakeFirstOrThrow()).status;
    assert.equal(done.body.event.productOrder.state, end === 'completed' ? 'completed' : 'held');
    if (end === 'completed') assert.ok(done.body.event.productOrder.completionDate);
    const states = receiver.on('bss').map((r) => `${r.body.eventType}:${r.body.event.productOrder.state}`);
    assert.equal(states.filter((s) => s === 'ProductOrderStateChangeEvent:inProgress').length, 0, 'approval keeps the order inProgress: no event');
    await until('the filtered listener', async () => receiver.on('bss-completed').length === 1);
    assert.deepEqual(receiver.on('bss-completed').map((r) => r.body.eventType), ['ProductOrderStateChangeEvent']);

    // Someone else's listener cannot be deleted (404), the owner's can (204), once.
    const stranger = await createMachineClient(t.ctx, { scopes: ['tmf-hub:write'] });
    const theirs = await call('DELETE', `${HUB}/${hub.id}`, undefined, await fetchToken(base, stranger.clientId, stranger.clientSecret));
    assert.equal(theirs.statusCode, 404);
    assert.equal((await call('DELETE', `${HUB}/${hub.id}`)).statusCode, 204);
    assert.equal((await call('DELETE', `${HUB}/${hub.id}`)).statusCode, 404);
    assert.equal((await call('DELETE', `${HUB}/not-an-id`)).statusCode, 404);
    assert.equal((await call('DELETE', `${HUB}/${onlyDone.id}`)).statusCode, 204);

    const heard = receiver.on('bss').length;
    const [second] = await plainLines(t, 1, new Set([line!.customerId]));
    await placeProductOrder(t.ctx, asClient(bss.clientId), {
      productOrderItem: [{ id: '1', action: 'delete', product: { id: second!.lineId, productCharacteristic: [{ name: 'acknowledgements', value: 'all' }] } }],
    }, { ip: '127.0.0.1', lang: 'en' });
    const rows = await t.ctx.db.selectFrom('webhook_deliveries').select('id').where('subscription_id', '=', hub.id).execute();
    assert.equal(receiver.on('bss').length, heard);
    assert.ok(rows.length >= 2 && rows.length === heard, 'nothing new was queued for the deleted listener');
  });
});
