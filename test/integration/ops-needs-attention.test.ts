// A request whose execution stops (the network refuses for good) lands in the needs-attention
// queue; ops retries it to completion without repeating the finished steps, or resolves another one
// by hand with a note (the subscriber still gets a certificate).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { ApiClient, quoteAndSubmit, staffFor, subscriberFor, waitForStatus } from '../helpers/api.ts';
import { setSimulatorControl } from '../../src/adapters/simulator-control.ts';
import { QUEUES } from '../../src/jobs/queue.ts';

let t: TestApp;
let ops: ApiClient;
let reviewer: ApiClient;

before(async () => {
  t = await startTestApp();
  ops = await staffFor(t.app, 'ops');
  reviewer = await staffFor(t.app, 'reviewer');
});
after(async () => {
  setSimulatorControl('network', { permanentFailNext: 0 });
  await t?.close();
  await dropTemplate();
});

/** Submits the scenario's line, approves it with the network set to refuse once, and waits for needs_attention. */
async function stuckRequest(scenario: string) {
  const { api, who } = await subscriberFor(t.app, scenario);
  const line = who.lines.find((l) => l.msisdn === who.msisdn)!;
  const { quote, submit } = await quoteAndSubmit(api, line.id, who.msisdn);
  assert.equal(submit.status, 201, JSON.stringify({ quote: quote.body.blockers, submit: submit.body }));
  setSimulatorControl('network', { permanentFailNext: 1 });
  assert.equal((await reviewer.post(`review/${submit.body.id}/approve`)).status, 200);
  const stuck = await waitForStatus(api, submit.body.id, ['needs_attention', 'completed']);
  assert.equal(stuck.status, 'needs_attention', JSON.stringify(stuck));
  return { api, who, line, id: submit.body.id as string, quote: quote.body };
}

const ledgerOf = (requestId: string) => t.ctx.db.selectFrom('ledger_entries').select(['kind', 'amount_fen']).where('request_id', '=', requestId).execute();
const stepsOf = async (requestId: string) =>
  Object.fromEntries((await t.ctx.db.selectFrom('execution_steps').select(['step', 'status', 'attempts']).where('request_id', '=', requestId).execute()).map((s) => [s.step, s]));
const opsId = async () => (await t.ctx.db.selectFrom('staff').select('id').where('username', '=', 'ops').executeTakeFirstOrThrow()).id;

