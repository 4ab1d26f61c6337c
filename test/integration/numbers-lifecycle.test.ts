// The life of a number after cancellation: frozen, recovered by its former owner during the freeze
// (signed in with another of their lines, a code sent there, the ID check, a new SIM), or released
// for re-issue once the freeze ends, exactly once however often the release runs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { ApiClient, staffFor, subscriberFor } from '../helpers/api.ts';
import { releaseFrozenNumbers } from '../../src/numbers/release-frozen-numbers.ts';
import { ICCID_ISSUERS, makeIccid } from '../../src/identifiers/index.ts';

let t: TestApp;
let ops: ApiClient;

// No workers: nothing here needs the job queue, and the scheduled release must not run behind the test's back.
before(async () => {
  t = await startTestApp({ workers: false });
  ops = await staffFor(t.app, 'ops');
});
after(async () => {
  await t?.close();
  await dropTemplate();
});

const newIccid = (carrier: string) => makeIccid(ICCID_ISSUERS.find((i) => i.carrier === carrier)!.prefix, String(crypto.randomInt(0, 1e12)).padStart(13, '7'));

async function codeFromOutbox(api: ApiClient, to: string): Promise<string> {
  const outbox = await api.get(`dev/outbox?to=${encodeURIComponent(to)}&limit=1`);
  assert.match(outbox.body.messages[0].text, /recover/);
  return /\b(\d{6})\b/.exec(outbox.body.messages[0].text)![1];
}

describe('recovering a frozen number', () => {
  const frozen = '+8618600138010';

  before(async () => {
    // The multi_line owner's China Unicom line was cancelled yesterday: cancelled line, frozen number.
    const db = t.ctx.db;
    const line = await db.selectFrom('lines').selectAll().where('msisdn', '=', frozen).where('status', '<>', 'cancelled').executeTakeFirstOrThrow();
    const yesterday = new Date(Date.now() - 86_400_000);
    await db.updateTable('lines').set({ status: 'cancelled', cancelled_at: yesterday }).where('id', '=', line.id).execute();
    await db.updateTable('number_pool').set({ state: 'frozen', line_id: line.id, former_customer_id: line.customer_id, frozen_until: new Date(yesterday.getTime() + 90 * 86_400_000) })
      .where('msisdn', '=', frozen).execute();
  });

  test('only the former owner, with the code, the ID check and a new SIM of the carrier, gets the number back', async () => {
    const { api: stranger } = await subscriberFor(t.app, 'arrears');
    const probe = await stranger.post('numbers/recover/code', { msisdn: frozen });
    assert.equal(probe.status, 404, 'someone else cannot even ask');

    const { api, who } = await subscriberFor(t.app, 'multi_line', { realName: false });
    const unconfirmed = await api.post('numbers/recover/code', { msisdn: frozen });
    assert.equal(unconfirmed.status, 403, 'the real-name step comes first');
    assert.equal((await api.post('auth/real-name', { idLast6: who.idLast6 })).status, 200);
    const sent = await api.post('numbers/recover/code', { msisdn: frozen });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    assert.equal(sent.body.sentTo, '138****8010', 'the code goes to the line the owner is signed in with');
    const code = await codeFromOutbox(api, who.msisdn);
    const wrongCode = code === '000000' ? '111111' : '000000';
    const good = { msisdn: frozen, code, idLast6: who.idLast6, iccid: newIccid('cucc') };

    const badCode = await api.post('numbers/recover', { ...good, code: wrongCode });
    assert.equal(badCode.status, 401);
    assert.equal(badCode.body.error.code, 'invalid_code');
    const badId = await api.post('numbers/recover', { ...good, idLast6: '000000' });
    assert.equal(badId.status, 422);
    assert.equal(badId.body.error.code, 'identity_mismatch');
    assert.equal(badId.body.error.details.triesLeft, 3);
    const otherCarrier = await api.post('numbers/recover', { ...good, iccid: newIccid('cmcc') });
    assert.equal(otherCarrier.body.error.code, 'iccid_mismatch');
    const oldSim = (await t.ctx.db.selectFrom('lines').select('iccid').where('msisdn', '=', frozen).executeTakeFirstOrThrow()).iccid;
    const usedSim = await api.post('numbers/recover', { ...good, iccid: oldSim });
    assert.equal(usedSim.status, 409);

    const r = await api.post('numbers/recover', good);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.msisdn, frozen);
    assert.equal(r.body.carrier, 'cucc');
    assert.equal(r.body.status, 'active');

    const lines = (await api.get('me/lines')).body.lines;
    const withNumber = lines.filter((l: any) => l.msisdn === frozen).map((l: any) => [l.id === r.body.lineId ? 'new' : 'old', l.status, l.carrier]);
    assert.deepEqual(withNumber.sort(), [['new', 'active', 'cucc'], ['old', 'cancelled', 'cucc']]);
    const pool = await t.ctx.db.selectFrom('number_pool').select(['state', 'line_id']).where('msisdn', '=', frozen).executeTakeFirstOrThrow();
    assert.deepEqual(pool, { state: 'recovered', line_id: r.body.lineId });

    const audit = await ops.get('ops/audit?limit=20');
    const entry = audit.body.entries.find((e: any) => e.action === 'number.recover');
    assert.equal(entry.subject, 'msisdn:186****8010');
    assert.equal(entry.details.lineId, r.body.lineId);
    assert.ok(audit.body.entries.some((e: any) => e.action === 'number.recover_identity_mismatch'));

    const again = await api.post('numbers/recover', good);
    assert.equal(again.status, 404, 'a recovered number is no longer frozen');
    const listed = await ops.post('ops/numbers/search', { msisdn: frozen });
    assert.deepEqual(listed.body.items.map((i: any) => [i.maskedMsisdn, i.state]), [['186****8010', 'recovered']]);
  });
});

