// Execution jobs are fetched in batches and run together (src/jobs/workers.ts). Four approved
// requests wait in the queue and are fetched by one worker loop at once; the network fails once for
// one of them. That one is retried alone: the other three complete on their job's first attempt,
// with every step and outside call once, and the retried one completes without repeating a step.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { quoteAndSubmit, staffFor, waitForStatus } from '../helpers/api.ts';
import { plainLines } from '../helpers/plain-lines.ts';
import { resetSimulatorControls, setSimulatorControl } from '../../src/adapters/simulator-control.ts';
import { QUEUES } from '../../src/jobs/queue.ts';
import { EXECUTION_BATCH_SIZE, executeJobs, executionWorkOptions } from '../../src/jobs/workers.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
afterEach(() => resetSimulatorControls());
after(async () => {
  await t?.close();
  await dropTemplate();
});

test('a batch of executions: the one whose step fails is retried alone, the others complete on their first attempt', async () => {
  assert.equal(EXECUTION_BATCH_SIZE, 4, 'this test fills one batch with four requests');
  const boss = t.ctx.jobs.boss;
  // Hold the execution workers while the requests are approved, so the four jobs wait together.
  await boss.offWork(QUEUES.execute);
  const reviewer = await staffFor(t.app, 'reviewer');
  const people = await plainLines(t, 4, new Set());
  const ids: string[] = [];
  for (const p of people) {
    const { quote, submit } = await quoteAndSubmit(p.api, p.lineId, p.msisdn);
    assert.equal(quote.body.eligible, true, JSON.stringify(quote.body.blockers));
    assert.equal(submit.status, 201, JSON.stringify(submit.body));
    assert.equal((await reviewer.post(`review/${submit.body.id}/approve`)).status, 200);
    ids.push(submit.body.id);
  }
  const queued = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pgboss.job WHERE name = ${QUEUES.execute} AND state = 'created' AND singleton_key IN (${sql.join(ids)})`.execute(t.ctx.db);
  assert.equal(queued.rows[0].n, 4);

  // The network's next call fails (retryable): whichever request reaches the step first gets it.
  setSimulatorControl('network', { failNext: 1 });
  // One loop, as the platform registers it: its first fetch takes all four.
  await boss.work(QUEUES.execute, { ...executionWorkOptions(EXECUTION_BATCH_SIZE), localConcurrency: 1 } as never, executeJobs(t.ctx) as never);

  const views = await Promise.all(people.map((p, i) => waitForStatus(p.api, ids[i], ['completed', 'needs_attention'])));
  for (const v of views) assert.equal(v.status, 'completed', JSON.stringify(v));
  const networkAttempts = views.map((v) => v.steps.find((s: any) => s.step === 'network_deprovision').attempts);
  assert.deepEqual([...networkAttempts].sort(), [1, 1, 1, 2], 'one request met the failure and ran the step again');
  const retried = ids[networkAttempts.indexOf(2)];

  const jobs = await sql<{ key: string; state: string; retry_count: number; started_on: Date }>`
    SELECT singleton_key AS key, state, retry_count, started_on FROM pgboss.job WHERE name = ${QUEUES.execute} AND singleton_key IN (${sql.join(ids)})`.execute(t.ctx.db);
  assert.equal(jobs.rows.length, 4);
  for (const j of jobs.rows) {
    assert.equal(j.state, 'completed', `job of ${j.key}`);
    assert.equal(j.retry_count, j.key === retried ? 1 : 0, j.key === retried ? 'the failed request is retried' : 'a neighbour in the batch is not retried');
  }
  // The three that were not retried were fetched together (one statement, one start time).
  const firstFetch = new Set(jobs.rows.filter((j) => j.key !== retried).map((j) => new Date(j.started_on).getTime()));
  assert.equal(firstFetch.size, 1, 'fetched in one batch');

  // Every finished step once: no step of any request ran twice, no ledger entry twice.
  for (const [i, v] of views.entries()) {
    for (const s of v.steps) if (s.status === 'done' && s.step !== 'network_deprovision') assert.equal(s.attempts, 1, `${ids[i]} ${s.step}`);
  }
  const ledger = await t.ctx.db.selectFrom('ledger_entries').select(['request_id', 'kind']).where('request_id', 'in', ids).execute();
  assert.equal(new Set(ledger.map((e) => `${e.request_id}:${e.kind}`)).size, ledger.length);
});
