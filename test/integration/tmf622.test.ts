// TMF622 Product Ordering v4 as the carrier's BSS uses it: a delete order for a line opens its
// cancellation (channel api), follows it through review and execution to completed, is rejected
// with the blocking codes for a blocked line, is cancelled while in review, and lists and reads
// orders with TMF's filters, fields= and paging; unknown ids are TMF 404s.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { ApiClient, demoAccounts, staffFor, type DemoSubscriber } from '../helpers/api.ts';
import { createMachineClient } from '../helpers/machine-client.ts';

const BASE = '/tmf-api/productOrderingManagement/v4';
let t: TestApp;
let bss: ApiClient;
let readOnly: ApiClient;
let subscribers: DemoSubscriber[];

/** A client of the app (inject) that sends the client's Bearer token, fetched from /oauth/token. */
async function machine(scopes: string[]): Promise<ApiClient> {
  const c = await createMachineClient(t.ctx, { scopes });
  const res = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret }).toString() });
  assert.equal(res.statusCode, 200, res.body);
  const token = res.json().access_token as string;
  const api = new ApiClient(t.app);
  const call = api.call.bind(api);
  api.call = (method, url, body, headers = {}) => call(method, url, body, { authorization: `Bearer ${token}`, ...headers });
  return api;
}

const lineOf = (scenario: string) => {
  const s = subscribers.find((x) => x.scenario === scenario)!;
  return { line: s.lines[0], who: s };
};
async function customerOf(lineId: string) {
  return (await t.ctx.db.selectFrom('lines').select('customer_id').where('id', '=', lineId).executeTakeFirstOrThrow()).customer_id;
}
const deleteOrder = async (lineId: string, chars: Array<{ name: string; value: unknown }> = [{ name: 'acknowledgements', value: 'all' }], extra: Record<string, unknown> = {}) => ({
  productOrderItem: [{ id: '1', action: 'delete', product: { id: lineId, productCharacteristic: chars } }],
  relatedParty: [{ id: await customerOf(lineId), '@referredType': 'Individual' }],
  ...extra,
});

before(async () => {
  t = await startTestApp();
  subscribers = (await demoAccounts(t.app)).subscribers;
  bss = await machine(['tmf622:write', 'tmf622:read']);
  readOnly = await machine(['tmf622:read']);
});
after(async () => {
  await t?.close();
  await dropTemplate();
});

test('a delete order opens a cancellation in review; approval and execution bring it to completed with a completionDate', async () => {
  const { line } = lineOf('clean_physical');
  const res = await bss.post(`${BASE}/productOrder`, await deleteOrder(line.id, undefined, { externalId: 'BSS-1' }));
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const order = res.body;
  assert.equal(res.headers.location, order.href);
  assert.ok(order.href.endsWith(`${BASE}/productOrder/${order.id}`));
  assert.equal(order.state, 'inProgress');
  assert.equal(order.externalId, 'BSS-1');
  assert.equal(order.productOrderItem[0].action, 'delete');
  assert.equal(order.productOrderItem[0].product.id, line.id);
  assert.match(order.orderDate, /Z$/);
  const party = order.relatedParty[0];
  assert.equal(party.id, await customerOf(line.id));
  assert.match(party.name, /\*/, 'the customer name is masked');

  const request = await t.ctx.db.selectFrom('cancellation_requests').select(['id', 'status', 'channel']).where('line_id', '=', line.id).executeTakeFirstOrThrow();
  assert.equal(request.channel, 'api');
  assert.equal(request.status, 'pending_review');

  const reviewer = await staffFor(t.app, 'reviewer');
  const approved = await reviewer.post(`review/${request.id}/approve`);
  assert.equal(approved.status, 200, JSON.stringify(approved.body));
  let seen = '';
  for (let i = 0; i < 200 && seen !== 'completed'; i++) {
    seen = (await bss.get(`${BASE}/productOrder/${order.id}`)).body.state;
    if (seen !== 'completed') await new Promise((r) => setTimeout(r, 150));
  }
  const done = (await bss.get(`${BASE}/productOrder/${order.id}`)).body;
  assert.equal(done.state, 'completed');
  assert.equal(done.productOrderItem[0].state, 'completed');
  assert.ok(!Number.isNaN(Date.parse(done.completionDate)));

  const again = await bss.post(`${BASE}/productOrder`, await deleteOrder(line.id));
  assert.equal(again.status, 409);
  assert.equal(again.body.code, 'already_requested');
  assert.equal(again.body['@type'], 'Error');
});

