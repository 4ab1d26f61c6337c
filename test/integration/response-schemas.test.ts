// No field a use case answers is lost on the way out. A route's response schema serialises its
// answer (fast-json-stringify), and a property the schema does not name is dropped without a word:
// the web client then reads undefined where the server meant a value. This test watches every
// request it makes: it records what the handler passed to reply.send (through Fastify's
// diagnostics channel, so the app is the one users get) and compares it, as plain JSON, with what
// the client received. It walks every GET the OpenAPI document lists without a path parameter, as
// each role, and then the flows that reach the routes with one (a request, its review, its
// certificate, a fleet job, a TMF order).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import type { FastifyReply } from 'fastify';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { ApiClient, demoAccounts, quoteAndSubmit, staffFor, subscriberFor, waitForStatus, type Res } from '../helpers/api.ts';
import { createMachineClient } from '../helpers/machine-client.ts';
import { DEMO_COMPANY } from '../../src/db/seed/companies.ts';

/** What the last handler sent, before serialisation. */
let sent: { payload: unknown } | undefined;
const handlerStart = diagnostics.channel('tracing:fastify.request.handler:start');
const onHandlerStart = (message: unknown) => {
  const reply = (message as { reply: FastifyReply }).reply;
  const send = reply.send;
  reply.send = function (this: FastifyReply, payload?: unknown) {
    sent ??= { payload };
    return send.call(this, payload);
  } as FastifyReply['send'];
};

