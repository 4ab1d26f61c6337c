// The proof survives the line: a reference people can read aloud on every request screen, the last
// SMS before the number goes dark, the certificate by e-mail, a cancelled number told so at sign-in
// instead of "code sent", and a person with another line still seeing the cancelled one.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { ApiClient, staffFor, subscriberFor, waitForStatus } from '../helpers/api.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t?.close();
  await dropTemplate();
});

async function cancel(api: ApiClient, lineId: string, msisdn: string, extra: Record<string, unknown> = {}) {
  const q = await api.post('cancellations/quote', { lineId });
  assert.equal(q.status, 200, JSON.stringify(q.body));
  assert.equal(q.body.eligible, true, JSON.stringify(q.body.blockers));
  const r = await api.post('cancellations', {
    lineId, quoteVersion: q.body.version, acknowledgements: q.body.requiredAcknowledgements, confirmLast4: msisdn.slice(-4), refundRoute: { type: 'original' }, ...extra,
  }, { 'idempotency-key': crypto.randomUUID() });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const reviewer = await staffFor(t.app, 'reviewer');
  assert.equal((await reviewer.post(`review/${r.body.id}/approve`)).status, 200);
  const done = await waitForStatus(api, r.body.id, ['completed', 'needs_attention']);
  assert.equal(done.status, 'completed', JSON.stringify(done));
  return { submitted: r.body, done };
}

async function waitForEmail(api: ApiClient, requestId: string) {
  for (let i = 0; i < 80; i++) {
    const r = await api.get(`dev/email-outbox?requestId=${requestId}`);
    if (r.body.messages.length) return r.body.messages;
    await new Promise((res) => setTimeout(res, 250));
  }
  throw new Error('no e-mail was sent');
}

describe('the proof after the line is gone', () => {
  test('multi-line person: reference, last notice, e-mail with the PDF, and the cancelled line still listed', async () => {
    const { api, who } = await subscriberFor(t.app, 'multi_line');
    const cmcc = who.lines.find((l: any) => l.carrier === 'cmcc')!;
    const bad = await api.post('cancellations/quote', { lineId: cmcc.id });
    const q = bad.body;
    const wrong = await api.post('cancellations', {
      lineId: cmcc.id, quoteVersion: q.version, acknowledgements: q.requiredAcknowledgements, confirmLast4: cmcc.msisdn.slice(-4), refundRoute: { type: 'original' }, email: 'not an address',
    }, { 'idempotency-key': crypto.randomUUID() });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error.details.field, 'email');

    const { submitted, done } = await cancel(api, cmcc.id, cmcc.msisdn, { email: 'zheng.jie@example.com' });
    assert.match(submitted.reference, /^ZX\d{12}$/);
    assert.equal(done.reference.value, submitted.reference);
    assert.match(done.reference.display, /^ZX \d{4} \d{4} \d{4}$/);

    // The last SMS to the number went out before the network step, with the reference and the link.
    const sms = await api.get(`dev/outbox?to=${encodeURIComponent(cmcc.msisdn)}&limit=20`);
    const last = sms.body.messages.find((m: any) => m.text.includes('正在注销'));
    assert.ok(last, JSON.stringify(sms.body.messages));
    assert.ok(last.text.includes(done.reference.display));
    assert.ok(last.text.includes(`/certificate/retrieve?ref=${submitted.reference}`));
    assert.ok(!sms.body.messages.some((m: any) => m.text.includes('已注销，注销证明编号')), 'nothing is sent to the number once it is cancelled');
    const order = await t.ctx.db.selectFrom('sms_outbox').select(['idempotency_key', 'sent_at']).where('to_msisdn', '=', cmcc.msisdn).orderBy('id').execute();
    assert.ok(order.some((m) => m.idempotency_key === `${done.id}:last_notice`));

    // The certificate by e-mail, the address masked in the outbox and encrypted at rest.
    const mail = await waitForEmail(api, done.id);
    assert.equal(mail.length, 1);
    assert.equal(mail[0].to, 'z***@example.com');
    assert.equal(mail[0].attachment, `${done.certificateSerial}.pdf`);
    assert.ok(mail[0].text.includes(done.reference.display));
    const stored = await t.ctx.db.selectFrom('cancellation_requests').select('contact_email_enc').where('id', '=', done.id).executeTakeFirstOrThrow();
    assert.ok(stored.contact_email_enc && !stored.contact_email_enc.includes('example.com'));

    // The cancelled number can no longer sign in: told so, and pointed to the retrieval page.
    const fresh = new ApiClient(t.app);
    const signIn = await fresh.post('auth/sms-code', { msisdn: cmcc.msisdn });
    assert.equal(signIn.status, 409);
    assert.equal(signIn.body.error.code, 'number_cancelled');
    assert.equal(signIn.body.error.details.retrievePath, '/certificate/retrieve');

    // Signed in with another line under the same ID, the person still sees the cancelled line and its certificate.
    const cucc = who.lines.find((l: any) => l.carrier === 'cucc')!;
    const other = new ApiClient(t.app);
    assert.equal((await other.post('auth/sms-code', { msisdn: cucc.msisdn })).status, 202);
    const out = await other.get(`dev/outbox?to=${encodeURIComponent(cucc.msisdn)}&limit=1`);
    const code = /\b(\d{6})\b/.exec(out.body.messages[0].text)![1];
    assert.equal((await other.post('auth/sign-in', { msisdn: cucc.msisdn, code })).status, 200);
    assert.equal((await other.post('auth/real-name', { idLast6: who.idLast6 })).status, 200);
    const lines = await other.get('me/lines');
    const gone = lines.body.lines.find((l: any) => l.id === cmcc.id);
    assert.equal(gone.status, 'cancelled');
    const mine = await other.get('me/cancellations');
    const req = mine.body.items.find((r: any) => r.id === done.id);
    assert.equal(req.certificateSerial, done.certificateSerial);
    assert.equal(req.reference, done.reference.display);
    const view = await other.get(`cancellations/${done.id}`);
    assert.equal(view.body.refund.status, done.refund.promisedFen > 0 ? 'paid' : 'none');
    assert.equal(view.body.refund.paidFen, done.refund.promisedFen);
  });
});