describe('releasing numbers after the freeze', () => {
  test('a release that runs twice (even at the same time) releases each number once', async () => {
    const db = t.ctx.db;
    const now = new Date();
    // Six more cancelled lines: three whose freeze ended, three still frozen.
    const demo = (await db.selectFrom('demo_scenarios').select('msisdn').execute()).map((d) => d.msisdn);
    const picked = await db.selectFrom('lines').select(['id', 'msisdn', 'customer_id']).where('status', '=', 'active').where('msisdn', 'not in', demo).orderBy('msisdn').limit(6).execute();
    for (const [i, line] of picked.entries()) {
      await db.updateTable('lines').set({ status: 'cancelled', cancelled_at: new Date(now.getTime() - 100 * 86_400_000) }).where('id', '=', line.id).execute();
      await db.updateTable('number_pool').set({ state: 'frozen', former_customer_id: line.customer_id, frozen_until: new Date(now.getTime() + (i < 3 ? -1 : 1) * (i + 1) * 3_600_000) })
        .where('msisdn', '=', line.msisdn).execute();
    }
    const due = await db.selectFrom('number_pool').select('msisdn').where('state', '=', 'frozen').where('frozen_until', '<', now).execute();
    const stillFrozen = await db.selectFrom('number_pool').select('msisdn').where('state', '=', 'frozen').where('frozen_until', '>=', now).execute();
    assert.ok(due.length >= 3, 'numbers whose freeze ended');
    assert.ok(stillFrozen.length > 0, 'and numbers still frozen');

    const before = await ops.get('ops/numbers?state=frozen&limit=500');
    assert.equal(before.body.counts.available, 0);
    assert.equal(before.body.items.filter((i: any) => i.releaseDue).length, due.length);

    const [a, b] = await Promise.all([releaseFrozenNumbers(t.ctx, { now, batchSize: 2 }), releaseFrozenNumbers(t.ctx, { now, batchSize: 2 })]);
    const c = await releaseFrozenNumbers(t.ctx, { now });
    assert.equal(a.released + b.released, due.length);
    assert.equal(c.released, 0);

    const available = await db.selectFrom('number_pool').select(['msisdn', 'former_customer_id']).where('state', '=', 'available').execute();
    assert.deepEqual(available.map((r) => r.msisdn).sort(), due.map((r) => r.msisdn).sort());
    assert.ok(available.every((r) => r.former_customer_id === null), 'the former owner no longer holds a released number');
    const frozenAfter = await db.selectFrom('number_pool').select('msisdn').where('state', '=', 'frozen').execute();
    assert.deepEqual(frozenAfter.map((r) => r.msisdn).sort(), stillFrozen.map((r) => r.msisdn).sort(), 'numbers still in their freeze stay frozen');

    const audit = (await ops.get('ops/audit?limit=200')).body.entries.filter((e: any) => e.action === 'numbers.release');
    assert.equal(audit.reduce((n: number, e: any) => n + e.details.released, 0), due.length);
    const metrics = String((await new ApiClient(t.app).get('/metrics')).body);
    const counted = [...metrics.matchAll(/^zhuxiao_numbers_released_total\{carrier="\w+"\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
    assert.equal(counted, due.length);

    const after = await ops.get('ops/numbers?state=available&limit=5');
    assert.equal(after.body.counts.available, due.length);
    assert.ok(after.body.items.every((i: any) => i.state === 'available' && /^1\d{2}\*{4}\d{4}$/.test(i.maskedMsisdn)));
  });

  test('clerks and reviewers cannot see the pool', async () => {
    assert.equal((await (await staffFor(t.app, 'clerk')).get('ops/numbers')).status, 403);
    assert.equal((await (await staffFor(t.app, 'reviewer')).get('ops/numbers')).status, 403);
  });
});
