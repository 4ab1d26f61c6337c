// The staff consoles' server side: the review queue's filters, search and pages; claiming a request
// (two reviewers at once, a decision by someone who does not hold it, an expired claim); the audit
// trail with usernames, references and filters; carrier settings out of range refused, not clamped.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { ApiClient, quoteAndSubmit, staffFor } from '../helpers/api.ts';
import { plainLines } from '../helpers/plain-lines.ts';

let t: TestApp;
let reviewer: ApiClient;
let second: ApiClient;
let admin: ApiClient;
const ids: string[] = [];
const taken = new Set<string>();

before(async () => {
  t = await startTestApp();
  reviewer = await staffFor(t.app, 'reviewer');
  admin = await staffFor(t.app, 'admin');
  const made = await admin.post('admin/staff', { username: 'second-reviewer', role: 'reviewer', displayName: '王复核', password: 'second-reviewer-pass-1' });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  second = new ApiClient(t.app);
  assert.equal((await second.post('staff/sign-in', { username: 'second-reviewer', password: 'second-reviewer-pass-1' })).status, 200);
  const people = await plainLines(t, 3, taken);
  for (const p of people) {
    const { submit } = await quoteAndSubmit(p.api, p.lineId, p.msisdn);
    assert.equal(submit.status, 201, JSON.stringify(submit.body));
    ids.push(submit.body.id);
  }
});
after(async () => {
  await t?.close();
  await dropTemplate();
});

const row = (id: string) => t.ctx.db.selectFrom('cancellation_requests as r').innerJoin('lines as l', 'l.id', 'r.line_id')
  .select(['r.reference', 'l.msisdn', 'r.carrier', 'r.status']).where('r.id', '=', id).executeTakeFirstOrThrow();

describe('review queue', () => {
  test('filters, searches by reference and by the number in a body, and pages on the server', async () => {
    const all = await reviewer.get('review/queue?pageSize=200');
    assert.equal(all.status, 200);
    assert.ok(all.body.total >= 3);
    const first = await reviewer.get('review/queue?pageSize=1&page=1');
    const secondPage = await reviewer.get('review/queue?pageSize=1&page=2');
    assert.equal(first.body.items.length, 1);
    assert.equal(first.body.total, all.body.total);
    assert.notEqual(first.body.items[0].id, secondPage.body.items[0].id);
    assert.equal(first.body.items[0].id, all.body.items[0].id, 'pages follow the same order');

    const r = await row(ids[0]);
    const spaced = `${r.reference!.slice(2, 6)} ${r.reference!.slice(6, 10)}-${r.reference!.slice(10)}`;
    const byRef = await reviewer.get(`review/queue?q=${encodeURIComponent(spaced)}`);
    assert.deepEqual(byRef.body.items.map((i: any) => i.id), [ids[0]]);
    assert.match(byRef.body.items[0].reference, /^ZX \d{4} \d{4} \d{4}$/);

    const last4 = r.msisdn.slice(-4);
    const byTail = await reviewer.get(`review/queue?q=${last4}`);
    assert.ok(byTail.body.items.some((i: any) => i.id === ids[0]));
    assert.ok(byTail.body.items.every((i: any) => i.maskedMsisdn.endsWith(last4)));

    const byNumber = await reviewer.post('review/queue/search', { msisdn: r.msisdn.replace('+86', '') });
    assert.equal(byNumber.status, 200);
    assert.deepEqual(byNumber.body.items.map((i: any) => i.id), [ids[0]]);
    assert.equal((await reviewer.post('review/queue/search', { msisdn: '12345' })).body.total, 0, 'not a number: nothing, not everything');

    const byCarrier = await reviewer.get(`review/queue?carrier=${r.carrier}&pageSize=200`);
    assert.ok(byCarrier.body.items.length > 0 && byCarrier.body.items.every((i: any) => i.carrier === r.carrier));
    const online = await reviewer.get('review/queue?channel=online&pageSize=200');
    assert.ok(online.body.items.every((i: any) => i.channel === 'online'));

    await t.ctx.db.updateTable('cancellation_requests').set({ sla_due_at: new Date(Date.now() - 3600_000) }).where('id', '=', ids[2]).execute();
    const overdue = await reviewer.get('review/queue?overdue=true&pageSize=200');
    assert.ok(overdue.body.items.some((i: any) => i.id === ids[2]));
    assert.ok(overdue.body.items.every((i: any) => i.overdue === true));
    const onTime = await reviewer.get('review/queue?overdue=false&pageSize=200');
    assert.ok(!onTime.body.items.some((i: any) => i.id === ids[2]));

    assert.equal((await reviewer.get('review/queue?status=bogus')).status, 400);
    assert.equal((await reviewer.get('review/queue?pageSize=5000')).status, 400);
  });
});

