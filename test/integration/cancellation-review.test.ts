// Review of online requests through the HTTP API: the queue by SLA deadline, rejection with a
// reason the subscriber sees, who may review, two reviewers at once, and carriers that auto-approve.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { ApiClient, quoteAndSubmit, staffFor, waitForStatus } from '../helpers/api.ts';
import { plainLines, type PlainLine } from '../helpers/plain-lines.ts';

let t: TestApp;
let reviewer: ApiClient;
before(async () => {
  t = await startTestApp();
  reviewer = await staffFor(t.app, 'reviewer');
});
after(async () => {
  await t?.close();
  await dropTemplate();
});

type Person = PlainLine;
const taken = new Set<string>();
const cleanLines = (n: number) => plainLines(t, n, taken);

async function submitted(p: Person): Promise<string> {
  const { quote, submit } = await quoteAndSubmit(p.api, p.lineId, p.msisdn);
  assert.equal(quote.body.eligible, true, JSON.stringify(quote.body.blockers));
  assert.equal(submit.status, 201, JSON.stringify(submit.body));
  return submit.body.id;
}

async function waitForSms(msisdn: string, pattern: RegExp): Promise<string> {
  const until = Date.now() + 15_000;
  for (;;) {
    const r = await new ApiClient(t.app).get(`dev/outbox?to=${encodeURIComponent(msisdn)}`);
    const hit = (r.body.messages as Array<{ text: string }>).find((m) => pattern.test(m.text));
    if (hit) return hit.text;
    if (Date.now() > until) throw new Error(`no SMS to ${msisdn} matching ${pattern}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

describe('review queue', () => {
  test('is ordered by SLA deadline, with overdue requests flagged first', async () => {
    const people = await cleanLines(3);
    const ids: string[] = [];
    for (const p of people) ids.push(await submitted(p));
    // The last one submitted has been waiting too long.
    const late = new Date(Date.now() - 3600_000);
    await t.ctx.db.updateTable('cancellation_requests').set({ sla_due_at: late }).where('id', '=', ids[2]).execute();

    const r = await reviewer.get('review/queue');
    assert.equal(r.status, 200);
    const items = r.body.items as any[];
    const mine = items.filter((i) => ids.includes(i.id));
    assert.deepEqual(mine.map((i) => i.id), [ids[2], ids[0], ids[1]]);
    assert.deepEqual(mine.map((i) => i.overdue), [true, false, false]);
    assert.equal(items[0].id, ids[2], 'the overdue request heads the queue');
    const due = items.map((i) => Date.parse(i.slaDueAt));
    assert.deepEqual(due, [...due].sort((a, b) => a - b));
    for (const i of mine.slice(1)) {
      // The carrier's default SLA: 24 hours after submission.
      assert.ok(Math.abs(Date.parse(i.slaDueAt) - Date.parse(i.submittedAt) - 24 * 3600_000) < 5_000, `${i.submittedAt} → ${i.slaDueAt}`);
    }
    assert.match(mine[0].maskedMsisdn, /^\d{3}\*{4}\d{4}$/);
    assert.ok(!JSON.stringify(items).includes(people[0].msisdn.slice(3)), 'staff see masked numbers');

    const detail = await reviewer.get(`review/${ids[2]}`);
    assert.equal(detail.body.overdue, true);
  });

  test('a rejection with a reason is what the subscriber sees, in the timeline and by SMS', async () => {
    const [p] = await cleanLines(1);
    const id = await submitted(p);
    const short = await reviewer.post(`review/${id}/reject`, { reason: 'no' });
    assert.equal(short.status, 400);
    assert.equal(short.body.error.code, 'validation_failed');

    const reason = 'The account holder name does not match; please visit a store with your ID card.';
    const r = await reviewer.post(`review/${id}/reject`, { reason });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const view = await p.api.get(`cancellations/${id}`);
    assert.equal(view.body.status, 'rejected');
    assert.equal(view.body.rejectionReason, reason);
    assert.deepEqual(view.body.timeline.map((e: any) => e.status), ['pending_review', 'rejected']);
    assert.equal(view.body.timeline[1].note, reason);
    const list = await p.api.get('me/cancellations');
    assert.equal(list.body.items.find((i: any) => i.id === id).rejectionReason, reason);
    assert.match(await waitForSms(p.msisdn, /未通过/), /does not match/);

    // A rejected request is over: it cannot be approved later, and the line can be requested again.
    assert.equal((await reviewer.post(`review/${id}/approve`)).status, 409);
    const line = await t.ctx.db.selectFrom('lines').select('status').where('id', '=', p.lineId).executeTakeFirstOrThrow();
    assert.equal(line.status, 'active');
    assert.equal((await quoteAndSubmit(p.api, p.lineId, p.msisdn)).submit.status, 201);
  });

  test('only reviewers may use the review routes: a clerk gets 403, a subscriber or nobody 401', async () => {
    const [p] = await cleanLines(1);
    const id = await submitted(p);
    const clerk = await staffFor(t.app, 'clerk');
    for (const [who, status, code] of [[clerk, 403, 'forbidden'], [p.api, 401, 'unauthenticated'], [new ApiClient(t.app), 401, 'unauthenticated']] as const) {
      const queue = await who.get('review/queue');
      assert.equal(queue.status, status);
      assert.equal(queue.body.error.code, code);
      assert.equal((await who.get(`review/${id}`)).status, status);
      assert.equal((await who.post(`review/${id}/approve`)).status, status);
      assert.equal((await who.post(`review/${id}/reject`, { reason: 'I would rather not.' })).status, status);
    }
    assert.equal((await p.api.get(`cancellations/${id}`)).body.status, 'pending_review', 'nothing was decided');
  });

  test('two reviewers approving at once: one wins, the other is told (409 conflict)', async () => {
    const [p, q] = await cleanLines(2);
    const admin = await staffFor(t.app, 'admin');
    const id = await submitted(p);
    const [a, b] = await Promise.all([reviewer.post(`review/${id}/approve`), admin.post(`review/${id}/approve`)]);
    assert.deepEqual([a.status, b.status].sort(), [200, 409], JSON.stringify([a.body, b.body]));
    const lost = a.status === 409 ? a : b;
    assert.equal(lost.body.error.code, 'conflict');
    const events = await t.ctx.db.selectFrom('request_events').select('to_status').where('request_id', '=', id).where('to_status', '=', 'approved').execute();
    assert.equal(events.length, 1, 'approved once');

    const id2 = await submitted(q);
    assert.equal((await reviewer.post(`review/${id2}/approve`)).status, 200);
    const again = await reviewer.post(`review/${id2}/approve`);
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'conflict');
    assert.equal((await reviewer.post(`review/${id2}/reject`, { reason: 'Changed my mind.' })).status, 409);
    assert.equal((await waitForStatus(p.api, id, ['completed', 'needs_attention'])).status, 'completed');
  });
});

describe('carrier settings', () => {
  test('a carrier without online review approves at once and the request runs to completion', async () => {
    const [p] = await cleanLines(1);
    const carrier = await t.ctx.db.selectFrom('carriers').select('settings').where('code', '=', p.carrier as never).executeTakeFirstOrThrow();
    await t.ctx.db.updateTable('carriers').set({ settings: JSON.stringify({ ...carrier.settings, onlineReviewRequired: false }) }).where('code', '=', p.carrier as never).execute();
    try {
      const { submit } = await quoteAndSubmit(p.api, p.lineId, p.msisdn);
      assert.equal(submit.status, 201, JSON.stringify(submit.body));
      assert.equal(submit.body.status, 'approved');
      const queue = await reviewer.get('review/queue');
      assert.ok(!queue.body.items.some((i: any) => i.id === submit.body.id), 'never in the review queue');
      const done = await waitForStatus(p.api, submit.body.id, ['completed', 'needs_attention']);
      assert.equal(done.status, 'completed', JSON.stringify(done));
      assert.deepEqual(done.timeline.map((e: any) => e.status), ['approved', 'executing', 'completed']);
      assert.equal(done.slaDueAt, null);
    } finally {
      await t.ctx.db.updateTable('carriers').set({ settings: JSON.stringify(carrier.settings) }).where('code', '=', p.carrier as never).execute();
    }
  });
});
