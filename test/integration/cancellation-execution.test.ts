// Carrying out approved requests through failing simulators: retried steps, a refusal that needs a
// person (the request is parked, never lost), an installed eSIM, companion devices, and the SMS the
// subscriber gets at each change. The simulator knobs are process-wide, so these tests run in order.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { ApiClient, quoteAndSubmit, staffFor, subscriberFor, waitForStatus } from '../helpers/api.ts';
import { plainLines, type PlainLine } from '../helpers/plain-lines.ts';
import { resetSimulatorControls, setSimulatorControl } from '../../src/adapters/simulator-control.ts';

let t: TestApp;
let reviewer: ApiClient;
before(async () => {
  t = await startTestApp();
  reviewer = await staffFor(t.app, 'reviewer');
});
afterEach(() => resetSimulatorControls());
after(async () => {
  await t?.close();
  await dropTemplate();
});

type Person = PlainLine;
const taken = new Set<string>();
const cleanLine = async (): Promise<Person> => (await plainLines(t, 1, taken))[0];

/** Pays a final-bill shortfall if the quote asks for it (the demo balances are small late in a month). */
async function payShortfall(api: ApiClient, lineId: string): Promise<void> {
  const q = await api.post('cancellations/quote', { lineId });
  if (q.body.blockers.some((b: any) => b.code === 'final_bill_shortfall')) {
    assert.equal((await api.post('billing/pay-arrears', { lineId })).status, 200);
  }
}

async function submitAndApprove(api: ApiClient, lineId: string, msisdn: string): Promise<{ id: string; quote: any }> {
  const { quote, submit } = await quoteAndSubmit(api, lineId, msisdn);
  assert.equal(quote.body.eligible, true, JSON.stringify(quote.body.blockers));
  assert.equal(submit.status, 201, JSON.stringify(submit.body));
  const ok = await reviewer.post(`review/${submit.body.id}/approve`);
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  return { id: submit.body.id, quote: quote.body };
}

