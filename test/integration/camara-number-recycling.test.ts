// CAMARA Number Recycling v0: a bank with the scope number-recycling:check asks whether a number
// changed owner since a day. The demo data holds numbers cancelled, frozen, released and given to
// someone else; the answer follows the number's history. Errors are CAMARA's; x-correlator echoed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { startTestApp, type TestApp } from '../helpers/context.ts';
import { createMachineClient, fetchToken } from '../helpers/machine-client.ts';

const CHECK = '/number-recycling/v0/check';
const chinaDay = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
const daysBefore = (d: Date | string, n: number) => chinaDay(new Date(new Date(d).getTime() - n * 86_400_000));

describe('CAMARA Number Recycling', () => {
  let t: TestApp;
  let token: string;
  let base: string;

  before(async () => {
    t = await startTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    const bank = await createMachineClient(t.ctx, { scopes: ['number-recycling:check'], name: 'a bank' });
    token = await fetchToken(base, bank.clientId, bank.clientSecret);
  });
  after(async () => t.close());

  const check = (body: unknown, headers: Record<string, string> = {}, bearer = token) => t.app.inject({
    method: 'POST', url: CHECK, payload: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...headers },
  });

  /** A number whose line was cancelled and which a later line of another person holds now. */
  async function recycledNumber() {
    const r = await t.ctx.db.selectFrom('lines as old').innerJoin('lines as now', 'now.msisdn', 'old.msisdn')
      .innerJoin('number_pool as p', 'p.msisdn', 'old.msisdn')
      .select(['old.msisdn', 'old.cancelled_at', 'now.activated_at', 'old.customer_id as old_owner', 'now.customer_id as new_owner'])
      .where('old.status', '=', 'cancelled').where('now.status', '=', 'active').where('p.state', '=', 'assigned').whereRef('p.line_id', '=', 'now.id')
      .orderBy('old.msisdn').executeTakeFirst();
    assert.ok(r, 'the demo data holds a recycled number');
    return r;
  }

  test('a number given to someone else after it was cancelled: recycled since any day before the cancellation, not since after it', async () => {
    const r = await recycledNumber();
    assert.notEqual(r.old_owner, r.new_owner);
    const before = await check({ phoneNumber: r.msisdn, specifiedDate: daysBefore(r.cancelled_at!, 30) });
    assert.equal(before.statusCode, 200, before.body);
    assert.deepEqual(before.json(), { phoneNumberRecycled: true });
    const sameDay = await check({ phoneNumber: r.msisdn, specifiedDate: chinaDay(r.cancelled_at!) });
    assert.deepEqual(sameDay.json(), { phoneNumberRecycled: true }, 'cancelled on the specified day counts');
    const afterIt = await check({ phoneNumber: r.msisdn, specifiedDate: daysBefore(r.cancelled_at!, -1) });
    assert.deepEqual(afterIt.json(), { phoneNumberRecycled: false }, 'the bank learnt the new owner after the change');
  });

  test('a number never cancelled, one still frozen, one recovered by its owner: not recycled', async () => {
    const live = await t.ctx.db.selectFrom('lines').select('msisdn').where('status', '=', 'active')
      .where((eb) => eb.not(eb.exists(eb.selectFrom('lines as o').select('o.id').whereRef('o.msisdn', '=', 'lines.msisdn').whereRef('o.id', '<>', 'lines.id'))))
      .orderBy('msisdn').executeTakeFirstOrThrow();
    assert.deepEqual((await check({ phoneNumber: live.msisdn, specifiedDate: '2020-01-01' })).json(), { phoneNumberRecycled: false });
    const frozen = await t.ctx.db.selectFrom('number_pool').select('msisdn').where('state', '=', 'frozen').orderBy('msisdn').executeTakeFirstOrThrow();
    assert.deepEqual((await check({ phoneNumber: frozen.msisdn, specifiedDate: '2020-01-01' })).json(), { phoneNumberRecycled: false });
    // Recovered: a new line on the number for the same person.
    const old = await t.ctx.db.selectFrom('lines as l').innerJoin('number_pool as p', 'p.line_id', 'l.id')
      .select(['l.id', 'l.msisdn', 'l.customer_id', 'l.account_id', 'l.carrier', 'l.imsi', 'l.iccid', 'l.cancelled_at'])
      .where('p.state', '=', 'frozen').orderBy('l.msisdn', 'desc').executeTakeFirstOrThrow();
    const line = await t.ctx.db.selectFrom('lines').selectAll().where('id', '=', old.id).executeTakeFirstOrThrow();
    await t.ctx.db.insertInto('lines').values({
      ...line, id: crypto.randomUUID(), status: 'active', cancelled_at: null, iccid: `${old.iccid.slice(0, -4)}0000`.slice(0, old.iccid.length),
      activated_at: chinaDay(new Date()), updated_at: new Date(), version: 1,
    }).execute();
    assert.deepEqual((await check({ phoneNumber: old.msisdn, specifiedDate: '2020-01-01' })).json(), { phoneNumberRecycled: false });
  });

  test('CAMARA errors: a future day, bad input, an unknown number, no token, the wrong scope; x-correlator echoed', async () => {
    const r = await recycledNumber();
    const future = await check({ phoneNumber: r.msisdn, specifiedDate: daysBefore(new Date(), -2) }, { 'x-correlator': 'b4333c46-49c0-4f62-80d7-f0ef930f1c46' });
    assert.equal(future.statusCode, 400);
    assert.equal(future.json().code, 'OUT_OF_RANGE');
    assert.equal(future.json().status, 400);
    assert.equal(future.headers['x-correlator'], 'b4333c46-49c0-4f62-80d7-f0ef930f1c46');
    const ok = await check({ phoneNumber: r.msisdn, specifiedDate: '2020-01-01' }, { 'x-correlator': 'abc-123' });
    assert.equal(ok.headers['x-correlator'], 'abc-123');

    for (const body of [{ phoneNumber: r.msisdn }, { phoneNumber: '13800138001', specifiedDate: '2026-01-01' }, { phoneNumber: r.msisdn, specifiedDate: '2026-02-30' }, { phoneNumber: r.msisdn, specifiedDate: '2026-01-01', extra: 1 }]) {
      const bad = await check(body);
      assert.equal(bad.statusCode, 400, JSON.stringify(body));
      assert.equal(bad.json().code, 'INVALID_ARGUMENT');
      assert.equal(typeof bad.json().message, 'string');
    }
    const unknown = await check({ phoneNumber: '+8619999999999', specifiedDate: '2026-01-01' });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().code, 'NOT_FOUND');
    assert.equal((await check({ phoneNumber: '+447700900123', specifiedDate: '2026-01-01' })).json().code, 'NOT_FOUND');

    const none = await check({ phoneNumber: r.msisdn, specifiedDate: '2026-01-01' }, {}, '');
    assert.equal(none.statusCode, 401);
    assert.equal(none.json().code, 'UNAUTHENTICATED');
    const other = await createMachineClient(t.ctx, { scopes: ['tmf-hub:write'] });
    const wrong = await check({ phoneNumber: r.msisdn, specifiedDate: '2026-01-01' }, {}, await fetchToken(base, other.clientId, other.clientSecret));
    assert.equal(wrong.statusCode, 403);
    assert.equal(wrong.json().code, 'PERMISSION_DENIED');
  });
});