test('a blocked line gives a stored order in state rejected with the blocking codes in note; no request is opened', async () => {
  const { line } = lineOf('port_out_pending');
  const res = await bss.post(`${BASE}/productOrder`, await deleteOrder(line.id));
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.state, 'rejected');
  const notes = res.body.note.map((n: { text: string }) => n.text).join('\n');
  assert.match(notes, /port_out/);
  const read = await bss.get(`${BASE}/productOrder/${res.body.id}`);
  assert.equal(read.body.state, 'rejected');
  const requests = await t.ctx.db.selectFrom('cancellation_requests').select('id').where('line_id', '=', line.id).execute();
  assert.equal(requests.length, 0);
  const list = await bss.get(`${BASE}/productOrder?state=rejected`);
  assert.ok(list.body.some((o: { id: string }) => o.id === res.body.id));
});

test('acknowledgements must be asserted; the customer named must hold the line; only delete is taken', async () => {
  const { line } = lineOf('clean_esim');
  const none = await bss.post(`${BASE}/productOrder`, await deleteOrder(line.id, []));
  assert.equal(none.status, 422);
  assert.equal(none.body.code, 'acknowledgements_missing');
  const other = await customerOf(lineOf('clean_physical').line.id);
  const wrongParty = await bss.post(`${BASE}/productOrder`, { ...(await deleteOrder(line.id)), relatedParty: [{ id: other, '@referredType': 'Individual' }] });
  assert.equal(wrongParty.status, 422);
  assert.equal(wrongParty.body.code, 'identity_mismatch');
  const add = await bss.post(`${BASE}/productOrder`, { productOrderItem: [{ id: '1', action: 'add' }] });
  assert.equal(add.status, 400);
  const unknownProduct = await bss.post(`${BASE}/productOrder`, await deleteOrder(line.id).then((o) => ({ ...o, productOrderItem: [{ id: '1', action: 'delete', product: { id: 'f42b01d2-dba6-4442-a0fa-34e59639fd15' } }] })));
  assert.equal(unknownProduct.status, 400);
  const extraField = await bss.post(`${BASE}/productOrder`, { ...(await deleteOrder(line.id)), bogus: 1 });
  assert.equal(extraField.status, 400);
  assert.equal(extraField.body.code, 'validation_failed');
});

test('cancelProductOrder withdraws an order in review (cancelled); an order past review reports terminatedWithError', async () => {
  const { line } = lineOf('clean_esim');
  const order = (await bss.post(`${BASE}/productOrder`, await deleteOrder(line.id))).body;
  assert.equal(order.state, 'inProgress');
  const cancel = await bss.post(`${BASE}/cancelProductOrder`, { productOrder: { id: order.id }, cancellationReason: 'changed their mind' });
  assert.equal(cancel.status, 201, JSON.stringify(cancel.body));
  assert.equal(cancel.body.state, 'done');
  assert.equal(cancel.headers.location, cancel.body.href);
  const after = (await bss.get(`${BASE}/productOrder/${order.id}`)).body;
  assert.equal(after.state, 'cancelled');
  assert.equal(after.cancellationReason, 'changed their mind');
  const status = await t.ctx.db.selectFrom('cancellation_requests').select('status').where('line_id', '=', line.id).executeTakeFirstOrThrow();
  assert.equal(status.status, 'withdrawn');
  const audit = await t.ctx.db.selectFrom('audit_log').select(['actor_kind', 'action']).where('action', '=', 'request.withdraw').orderBy('seq', 'desc').executeTakeFirstOrThrow();
  assert.equal(audit.actor_kind, 'client');

  const twice = await bss.post(`${BASE}/cancelProductOrder`, { productOrder: { id: order.id } });
  assert.equal(twice.status, 201);
  assert.equal(twice.body.state, 'terminatedWithError');
  assert.match(twice.body.errorMessage, /withdrawn/);
  const byId = await bss.get(`${BASE}/cancelProductOrder/${cancel.body.id}`);
  assert.equal(byId.body.state, 'done');
  const list = await bss.get(`${BASE}/cancelProductOrder`);
  assert.ok(list.body.length >= 2);
  assert.equal(list.headers['x-total-count'], String(list.body.length));
});

