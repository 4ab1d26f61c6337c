// The store directory a store-only line points to: a carrier's stores in one province, nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testAppForFile, type TestApp } from '../helpers/context.ts';

let t: TestApp;
testAppForFile({ workers: false }, (app) => (t = app));

const get = async (url: string) => {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/${url}` });
  return { status: res.statusCode, body: res.json() };
};

test("a carrier's stores in a province, and only those", async () => {
  const r = await get('stores?carrier=cmcc&province=11');
  assert.equal(r.status, 200);
  assert.ok(r.body.stores.length > 0);
  assert.ok(r.body.stores.some((s: { id: string }) => s.id === 'cmcc-bj-001'));
  for (const s of r.body.stores) {
    assert.equal(s.carrier, 'cmcc');
    assert.equal(s.province, '11');
    assert.match(s.name.zh, /中国移动/);
  }
  const all = await get('stores?carrier=cucc');
  assert.ok(all.body.stores.length >= 2, 'without a province: every province of the carrier');
  assert.ok(all.body.stores.every((s: { carrier: string }) => s.carrier === 'cucc'));
  assert.deepEqual((await get('stores?carrier=ctcc&province=99')).body.stores, []);
});

test('an unknown carrier or a malformed province is a 400', async () => {
  assert.equal((await get('stores?carrier=nope')).status, 400);
  assert.equal((await get('stores?carrier=cmcc&province=beijing')).status, 400);
  assert.equal((await get('stores')).status, 400);
});