describe('needs attention', () => {
  test('retried: resumes at the failed step, completes, and the final bill is charged once', async () => {
    const { api, id, quote } = await stuckRequest('clean_physical');
    assert.ok(quote.bill.totalFen > 0, 'the scenario has a final bill to charge');

    const list = await ops.get('ops/needs-attention');
    const item = list.body.items.find((i: any) => i.id === id);
    assert.equal(item.step, 'network_deprovision');
    assert.equal(item.attempts, 1);
    assert.match(item.lastError, /refus/);
    assert.match(String((await new ApiClient(t.app).get('/metrics')).body), /^zhuxiao_cancellation_requests_waiting\{status="needs_attention"\} 1$/m);
    assert.deepEqual((await ledgerOf(id)).filter((e) => e.kind === 'final_bill').length, 1);

    const retry = await ops.post(`ops/needs-attention/${id}/retry`);
    assert.equal(retry.status, 200, JSON.stringify(retry.body));
    assert.deepEqual(retry.body, { id, status: 'executing', resumesAt: 'network_deprovision' });

    const done = await waitForStatus(api, id, ['completed', 'needs_attention']);
    assert.equal(done.status, 'completed', JSON.stringify(done));
    assert.deepEqual(done.timeline.map((e: any) => e.status), ['pending_review', 'approved', 'executing', 'needs_attention', 'executing', 'completed']);
    assert.match(done.certificateSerial, /^ZX-CMCC-/);

    const ledger = await ledgerOf(id);
    assert.deepEqual(ledger.filter((e) => e.kind === 'final_bill'), [{ kind: 'final_bill', amount_fen: -quote.bill.totalFen }], 'charged once');
    assert.equal(ledger.filter((e) => e.kind === 'refund').length, quote.refund.refundableFen > 0 ? 1 : 0);
    const steps = await stepsOf(id);
    assert.equal(steps.final_bill.attempts, 1, 'the finished step did not run again');
    assert.deepEqual([steps.network_deprovision.status, steps.network_deprovision.attempts], ['done', 1]);

    const audit = await ops.get(`ops/audit?requestId=${id}`);
    const retried = audit.body.entries.find((e: any) => e.action === 'request.retry');
    assert.equal(retried.actorKind, 'staff');
    assert.equal(retried.actorId, await opsId());
    assert.ok(retried.ip);
    assert.equal(retried.details.step, 'network_deprovision');

    const again = await ops.post(`ops/needs-attention/${id}/retry`);
    assert.equal(again.status, 409);
    assert.equal((await ops.get('ops/needs-attention')).body.items.some((i: any) => i.id === id), false);
  });

  test('resolved by hand with a note: completed, line cancelled, number frozen, certificate issued, money steps flagged', async () => {
    const { api, id, line, who, quote } = await stuckRequest('clean_esim');

    const short = await ops.post(`ops/needs-attention/${id}/resolve`, { note: 'ok' });
    assert.equal(short.status, 400);
    assert.equal(short.body.error.code, 'validation_failed');

    const note = 'Subscriber removed in the HSS console by hand (ticket OPS-4411); refund paid by bank transfer.';
    const r = await ops.post(`ops/needs-attention/${id}/resolve`, { note });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.match(r.body.certificateSerial, /^ZX-CMCC-/);
    assert.ok(r.body.resolvedSteps.includes('network_deprovision'));
    assert.ok(r.body.resolvedSteps.includes('certificate'));

    const view = await api.get(`cancellations/${id}`);
    assert.equal(view.body.status, 'completed');
    assert.equal(view.body.certificateSerial, r.body.certificateSerial);
    assert.equal(view.body.timeline.at(-1).note, note);
    const verify = await api.get(`certificates/${r.body.certificateSerial}/verify`);
    assert.equal(verify.body.valid, true);

    const lineRow = await t.ctx.db.selectFrom('lines').select('status').where('id', '=', line.id).executeTakeFirstOrThrow();
    assert.equal(lineRow.status, 'cancelled');
    const pool = await t.ctx.db.selectFrom('number_pool').select(['state', 'frozen_until']).where('msisdn', '=', who.msisdn).executeTakeFirstOrThrow();
    assert.equal(pool.state, 'frozen');
    assert.ok(new Date(pool.frozen_until!).getTime() > Date.now() + 80 * 86_400_000);
    const steps = await stepsOf(id);
    assert.equal(steps.final_bill.status, 'done');
    assert.equal(steps.network_deprovision.status, 'skipped');

    const ledger = await ledgerOf(id);
    assert.equal(ledger.filter((e) => e.kind === 'refund').length, 0, 'a refund paid outside the platform is not invented in the ledger');
    const entry = (await ops.get(`ops/audit?requestId=${id}`)).body.entries.find((e: any) => e.action === 'request.resolve_by_hand');
    assert.equal(entry.details.note, note);
    assert.equal(entry.details.certificateIssuedOnResolve, true);
    assert.deepEqual(entry.details.moneyStepsNotRecorded, quote.refund.refundableFen > 0 ? ['refund'] : []);

    assert.equal((await ops.post(`ops/needs-attention/${id}/resolve`, { note })).status, 409);
    assert.equal((await ops.post('ops/needs-attention/00000000-0000-4000-8000-000000000000/retry')).status, 404);
  });
});

describe('the number release worker', () => {
  test('is scheduled every 10 minutes, and a release job frees the numbers whose freeze ended', async () => {
    const schedules = await t.ctx.jobs.boss.getSchedules(QUEUES.releaseNumbers);
    assert.deepEqual(schedules.map((x) => x.cron), ['*/10 * * * *']);
    const db = t.ctx.db;
    const demo = (await db.selectFrom('demo_scenarios').select('msisdn').execute()).map((d) => d.msisdn);
    const line = await db.selectFrom('lines').select(['id', 'msisdn', 'customer_id']).where('status', '=', 'active').where('msisdn', 'not in', demo).orderBy('msisdn', 'desc').limit(1).executeTakeFirstOrThrow();
    await db.updateTable('lines').set({ status: 'cancelled', cancelled_at: new Date(Date.now() - 91 * 86_400_000) }).where('id', '=', line.id).execute();
    await db.updateTable('number_pool').set({ state: 'frozen', former_customer_id: line.customer_id, frozen_until: new Date(Date.now() - 60_000) }).where('msisdn', '=', line.msisdn).execute();
    await t.ctx.jobs.send(db, QUEUES.releaseNumbers, {});
    const until = Date.now() + 20_000;
    let state = 'frozen';
    while (state === 'frozen' && Date.now() < until) {
      await new Promise((res) => setTimeout(res, 250));
      state = (await db.selectFrom('number_pool').select('state').where('msisdn', '=', line.msisdn).executeTakeFirstOrThrow()).state;
    }
    assert.equal(state, 'available');
  });
});