test('list: filters by id, state and orderDate, fields= keeps the named attributes, offset/limit with counts', async () => {
  const all = await readOnly.get(`${BASE}/productOrder`);
  assert.equal(all.status, 200);
  assert.ok(all.body.length >= 3);
  const total = Number(all.headers['x-total-count']);
  assert.equal(total, all.body.length);
  const first = all.body[0];
  const byId = await readOnly.get(`${BASE}/productOrder?id=${first.id}`);
  assert.deepEqual(byId.body.map((o: { id: string }) => o.id), [first.id]);
  const byDate = await readOnly.get(`${BASE}/productOrder?orderDate=${encodeURIComponent(first.orderDate)}`);
  assert.ok(byDate.body.every((o: { orderDate: string }) => o.orderDate === first.orderDate));
  assert.ok(byDate.body.some((o: { id: string }) => o.id === first.id));
  const later = await readOnly.get(`${BASE}/productOrder?orderDate.gt=${encodeURIComponent(first.orderDate)}`);
  assert.ok(!later.body.some((o: { id: string }) => o.id === first.id));
  const fields = await readOnly.get(`${BASE}/productOrder?fields=orderDate`);
  assert.deepEqual(Object.keys(fields.body[0]).sort(), ['@type', 'href', 'id', 'orderDate']);
  const page = await readOnly.get(`${BASE}/productOrder?offset=1&limit=1`);
  assert.equal(page.body.length, 1);
  assert.equal(page.body[0].id, all.body[1].id);
  assert.equal(page.headers['x-result-count'], '1');
  assert.equal(page.headers['x-total-count'], String(total));
  const cancelled = await readOnly.get(`${BASE}/productOrder?state=cancelled`);
  assert.ok(cancelled.body.length >= 1 && cancelled.body.every((o: { state: string }) => o.state === 'cancelled'));
  const badState = await readOnly.get(`${BASE}/productOrder?state=nonsense`);
  assert.equal(badState.status, 400);
  const badField = await readOnly.get(`${BASE}/productOrder?fields=nonsense`);
  assert.equal(badField.status, 400);
});

test('unknown ids are 404 in TMF error shape; a read-only client cannot order; no token is a 401', async () => {
  const missing = await readOnly.get(`${BASE}/productOrder/f42b01d2-dba6-4442-a0fa-34e59639fd15`);
  assert.equal(missing.status, 404);
  assert.equal(missing.body.code, 'not_found');
  assert.equal(missing.body.status, '404');
  assert.equal(typeof missing.body.reason, 'string');
  const notUuid = await readOnly.get(`${BASE}/productOrder/not-an-id`);
  assert.equal(notUuid.status, 404);
  const { line } = lineOf('multi_line');
  const denied = await readOnly.post(`${BASE}/productOrder`, await deleteOrder(line.id));
  assert.equal(denied.status, 403);
  assert.equal(denied.body.code, 'permission_denied');
  const anonymous = await new ApiClient(t.app).get(`${BASE}/productOrder`);
  assert.equal(anonymous.status, 401);
  assert.match(String(anonymous.headers['www-authenticate']), /^Bearer /);
  const unknownPath = await readOnly.get(`${BASE}/nothing-here`);
  assert.equal(unknownPath.status, 404);
  assert.equal(unknownPath.body['@type'], 'Error');
});
