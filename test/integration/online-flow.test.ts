// The online flow end to end, through the HTTP API, on a cloned demo database with the job queue
// and simulators running: sign-in, quote, submit, review, execution, certificate.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { quoteAndSubmit, staffFor, subscriberFor, waitForStatus } from '../helpers/api.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t?.close();
  await dropTemplate();
});

describe('online cancellation', () => {
  test('a clean line goes from quote to certificate, and the number is frozen', async () => {
    const { api, who } = await subscriberFor(t.app, 'clean_physical');
    const line = who.lines.find((l) => l.msisdn === who.msisdn)!;
    const quote = await api.post('cancellations/quote', { lineId: line.id });
    assert.equal(quote.status, 200);
    assert.equal(quote.body.eligible, true, JSON.stringify(quote.body.blockers));
    assert.ok(quote.body.refund.refundableFen > 0, 'a clean demo line has cash left to refund');
    const { submit } = await quoteAndSubmit(api, line.id, who.msisdn);
    assert.equal(submit.status, 201, JSON.stringify(submit.body));
    assert.equal(submit.body.status, 'pending_review');

    const reviewer = await staffFor(t.app, 'reviewer');
    const queue = await reviewer.get('review/queue');
    assert.ok(queue.body.items.some((i: any) => i.id === submit.body.id));
    assert.equal((await reviewer.post(`review/${submit.body.id}/approve`)).status, 200);

    const done = await waitForStatus(api, submit.body.id, ['completed', 'needs_attention']);
    assert.equal(done.status, 'completed', JSON.stringify(done));
    assert.deepEqual(done.timeline.map((e: any) => e.status), ['pending_review', 'approved', 'executing', 'completed']);
    assert.match(done.certificateSerial, /^ZX-CMCC-\d{8}-\d{6}-[A-Z]$/);

    const pdf = await api.get(`certificates/${done.certificateSerial}.pdf`);
    assert.equal(pdf.status, 200);
    assert.equal(pdf.raw.subarray(0, 5).toString(), '%PDF-');
    const verify = await api.get(`certificates/${done.certificateSerial}/verify`);
    assert.equal(verify.body.valid, true);
    assert.equal(verify.body.maskedMsisdn, '138****8001');

    const pool = await t.ctx.db.selectFrom('number_pool').selectAll().where('msisdn', '=', who.msisdn).executeTakeFirstOrThrow();
    assert.equal(pool.state, 'frozen');
    const lineRow = await t.ctx.db.selectFrom('lines').select('status').where('id', '=', line.id).executeTakeFirstOrThrow();
    assert.equal(lineRow.status, 'cancelled');
  });
});