const isPlain = (v: unknown) => v !== null && typeof v === 'object' && (Array.isArray(v) || Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

/** The first path where `received` differs from `meant`, or null. */
function firstDifference(meant: unknown, received: unknown, path = '$'): string | null {
  if (Array.isArray(meant)) {
    if (!Array.isArray(received)) return `${path}: an array was sent, ${JSON.stringify(received)} received`;
    if (meant.length !== received.length) return `${path}: ${meant.length} items sent, ${received.length} received`;
    for (let i = 0; i < meant.length; i++) {
      const d = firstDifference(meant[i], received[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (meant !== null && typeof meant === 'object') {
    if (received === null || typeof received !== 'object' || Array.isArray(received)) return `${path}: an object was sent, ${JSON.stringify(received)} received`;
    for (const [k, v] of Object.entries(meant)) {
      if (!(k in received)) return `${path}.${k}: sent (${JSON.stringify(v)?.slice(0, 80)}) but not in the response`;
      const d = firstDifference(v, (received as Record<string, unknown>)[k], `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return Object.is(meant, received) ? null : `${path}: ${JSON.stringify(meant)} sent, ${JSON.stringify(received)} received`;
}

/** A client that checks every JSON answer against what its handler sent. */
class CheckingClient extends ApiClient {
  static checked = 0;
  override async call<T = any>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res<T>> {
    sent = undefined;
    const res = await super.call<T>(method, url, body, headers);
    const payload = (sent as { payload: unknown } | undefined)?.payload; // set by the channel's subscriber meanwhile
    if (isPlain(payload) && String(res.headers['content-type'] ?? '').includes('json')) {
      // As JSON.stringify would write it (Dates as strings, undefined left out): what a schema-less route answers.
      const meant = JSON.parse(JSON.stringify(payload));
      const d = firstDifference(meant, res.body);
      assert.equal(d, null, `${method} ${url} (${res.status}) lost part of its answer: ${d}`);
      CheckingClient.checked++;
    }
    return res;
  }
}

async function signedInStaff(app: TestApp['app'], username: string, password: string): Promise<CheckingClient> {
  const api = new CheckingClient(app);
  const r = await api.post('staff/sign-in', { username, password });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return api;
}

let t: TestApp;
let subscriber: Awaited<ReturnType<typeof subscriberFor>>;
before(async () => {
  diagnostics.subscribe('tracing:fastify.request.handler:start', onHandlerStart);
  assert.ok(handlerStart.hasSubscribers);
  t = await startTestApp();
  subscriber = await subscriberFor(t.app, 'clean_physical');
});
after(async () => {
  diagnostics.unsubscribe('tracing:fastify.request.handler:start', onHandlerStart);
  await t?.close();
  await dropTemplate();
});

describe('response schemas drop nothing', () => {
  test('the check itself sees a dropped field', async () => {
    // A route whose schema names one of the two fields it answers: the check must complain.
    const { default: Fastify } = await import('fastify');
    const app = Fastify();
    app.get('/x', { schema: { response: { 200: { type: 'object', properties: { kept: { type: 'string' } } } } } }, async () => ({ kept: 'a', lost: 'b' }));
    await app.ready();
    await assert.rejects(new CheckingClient(app).get('/x'), /\$\.lost: sent \("b"\) but not in the response/);
    await app.close();
  });

  test('every parameterless GET, as every role', async () => {
    const doc = (await new ApiClient(t.app).get('/openapi.json')).body as { paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> };
    const gets = Object.entries(doc.paths)
      .filter(([p, ops]) => ops.get?.responses?.['200'] && !p.includes('{') && !p.endsWith('.csv') && !p.endsWith('.pem'))
      .map(([p]) => p);
    assert.ok(gets.length >= 20, `the OpenAPI document lists ${gets.length} GETs`);

    const accounts = await demoAccounts(t.app);
    const clients: Array<[string, ApiClient]> = [['anonymous', new CheckingClient(t.app)]];
    clients.push(['subscriber', Object.assign(new CheckingClient(t.app), { cookies: subscriber.api.cookies })]);
    for (const role of ['clerk', 'reviewer', 'ops', 'admin']) {
      const s = accounts.staff.find((x) => x.role === role)!;
      clients.push([role, await signedInStaff(t.app, s.username, s.password)]);
    }
    clients.push(['company admin', await signedInStaff(t.app, DEMO_COMPANY.admin.username, DEMO_COMPANY.admin.password)]);

    let answered = 0;
    for (const [who, api] of clients) {
      for (const p of gets) {
        const r = await api.get(p);
        assert.ok(r.status < 500, `${who} GET ${p}: ${r.status} ${JSON.stringify(r.body)}`);
        if (r.status === 200) answered++;
      }
    }
    assert.ok(answered >= gets.length, `${answered} answers of 200 over ${gets.length} paths`);
  });

  test('a request from quote to certificate, through review', async () => {
    const { who } = subscriber;
    const api = Object.assign(new CheckingClient(t.app), { cookies: subscriber.api.cookies });
    const line = who.lines.find((l) => l.msisdn === who.msisdn)!;
    const { submit } = await quoteAndSubmit(api, line.id, who.msisdn);
    assert.equal(submit.status, 201, JSON.stringify(submit.body));
    assert.equal((await api.get(`cancellations/${submit.body.id}`)).status, 200);

    const staff = await staffFor(t.app, 'reviewer');
    const reviewer = Object.assign(new CheckingClient(t.app), { cookies: staff.cookies });
    assert.equal((await reviewer.post('review/queue/search', {})).status, 200);
    assert.equal((await reviewer.get(`review/${submit.body.id}`)).status, 200);
    assert.equal((await reviewer.post(`review/${submit.body.id}/claim`)).status, 200);
    assert.equal((await reviewer.post(`review/${submit.body.id}/approve`)).status, 200);
    const done = await waitForStatus(api, submit.body.id, ['completed', 'needs_attention']);
    assert.equal(done.status, 'completed', JSON.stringify(done));
    assert.equal((await api.get(`cancellations/${submit.body.id}`)).body.certificateSerial, done.certificateSerial);

    const verify = await api.get(`certificates/${done.certificateSerial}/verify`);
    assert.equal(verify.body.valid, true);
    assert.equal((await new CheckingClient(t.app).get(`certificates/${done.certificateSerial}/verify`)).body.exists, true);
  });

  test('the counter: lookup and quotes with blockers and money', async () => {
    const accounts = await demoAccounts(t.app);
    const staff = await staffFor(t.app, 'clerk');
    const clerk = Object.assign(new CheckingClient(t.app), { cookies: staff.cookies });
    for (const scenario of ['arrears', 'bundle_primary', 'companion_devices', 'clean_esim']) {
      const s = accounts.subscribers.find((x) => x.scenario === scenario)!;
      const found = await clerk.post('store/customers/lookup', { idNumber: s.idNumber });
      assert.equal(found.status, 200, JSON.stringify(found.body));
      const quote = await clerk.post('store/quote', { lineId: s.lines[0].id });
      assert.equal(quote.status, 200, JSON.stringify(quote.body));
    }
  });

  test('a fleet job, dry run to lines', async () => {
    const admin = await signedInStaff(t.app, DEMO_COMPANY.admin.username, DEMO_COMPANY.admin.password);
    const lines = await t.ctx.db.selectFrom('lines').select('iccid').where('company_id', 'is not', null).where('status', '=', 'active').orderBy('id').limit(3).execute();
    assert.equal(lines.length, 3);
    const plan = await admin.post('fleet/jobs', { rows: lines.map((l) => l.iccid) }, { 'idempotency-key': crypto.randomUUID() });
    assert.ok(plan.status === 200 || plan.status === 201, JSON.stringify(plan.body));
    assert.equal((await admin.get(`fleet/jobs/${plan.body.id}`)).status, 200);
    assert.equal((await admin.get(`fleet/jobs/${plan.body.id}/lines`)).status, 200);
  });

  test('a machine client reads the TMF inventory and orders', async () => {
    const { clientId, clientSecret } = await createMachineClient(t.ctx, { scopes: ['tmf622:read', 'tmf622:write', 'tmf637:read'] });
    const token = await t.app.inject({
      method: 'POST', url: '/oauth/token',
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=client_credentials',
    });
    assert.equal(token.statusCode, 200, token.body);
    const bearer = { authorization: `Bearer ${token.json().access_token}` };
    const machine = new CheckingClient(t.app);
    const products = await machine.call('GET', '/tmf-api/productInventory/v4/product?limit=2', undefined, bearer);
    assert.equal(products.status, 200, JSON.stringify(products.body));
    assert.ok(products.body.length > 0);
    assert.equal((await machine.call('GET', `/tmf-api/productInventory/v4/product/${products.body[0].id}`, undefined, bearer)).status, 200);
    assert.equal((await machine.call('GET', '/tmf-api/productOrderingManagement/v4/productOrder', undefined, bearer)).status, 200);
  });

  test('the checks above looked at answers', (c) => {
    c.diagnostic(`${CheckingClient.checked} answers compared`);
    assert.ok(CheckingClient.checked >= 60, `${CheckingClient.checked} answers compared`);
  });
});
