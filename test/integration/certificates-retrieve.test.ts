// Getting a certificate again without signing in: the request reference (受理编号) and the last 6
// characters of the owner's ID document give the signed PDF; every wrong answer is the same answer;
// attempts are limited per client address and per reference.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { ApiClient, quoteAndSubmit, staffFor, subscriberFor, waitForStatus, type DemoSubscriber } from '../helpers/api.ts';
import { verifyCertificateFile } from '../../src/certificates/signing.ts';
import { certificateTrust } from '../../src/certificates/verify-certificate.ts';
import { RETRIEVE_LIMITS } from '../../src/certificates/retrieve-certificate.ts';

let t: TestApp;
let owner: { api: ApiClient; who: DemoSubscriber };
let pendingOwner: { api: ApiClient; who: DemoSubscriber };
let requestId: string;
let serial: string;
let reference: string;
let pendingReference: string;

const randomReference = () => `ZX${String(crypto.randomInt(0, 1e6)).padStart(6, '0')}${String(crypto.randomInt(0, 1e6)).padStart(6, '0')}`;
let nextIp = 10;
/** A client address of its own, so one test's attempts never count against another's. */
const freshIp = () => `198.51.100.${nextIp++}`;

/** The request's reference; set directly when the submit flow does not fill it. */
async function referenceOf(id: string): Promise<string> {
  const row = await t.ctx.db.selectFrom('cancellation_requests').select('reference').where('id', '=', id).executeTakeFirstOrThrow();
  if (row.reference) return row.reference;
  const ref = randomReference();
  await t.ctx.db.updateTable('cancellation_requests').set({ reference: ref }).where('id', '=', id).execute();
  return ref;
}

async function retrieve(body: unknown, ip: string) {
  const res = await t.app.inject({
    method: 'POST', url: '/api/v1/certificates/retrieve', remoteAddress: ip,
    headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body),
  });
  const type = String(res.headers['content-type'] ?? '');
  return { status: res.statusCode, type, headers: res.headers, raw: res.rawPayload, body: type.includes('json') ? res.json() : undefined };
}

before(async () => {
  t = await startTestApp();
  owner = await subscriberFor(t.app, 'proxy');
  const { submit } = await quoteAndSubmit(owner.api, owner.who.lines[0].id, owner.who.msisdn);
  assert.equal(submit.status, 201, JSON.stringify(submit.body));
  requestId = submit.body.id;
  const reviewer = await staffFor(t.app, 'reviewer');
  assert.equal((await reviewer.post(`review/${requestId}/approve`)).status, 200);
  const done = await waitForStatus(owner.api, requestId, ['completed', 'needs_attention']);
  assert.equal(done.status, 'completed', JSON.stringify(done));
  serial = done.certificateSerial;
  reference = await referenceOf(requestId);

  // A second request that waits for review: its reference exists, but there is no certificate yet.
  pendingOwner = await subscriberFor(t.app, 'multi_line');
  const pending = await quoteAndSubmit(pendingOwner.api, pendingOwner.who.lines[0].id, pendingOwner.who.lines[0].msisdn);
  assert.equal(pending.submit.status, 201, JSON.stringify(pending.submit.body));
  pendingReference = await referenceOf(pending.submit.body.id);
});
after(async () => {
  await t?.close();
  await dropTemplate();
});

