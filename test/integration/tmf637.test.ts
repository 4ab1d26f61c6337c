// TMF637 Product Inventory (read): lines as products with the profile's mandatory attributes; a line
// goes active → pendingTerminate (a live request) → terminated; the product id is what TMF622 orders
// name; filters, fields= and paging; an MVNO partner's client sees only its brand's lines; 404s.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { ApiClient, quoteAndSubmit, subscriberFor } from '../helpers/api.ts';
import { createMachineClient } from '../helpers/machine-client.ts';

const BASE = '/tmf-api/productInventory/v4';
let t: TestApp;

async function machine(opts: { scopes: string[]; mvnoCode?: string }): Promise<ApiClient> {
  const c = await createMachineClient(t.ctx, opts);
  const res = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret }) });
  const token = res.json().access_token as string;
  const api = new ApiClient(t.app);
  const call = api.call.bind(api);
  api.call = (method, url, body, headers = {}) => call(method, url, body, { authorization: `Bearer ${token}`, ...headers });
  return api;
}

before(async () => { t = await startTestApp(); });
after(async () => {
  await t?.close();
  await dropTemplate();
});

test('a line is a product: mandatory attributes, masked numbers, status active → pendingTerminate → terminated', async () => {
  const inv = await machine({ scopes: ['tmf637:read'] });
  const { api, who } = await subscriberFor(t.app, 'clean_physical');
  const line = who.lines[0];
  const before = await inv.get(`${BASE}/product/${line.id}`);
  assert.equal(before.status, 200, JSON.stringify(before.body));
  const p = before.body;
  for (const k of ['id', 'href', 'name', 'status', 'isBundle', 'startDate', 'productOffering', 'relatedParty', 'productCharacteristic', '@type']) assert.ok(k in p, `missing ${k}`);
  assert.equal(p.id, line.id);
  assert.ok(p.href.endsWith(`${BASE}/product/${line.id}`));
  assert.equal(p.status, 'active');
  assert.ok(!JSON.stringify(p).includes(line.msisdn), 'the number is masked');
  assert.ok(!JSON.stringify(p).includes(line.iccid), 'the ICCID is masked');
  assert.match(p.relatedParty[0].name, /\*/);

  const { submit } = await quoteAndSubmit(api, line.id, line.msisdn);
  assert.equal(submit.status, 201, JSON.stringify(submit.body));
  assert.equal((await inv.get(`${BASE}/product/${line.id}`)).body.status, 'pendingTerminate');
  const pending = await inv.get(`${BASE}/product?status=pendingTerminate&limit=100`);
  assert.ok(pending.body.some((x: { id: string }) => x.id === line.id));

  await t.ctx.db.updateTable('cancellation_requests').set({ status: 'completed', completed_at: new Date() }).where('id', '=', submit.body.id).execute();
  await t.ctx.db.updateTable('lines').set({ status: 'cancelled', cancelled_at: new Date() }).where('id', '=', line.id).execute();
  const ended = (await inv.get(`${BASE}/product/${line.id}`)).body;
  assert.equal(ended.status, 'terminated');
  assert.ok(!Number.isNaN(Date.parse(ended.terminationDate)));
});

test('list: paging with counts, status and id filters, fields=', async () => {
  const inv = await machine({ scopes: ['tmf637:read'] });
  const page = await inv.get(`${BASE}/product?limit=5&offset=2`);
  assert.equal(page.status, 200);
  assert.equal(page.body.length, 5);
  assert.equal(page.headers['x-result-count'], '5');
  const total = Number(page.headers['x-total-count']);
  const lines = await t.ctx.db.selectFrom('lines').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  assert.equal(total, Number(lines.n));
  const first = (await inv.get(`${BASE}/product?limit=3`)).body;
  assert.equal(page.body[0].id, (await inv.get(`${BASE}/product?limit=1&offset=2`)).body[0].id);
  const byId = await inv.get(`${BASE}/product?id=${first[0].id},${first[1].id}`);
  assert.deepEqual(byId.body.map((x: { id: string }) => x.id).sort(), [first[0].id, first[1].id].sort());
  const slim = await inv.get(`${BASE}/product?limit=2&fields=status`);
  assert.deepEqual(Object.keys(slim.body[0]).sort(), ['@type', 'href', 'id', 'status']);
  const active = await inv.get(`${BASE}/product?status=active&limit=100`);
  assert.ok(active.body.length > 0 && active.body.every((x: { status: string }) => x.status === 'active'));
  assert.equal((await inv.get(`${BASE}/product?status=gone`)).status, 400);
});

test('an MVNO partner\'s client sees only its brand\'s lines; unknown ids are TMF 404s; scopes are checked', async () => {
  const mvnoLine = await t.ctx.db.selectFrom('lines').select(['id', 'mvno_code']).where('mvno_code', 'is not', null).executeTakeFirstOrThrow();
  const carrierLine = await t.ctx.db.selectFrom('lines').select('id').where('mvno_code', 'is', null).executeTakeFirstOrThrow();
  const partner = await machine({ scopes: ['tmf637:read'], mvnoCode: mvnoLine.mvno_code! });
  assert.equal((await partner.get(`${BASE}/product/${mvnoLine.id}`)).status, 200);
  const hidden = await partner.get(`${BASE}/product/${carrierLine.id}`);
  assert.equal(hidden.status, 404);
  assert.equal(hidden.body.code, 'not_found');
  assert.equal(hidden.body['@type'], 'Error');
  const list = await partner.get(`${BASE}/product?limit=100`);
  const brandOf = new Map((await t.ctx.db.selectFrom('lines').select(['id', 'mvno_code']).execute()).map((l) => [l.id, l.mvno_code]));
  assert.ok(list.body.length > 0 && list.body.every((x: { id: string }) => brandOf.get(x.id) === mvnoLine.mvno_code));

  const inv = await machine({ scopes: ['tmf637:read'] });
  assert.equal((await inv.get(`${BASE}/product/f42b01d2-dba6-4442-a0fa-34e59639fd15`)).status, 404);
  assert.equal((await inv.get(`${BASE}/product/nope`)).status, 404);
  const orderOnly = await machine({ scopes: ['tmf622:read'] });
  assert.equal((await orderOnly.get(`${BASE}/product`)).status, 403);
});