async function smsTo(msisdn: string, patterns: RegExp[]): Promise<string[]> {
  const until = Date.now() + 15_000;
  for (;;) {
    const r = await new ApiClient(t.app).get(`dev/outbox?to=${encodeURIComponent(msisdn)}&limit=200`);
    const texts = (r.body.messages as Array<{ text: string }>).map((m) => m.text).reverse();
    const found = patterns.map((p) => texts.find((x) => p.test(x)));
    if (found.every(Boolean)) return texts;
    if (Date.now() > until) throw new Error(`SMS to ${msisdn}: wanted ${patterns.join(', ')}; got ${JSON.stringify(texts)}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

const stepOf = (view: any, step: string) => view.steps.find((s: any) => s.step === step);

describe('execution through failing outside systems', () => {
  test('the network failing twice: the step is retried and the request still completes', async () => {
    const p = await cleanLine();
    setSimulatorControl('network', { failNext: 2 });
    const { id } = await submitAndApprove(p.api, p.lineId, p.msisdn);
    const done = await waitForStatus(p.api, id, ['completed', 'needs_attention']);
    assert.equal(done.status, 'completed', JSON.stringify(done));
    assert.deepEqual(stepOf(done, 'network_deprovision'), { step: 'network_deprovision', status: 'done', attempts: 3 });
    assert.deepEqual(stepOf(done, 'final_bill'), { step: 'final_bill', status: 'done', attempts: 1 }, 'finished steps are not repeated');
    assert.ok(!done.timeline.some((e: any) => e.status === 'needs_attention'));
    const line = await t.ctx.db.selectFrom('lines').select('status').where('id', '=', p.lineId).executeTakeFirstOrThrow();
    assert.equal(line.status, 'cancelled');
  });

  test('the payout refused for good: the request waits for a person with the error recorded, and no money moves', async () => {
    const p = await cleanLine();
    setSimulatorControl('payouts', { permanentFailNext: 1 });
    const { id, quote } = await submitAndApprove(p.api, p.lineId, p.msisdn);
    assert.ok(quote.refund.refundableFen > 0);
    const parked = await waitForStatus(p.api, id, ['completed', 'needs_attention']);
    assert.equal(parked.status, 'needs_attention', JSON.stringify(parked));
    assert.equal(parked.timeline.at(-1).status, 'needs_attention');
    assert.match(parked.timeline.at(-1).note, /refund/);
    assert.equal(stepOf(parked, 'refund').status, 'failed');
    assert.equal(stepOf(parked, 'certificate').status, 'pending');
    assert.equal(parked.certificateSerial, undefined);

    const step = await t.ctx.db.selectFrom('execution_steps').selectAll().where('request_id', '=', id).where('step', '=', 'refund').executeTakeFirstOrThrow();
    assert.match(step.last_error ?? '', /PermanentAdapterError: payouts/);
    const ops = await staffFor(t.app, 'ops');
    const forOps = await ops.get(`review/${id}`);
    assert.equal(forOps.status, 200);
    assert.equal(forOps.body.status, 'needs_attention');
    assert.match(stepOf(forOps.body, 'refund').lastError, /payouts/);

    // The cash stays on the account (after the final bill) until a person sends it.
    const account = await t.ctx.db.selectFrom('billing_accounts').select('cash_balance_fen').where('id', '=', p.accountId).executeTakeFirstOrThrow();
    assert.equal(account.cash_balance_fen, quote.refund.refundableFen);
    const refunds = await t.ctx.db.selectFrom('ledger_entries').select('id').where('request_id', '=', id).where('kind', '=', 'refund').execute();
    assert.equal(refunds.length, 0);
    await smsTo(p.msisdn, [/遇到问题/]);
  });

  test('an installed eSIM: the line completes and the profile is recorded as dead on the device', async () => {
    const { api, who } = await subscriberFor(t.app, 'clean_esim');
    const line = who.lines[0];
    await payShortfall(api, line.id);
    const { id, quote } = await submitAndApprove(api, line.id, who.msisdn);
    assert.ok(quote.requiredAcknowledgements.includes('esim_profile'));
    const done = await waitForStatus(api, id, ['completed', 'needs_attention']);
    assert.equal(done.status, 'completed', JSON.stringify(done));
    assert.equal(stepOf(done, 'esim_profile').status, 'done');
    const events = await t.ctx.db.selectFrom('esim_events').selectAll().where('line_id', '=', line.id).execute();
    assert.equal(events.length, 1);
    assert.equal(events[0].event, 'installed_profile_dead_on_device');
    assert.equal(events[0].iccid, line.iccid);

    // An SMS at each change, once each: received, approved, and the last notice before the network
    // forgets the number, with the reference and where to fetch the certificate.
    // (The SMS worker sends a batch of jobs in no particular order, so only the set is checked.)
    const texts = await smsTo(who.msisdn, [/正在审核/, /已通过/, /正在注销/]);
    const statusTexts = texts.filter((x) => x.includes('尾号8002'));
    const kind = (x: string) => (/正在审核/.test(x) ? 'pending_review' : /已通过/.test(x) ? 'approved' : /正在注销/.test(x) ? 'last_notice' : 'other');
    assert.deepEqual(statusTexts.map(kind).sort(), ['approved', 'last_notice', 'pending_review']);
    const last = statusTexts.find((x) => kind(x) === 'last_notice')!;
    assert.ok(last.includes(done.reference.display), last);
    assert.ok(last.includes(`/certificate/retrieve?ref=${done.reference.value}`), last);
  });

  test('companion devices sharing the number are stopped with it', async () => {
    const { api, who } = await subscriberFor(t.app, 'companion_devices');
    const line = who.lines[0];
    await payShortfall(api, line.id);
    const { id, quote } = await submitAndApprove(api, line.id, who.msisdn);
    assert.ok(quote.requiredAcknowledgements.includes('companion_devices'));
    const done = await waitForStatus(api, id, ['completed', 'needs_attention']);
    assert.equal(done.status, 'completed', JSON.stringify(done));
    assert.equal(stepOf(done, 'companion_devices').status, 'done');
    const companions = await t.ctx.db.selectFrom('companion_devices').select('status').where('line_id', '=', line.id).execute();
    assert.deepEqual(companions, [{ status: 'stopped' }]);
    const lines = await api.get('me/lines');
    assert.deepEqual(lines.body.lines.find((l: any) => l.id === line.id).companions, []);
  });
});
