// A fleet job talks to each carrier's network no faster than the carrier's settings allow
// (fleetRatePerSecond, fleetConcurrency), pauses that carrier for a 429's Retry-After and then asks
// again with the same key without counting a failed attempt; every key is served once. Read from
// the network simulator's own log of calls (when each arrived and was answered, and how).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { NetworkSimulator } from '../../src/adapters/network.ts';
import { staffFor } from '../helpers/api.ts';
import { withFleetAdmin } from '../helpers/fleet-admin.ts';
import { freshFleetLines, runFleetJob } from '../helpers/fleet.ts';

const s = withFleetAdmin();
const network = () => s.t.ctx.adapters.network as unknown as NetworkSimulator;

/** Sets the throttle of every carrier, straight in the table (the API's check is its own test below). */
async function throttleEveryCarrier(ratePerSecond: number, concurrency: number) {
  await sql`UPDATE carriers SET settings = settings || ${JSON.stringify({ fleetRatePerSecond: ratePerSecond, fleetConcurrency: concurrency })}::jsonb`.execute(s.t.ctx.db);
}

/** The network calls made for these requests' deprovisioning, with each request's carrier. */
async function deprovisionCalls(requestIds: string[]) {
  const carrierOf = new Map((await s.t.ctx.db.selectFrom('cancellation_requests').select(['id', 'carrier']).where('id', 'in', requestIds).execute()).map((r) => [r.id, r.carrier]));
  return network().calls.filter((c) => c.key.endsWith(':network_deprovision') && carrierOf.has(c.key.split(':')[0]))
    .map((c) => ({ ...c, carrier: carrierOf.get(c.key.split(':')[0])! }));
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}

/** Most calls in flight at once among these (an answer at the same millisecond as an arrival is over first). */
function maxOverlap(calls: Array<{ at: number; endedAt: number }>): number {
  const events = calls.flatMap((c) => [[c.at, 1], [c.endedAt, -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, d] of events) max = Math.max(max, (now += d));
  return max;
}

const requestIdsOf = async (jobId: string) => (await s.t.ctx.db.selectFrom('fleet_job_lines').select('request_id').where('job_id', '=', jobId).where('request_id', 'is not', null).execute()).map((r) => r.request_id!);

test('the network hears a fleet job no faster and no more at once than each carrier allows, and each key once', async () => {
  await throttleEveryCarrier(10, 2);
  const control = network().control;
  control.latencyMs = 40;
  try {
    const lines = await freshFleetLines(s.t.ctx, 24);
    const { id, job } = await runFleetJob(s.admin, lines.map((l) => l.iccid));
    assert.equal(job.counts.completed, lines.length);
    const calls = await deprovisionCalls(await requestIdsOf(id));
    assert.equal(calls.length, lines.length, 'one call per line');
    assert.equal(new Set(calls.map((c) => c.key)).size, lines.length, 'no key called twice');
    const byCarrier = groupBy(calls, (c) => c.carrier);
    for (const [carrier, own] of byCarrier) {
      assert.ok(maxOverlap(own) <= 2, `${carrier}: at most 2 calls in flight (saw ${maxOverlap(own)})`);
      // Rate: in any second, at most the rate plus the bucket's burst (1 at 10/s), with 1 of tolerance for timer edges.
      const starts = own.map((c) => c.at).sort((a, b) => a - b);
      for (let i = 0; i < starts.length; i++) {
        const inSecond = starts.filter((x) => x >= starts[i] && x < starts[i] + 1000).length;
        assert.ok(inSecond <= 12, `${carrier}: ${inSecond} calls within one second at 10/s`);
      }
      if (starts.length >= 6) {
        const span = starts.at(-1)! - starts[0];
        assert.ok(span >= ((starts.length - 2) / 10) * 1000 - 100, `${carrier}: ${starts.length} calls took ${span} ms at 10/s`);
      }
    }
  } finally {
    control.latencyMs = 0;
    await throttleEveryCarrier(2000, 64);
  }
});

test('a 429 pauses that carrier for its Retry-After, the call is made again with its key, and no attempt is counted as failed', async () => {
  await throttleEveryCarrier(1000, 1);
  const fresh = await freshFleetLines(s.t.ctx, 40);
  const carrier = [...groupBy(fresh, (l) => l.carrier)].sort((a, b) => b[1].length - a[1].length)[0][0];
  const lines = fresh.filter((l) => l.carrier === carrier).slice(0, 4);
  assert.ok(lines.length >= 3, 'enough lines of one carrier');
  const control = network().control;
  control.rateLimitNext = 2;
  control.retryAfterMs = 500;
  try {
    const { id, job } = await runFleetJob(s.admin, lines.map((l) => l.iccid));
    assert.equal(job.counts.completed, lines.length, JSON.stringify(job.counts));
    const requestIds = await requestIdsOf(id);
    const calls = (await deprovisionCalls(requestIds)).sort((a, b) => a.at - b.at);
    const limited = calls.filter((c) => c.outcome === 'rate_limited');
    assert.equal(limited.length, 2, 'two calls answered 429');
    for (const l of limited) {
      const next = calls.find((c) => c.at >= l.endedAt && c !== l);
      assert.ok(next, 'a call after the 429');
      assert.ok(next.at - l.endedAt >= 450, `the carrier paused ${next.at - l.endedAt} ms after a 429 with Retry-After 500 ms`);
      assert.ok(calls.some((c) => c.key === l.key && c.outcome === 'ok' && c.at > l.endedAt), 'the limited call was made again with its key');
    }
    const ok = calls.filter((c) => c.outcome === 'ok');
    assert.equal(ok.length, lines.length);
    assert.equal(new Set(ok.map((c) => c.key)).size, lines.length, 'each key served once');
    const steps = await s.t.ctx.db.selectFrom('execution_steps').select(['status', 'attempts', 'last_error'])
      .where('request_id', 'in', requestIds).where('step', '=', 'network_deprovision').execute();
    assert.deepEqual(steps.map((x) => [x.status, x.attempts, x.last_error]), requestIds.map(() => ['done', 1, null]), 'a 429 is not a failed attempt');
  } finally {
    control.rateLimitNext = 0;
    await throttleEveryCarrier(2000, 64);
  }
});

test('an admin sets a carrier\'s fleet rate and concurrency; out-of-range values are refused with 400', async () => {
  const admin = await staffFor(s.t.app, 'admin');
  const current = (await admin.get('admin/carriers')).body.carriers.find((c: { code: string }) => c.code === 'cucc').settings;
  const put = await admin.call('PUT', 'admin/carriers/cucc/settings', { ...current, fleetRatePerSecond: 5, fleetConcurrency: 1 });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  const after = (await admin.get('admin/carriers')).body.carriers.find((c: { code: string }) => c.code === 'cucc').settings;
  assert.deepEqual([after.fleetRatePerSecond, after.fleetConcurrency], [5, 1]);
  for (const bad of [{ fleetRatePerSecond: 0 }, { fleetConcurrency: -1 }, { fleetRatePerSecond: 1.5 }]) {
    const r = await admin.call('PUT', 'admin/carriers/cucc/settings', { ...current, ...bad });
    assert.equal(r.status, 400, JSON.stringify(bad));
  }
  const { fleetRatePerSecond: _r, fleetConcurrency: _c, ...without } = after;
  assert.equal((await admin.call('PUT', 'admin/carriers/cucc/settings', without)).status, 200, 'settings without them keep the defaults');
});