describe('claims', () => {
  test('two reviewers claim at once: one holds it, the other is told who; only the holder decides', async () => {
    const id = ids[1];
    const [a, b] = await Promise.all([reviewer.post(`review/${id}/claim`, { minutes: 10 }), second.post(`review/${id}/claim`, { minutes: 10 })]);
    const statuses = [a.status, b.status].sort();
    assert.deepEqual(statuses, [200, 409], JSON.stringify([a.body, b.body]));
    const [holder, other] = a.status === 200 ? [reviewer, second] : [second, reviewer];
    const refused = a.status === 200 ? b : a;
    assert.equal(refused.body.error.code, 'claimed_by_other');
    const holderName = (a.status === 200 ? a : b).body.claim.username;
    assert.ok(refused.body.error.message.includes(holderName), refused.body.error.message);

    const queue = await other.get('review/queue?pageSize=200');
    assert.equal(queue.body.items.find((i: any) => i.id === id).claim.username, holderName, 'the queue shows who holds it');
    const detail = await other.get(`review/${id}`);
    assert.equal(detail.body.claim.username, holderName);

    const decision = await other.post(`review/${id}/approve`);
    assert.equal(decision.status, 409);
    assert.equal(decision.body.error.code, 'claimed_by_other');
    other.lang = 'zh-CN';
    const zh = await other.post(`review/${id}/reject`, { reason: '证件照片不清晰，请重新提交' });
    other.lang = 'en';
    assert.equal(zh.status, 409);
    assert.match(zh.body.error.message, /认领/);
    assert.equal((await row(id)).status, 'pending_review', 'nothing was decided');

    // The holder releases; now the other may claim and decide.
    assert.equal((await holder.post(`review/${id}/release`)).body.claim, null);
    assert.equal((await other.post(`review/${id}/claim`)).status, 200);
    const approved = await other.post(`review/${id}/approve`);
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    const after = await t.ctx.db.selectFrom('cancellation_requests').select(['claimed_by', 'status']).where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal(after.claimed_by, null, 'a decision clears the claim');
    assert.equal((await holder.post(`review/${id}/claim`)).status, 409, 'a decided request cannot be claimed');
  });

  test('an expired claim does not stop another reviewer', async () => {
    const id = ids[0];
    assert.equal((await second.post(`review/${id}/claim`, { minutes: 1 })).status, 200);
    assert.equal((await reviewer.post(`review/${id}/reject`, { reason: 'The ID photo is unreadable' })).body.error.code, 'claimed_by_other');
    await t.ctx.db.updateTable('cancellation_requests').set({ claim_expires_at: new Date(Date.now() - 1000) }).where('id', '=', id).execute();
    const queue = await reviewer.get('review/queue?pageSize=200');
    assert.equal(queue.body.items.find((i: any) => i.id === id).claim, null, 'an expired claim is shown as free');
    const rejected = await reviewer.post(`review/${id}/reject`, { reason: 'The ID photo is unreadable' });
    assert.equal(rejected.status, 200, JSON.stringify(rejected.body));
    assert.equal((await reviewer.post(`review/${id}/claim`, { minutes: 61 })).status, 400, 'claims are bounded');
  });
});