describe('retrieving a certificate by reference', () => {
  test('the right reference and ID digits give the signed PDF, however the reference is typed', async () => {
    assert.match(reference, /^ZX\d{12}$/);
    const digits = reference.slice(2);
    const typed = [
      reference,
      `zx ${digits.slice(0, 4)} ${digits.slice(4, 8)} ${digits.slice(8)}`,
      `ZX-${digits.slice(0, 4)}-${digits.slice(4, 8)}-${digits.slice(8)}`,
    ];
    const stored = await t.ctx.db.selectFrom('certificates').select('pdf').where('serial', '=', serial).executeTakeFirstOrThrow();
    const trust = await certificateTrust(t.ctx);
    let last: Buffer = Buffer.alloc(0);
    for (const ref of typed) {
      const r = await retrieve({ reference: ref, idLast6: owner.who.idLast6.toLowerCase() }, freshIp());
      assert.equal(r.status, 200, `${ref}: ${JSON.stringify(r.body)}`);
      assert.equal(r.type, 'application/pdf');
      assert.equal(r.headers['content-disposition'], `attachment; filename="${serial}.pdf"`);
      assert.ok(r.raw.equals(Buffer.from(stored.pdf)), 'the certificate as issued');
      const check = verifyCertificateFile(r.raw, trust); // PAdES + chain + time-stamp + Ed25519 facts
      assert.equal(check.valid, true);
      assert.equal(check.facts?.serial, serial);
      last = r.raw;
    }
    const online = await new ApiClient(t.app).post('certificates/verify', last, { 'content-type': 'application/pdf' });
    assert.equal(online.body.valid, true);
    const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'subject']).where('action', '=', 'certificate.retrieved').where('request_id', '=', requestId).execute();
    assert.equal(audit.length, typed.length, 'each retrieval is audited');
    assert.equal(audit[0].subject, serial);
  });

  test('wrong ID digits, an unknown reference and a request not completed yet get the identical answer', async () => {
    const last = owner.who.idLast6;
    const wrongDigits = `${last.slice(0, 5)}${last[5] === '0' ? '1' : '0'}`;
    const answers = [
      await retrieve({ reference, idLast6: wrongDigits }, freshIp()),
      await retrieve({ reference: randomReference(), idLast6: last }, freshIp()),
      await retrieve({ reference: pendingReference, idLast6: pendingOwner.who.idLast6 }, freshIp()),
      await retrieve({ reference: pendingReference, idLast6: last }, freshIp()),
    ];
    for (const a of answers) {
      assert.equal(a.status, 404);
      // The same words every time, in the reader's language (zh-CN by default), naming no part.
      assert.equal(a.body.error.code, 'not_found');
      assert.deepEqual(a.body, answers[0].body);
      assert.deepEqual(Object.keys(a.body.error), ['code', 'message']);
      assert.equal(a.type, answers[0].type);
      assert.equal(a.raw.length, answers[0].raw.length);
    }
  });

  test('input that cannot be a reference or an ID tail is a 400, not a guess', async () => {
    for (const body of [{ reference: 'hello', idLast6: owner.who.idLast6 }, { reference, idLast6: '12345' }, { reference }]) {
      const r = await retrieve(body, freshIp());
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error.code, 'validation_failed');
    }
  });

  test('attempts are limited per reference, whatever the address', async () => {
    const ref = randomReference();
    for (let i = 0; i < RETRIEVE_LIMITS.perReference.max; i++) {
      assert.equal((await retrieve({ reference: ref, idLast6: '000000' }, freshIp())).status, 404, `attempt ${i + 1}`);
    }
    const limited = await retrieve({ reference: ref, idLast6: '000000' }, freshIp());
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error.code, 'rate_limited');
    assert.ok(limited.body.error.details.retryAfterSeconds > 0);
  });

  test('attempts are limited per client address, and then even the right answer waits', async () => {
    const ip = freshIp();
    for (let i = 0; i < RETRIEVE_LIMITS.perAddress.max; i++) {
      assert.equal((await retrieve({ reference: randomReference(), idLast6: owner.who.idLast6 }, ip)).status, 404, `attempt ${i + 1}`);
    }
    const limited = await retrieve({ reference, idLast6: owner.who.idLast6 }, ip);
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error.code, 'rate_limited');
    // Another address is not held back by it.
    assert.equal((await retrieve({ reference, idLast6: owner.who.idLast6 }, freshIp())).status, 200);
  });
});
