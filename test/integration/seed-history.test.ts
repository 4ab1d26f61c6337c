// The demo history the dev start and `zhuxiao seed` add: the ops dashboard's 30 days show more than
// today, every completed request is the one that cancelled its line, the quotes are real ones, no
// scenario customer is touched, and a second run adds nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/context.ts';
import { staffFor } from '../helpers/api.ts';
import { seedDemoHistory } from '../../src/db/seed/history.ts';
import { viewForReviewer, viewCancellationForOwner } from '../../src/cancellation/view-cancellation.ts';

describe('demo history', () => {
  let t: TestApp;
  let seeded: Awaited<ReturnType<typeof seedDemoHistory>>;
  before(async () => {
    t = await startTestApp();
    seeded = await seedDemoHistory(t.ctx.db, { now: t.ctx.now() });
  });
  after(async () => t.close());

  test('the ops figures for the last 30 days show history on many days, of every outcome', async () => {
    assert.ok(seeded.completed > 0 && seeded.rejected > 0 && seeded.withdrawn > 0 && seeded.blockers > 0, JSON.stringify(seeded));
    const ops = await staffFor(t.app, 'ops');
    const res = await ops.get('ops/stats');
    assert.equal(res.status, 200);
    const days = new Set(res.body.cancellationsPerDay.map((d: { date: string }) => d.date));
    assert.ok(days.size >= 10, `history on ${days.size} days of the last 30`);
    const outcomes = new Set(res.body.cancellationsPerDay.map((d: { outcome: string }) => d.outcome));
    for (const o of ['rejected', 'withdrawn']) assert.ok(outcomes.has(o), `${o} in the figures`);
    assert.ok(res.body.reviewSla.decided > 0 && res.body.reviewSla.medianHours > 0, 'review times from the timelines');
    assert.ok(res.body.topBlockers.length > 0, 'blocking conditions counted');
  });

  test('a completed request is the one that cancelled its line: finished when the line left, with the real quote', async () => {
    const rows = await t.ctx.db.selectFrom('cancellation_requests as r').innerJoin('lines as l', 'l.id', 'r.line_id')
      .select(['r.id', 'r.status', 'r.completed_at', 'r.created_at', 'r.decided_at', 'l.status as line_status', 'l.cancelled_at', 'r.customer_id', 'r.bill_total_fen'])
      .where('r.details', '@>', JSON.stringify({ demoHistory: true }) as never).execute();
    assert.equal(rows.length, seeded.completed + seeded.rejected + seeded.withdrawn);
    for (const r of rows.filter((x) => x.status === 'completed')) {
      assert.equal(r.line_status, 'cancelled');
      assert.equal(r.completed_at!.getTime(), r.cancelled_at!.getTime());
      assert.ok(r.created_at < r.decided_at! && r.decided_at! < r.completed_at!, 'submitted, then decided, then done');
    }
    for (const r of rows.filter((x) => x.status !== 'completed')) assert.equal(r.line_status, 'active', 'a rejected or withdrawn request leaves its line live');
    const scenario = await t.ctx.db.selectFrom('demo_scenarios').select('customer_id').execute();
    assert.ok(!rows.some((r) => scenario.some((s) => s.customer_id === r.customer_id)), 'no scenario customer has history');

    const done = rows.find((x) => x.status === 'completed')!;
    const view = await viewCancellationForOwner(t.ctx, [done.customer_id], done.id);
    assert.deepEqual(view.timeline.map((e) => e.status).at(-1), 'completed');
    assert.equal(view.billTotalFen, done.bill_total_fen);
    const reviewerView = await viewForReviewer(t.ctx, rows.find((x) => x.status === 'rejected')!.id);
    assert.ok(reviewerView, 'the reviewer can open a rejected one');
  });

  test('a second run adds nothing', async () => {
    const again = await seedDemoHistory(t.ctx.db, { now: t.ctx.now() });
    assert.deepEqual(again, { completed: 0, rejected: 0, withdrawn: 0, blockers: 0 });
  });
});