describe('audit trail', () => {
  test('usernames, references and filters by action, actor, day and reference', async () => {
    const ops = await staffFor(t.app, 'ops');
    const r = await row(ids[1]);
    const byRef = await ops.get(`ops/audit?reference=${encodeURIComponent(r.reference!)}`);
    assert.equal(byRef.status, 200);
    const actions = byRef.body.entries.map((e: any) => e.action);
    assert.ok(actions.includes('review.claim') && actions.includes('request.approve'), actions.join());
    assert.ok(byRef.body.entries.every((e: any) => e.requestId === ids[1]));
    const approve = byRef.body.entries.find((e: any) => e.action === 'request.approve');
    assert.equal(approve.actor.kind, 'staff');
    assert.ok(['reviewer', 'second-reviewer'].includes(approve.actor.username), JSON.stringify(approve.actor));
    assert.ok(approve.reference.startsWith('ZX '));

    const claims = await ops.get('ops/audit?action=review.claim&limit=500');
    assert.ok(claims.body.total >= 3);
    assert.ok(claims.body.entries.every((e: any) => e.action === 'review.claim'));

    const facets = await ops.get('ops/audit/facets');
    assert.ok(facets.body.actions.includes('review.claim'));
    const secondId = facets.body.staff.find((s: any) => s.username === 'second-reviewer').id;
    const bySecond = await ops.get(`ops/audit?staffId=${secondId}`);
    assert.ok(bySecond.body.entries.length > 0 && bySecond.body.entries.every((e: any) => e.actor.username === 'second-reviewer'));

    const today = new Date(t.ctx.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const todays = await ops.get(`ops/audit?from=${today}&to=${today}&action=review.claim`);
    assert.equal(todays.body.total, claims.body.total);
    assert.equal((await ops.get('ops/audit?from=2000-01-01&to=2000-01-02&action=review.claim')).body.total, 0);
    assert.equal((await ops.get('ops/audit?from=2026-02-30')).status, 400);
    assert.equal((await ops.get('ops/audit?reference=nonsense')).body.total, 0);
  });
});

describe('staff administration', () => {
  test('stores are offered by name for a new clerk, to admins only', async () => {
    const r = await admin.get('admin/stores');
    assert.equal(r.status, 200);
    assert.ok(r.body.items.length > 0);
    const s = r.body.items[0];
    assert.ok(s.id && s.name.zh && s.name.en && s.carrier, JSON.stringify(s));
    assert.equal((await reviewer.get('admin/stores')).status, 403);
    const made = await admin.post('admin/staff', { username: 'clerk-picked', role: 'clerk', storeId: s.id, password: 'clerk-picked-pass-1' });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.staff.storeId, s.id);
  });

  test('the audit trail pages by number and says how many entries match', async () => {
    const ops = await staffFor(t.app, 'ops');
    // Background work (the sealer, jobs) may append entries between the reads, shifting page 2 by as
    // many (and a page's rows and its total are two statements, so a total alone does not show it): the
    // pair is read again until page 1, read once more after page 2, is still the same.
    let one, two;
    for (let attempt = 0; ; attempt++) {
      one = await ops.get('ops/audit?limit=2&page=1');
      two = await ops.get('ops/audit?limit=2&page=2');
      const again = await ops.get('ops/audit?limit=2&page=1');
      const steady = one.body.total === two.body.total && again.body.total === one.body.total
        && JSON.stringify(again.body.entries.map((e: { seq: number }) => e.seq)) === JSON.stringify(one.body.entries.map((e: { seq: number }) => e.seq));
      if (steady || attempt === 9) break;
    }
    assert.equal(one.body.entries.length, 2);
    assert.equal(one.body.total, two.body.total);
    assert.ok(two.body.entries[0].seq < one.body.entries[1].seq, 'page 2 continues where page 1 ended');
  });
});

describe('carrier settings', () => {
  test('out of range is refused with the field named, and nothing changes', async () => {
    const carriers = (await admin.get('admin/carriers')).body.carriers;
    const cmcc = carriers.find((c: any) => c.code === 'cmcc');
    const res = await admin.call('PUT', 'admin/carriers/cmcc/settings', { ...cmcc.settings, freezeDays: 0 });
    assert.equal(res.status, 400);
    assert.match(JSON.stringify(res.body.error), /freezeDays/);
    const again = (await admin.get('admin/carriers')).body.carriers.find((c: any) => c.code === 'cmcc');
    assert.equal(again.settings.freezeDays, cmcc.settings.freezeDays, 'not clamped to 1, not saved');
  });
});
