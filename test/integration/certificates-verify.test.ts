// The cancellation certificate through the HTTP API and the CLI: who may download it, the public
// check that shows only masked facts, and tampering caught online and offline.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { ApiClient, quoteAndSubmit, staffFor, subscriberFor, waitForStatus, type DemoSubscriber } from '../helpers/api.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

let t: TestApp;
let owner: { api: ApiClient; who: DemoSubscriber };
let serial: string;
let pdf: Buffer;
let requestId: string;
let tmp: string;

before(async () => {
  t = await startTestApp();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'zhuxiao-cert-'));
  // The proxy scenario's owner has cash left after the final bill, so the certificate states a refund.
  owner = await subscriberFor(t.app, 'proxy');
  const line = owner.who.lines[0];
  const { quote, submit } = await quoteAndSubmit(owner.api, line.id, owner.who.msisdn);
  assert.equal(quote.body.eligible, true, JSON.stringify(quote.body.blockers));
  assert.equal(submit.status, 201, JSON.stringify(submit.body));
  requestId = submit.body.id;
  const reviewer = await staffFor(t.app, 'reviewer');
  assert.equal((await reviewer.post(`review/${requestId}/approve`)).status, 200);
  const done = await waitForStatus(owner.api, requestId, ['completed', 'needs_attention']);
  assert.equal(done.status, 'completed', JSON.stringify(done));
  serial = done.certificateSerial;
});
after(async () => {
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  await t?.close();
  await dropTemplate();
});

/** The same file with one byte changed inside the signed part. */
function tampered(original: Buffer): Buffer {
  const copy = Buffer.from(original);
  const at = Math.floor(copy.length / 2);
  copy[at] ^= 0x01;
  return copy;
}

async function cli(...args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const r = await run(process.execPath, [path.join(ROOT, 'bin/zhuxiao.js'), ...args], { cwd: tmp, env: { ...process.env, DATABASE_URL: '' } });
    return { code: 0, stdout: r.stdout };
  } catch (e) {
    const err = e as { code?: number; stdout?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '' };
  }
}

describe('certificate download', () => {
  test('the owner downloads the PDF', async () => {
    const r = await owner.api.get(`certificates/${serial}.pdf`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/pdf');
    assert.match(String(r.headers['content-disposition']), new RegExp(`attachment; filename="${serial}.pdf"`));
    assert.equal(r.raw.subarray(0, 5).toString(), '%PDF-');
    pdf = r.raw;
    const stored = await t.ctx.db.selectFrom('certificates').select('pdf').where('serial', '=', serial).executeTakeFirstOrThrow();
    assert.ok(Buffer.from(stored.pdf).equals(pdf));
  });

  test('another subscriber gets 404; nobody signed in gets 401; staff can download', async () => {
    const other = await subscriberFor(t.app, 'multi_line');
    const r = await other.api.get(`certificates/${serial}.pdf`);
    assert.equal(r.status, 404);
    assert.equal(r.body.error.code, 'not_found');
    assert.equal((await new ApiClient(t.app).get(`certificates/${serial}.pdf`)).status, 401);
    for (const role of ['reviewer', 'ops'] as const) {
      const staff = await staffFor(t.app, role);
      const s = await staff.get(`certificates/${serial}.pdf`);
      assert.equal(s.status, 200, role);
      assert.ok(s.raw.equals(pdf));
    }
  });
});

describe('public verification', () => {
  test('by serial: valid, with masked facts and no personal data', async () => {
    const anyone = new ApiClient(t.app);
    const r = await anyone.get(`certificates/${serial.toLowerCase()}/verify`);
    assert.equal(r.status, 200);
    assert.equal(r.body.valid, true);
    assert.equal(r.body.serial, serial);
    assert.equal(r.body.carrier, 'cmcc');
    assert.equal(r.body.maskedMsisdn, '138****8011');
    const line = owner.who.lines[0];
    assert.equal(r.body.maskedIccid, `${line.iccid.slice(0, 6)}${'*'.repeat(line.iccid.length - 10)}${line.iccid.slice(-4)}`);
    const request = await t.ctx.db.selectFrom('cancellation_requests').select('refund_fen').where('id', '=', requestId).executeTakeFirstOrThrow();
    assert.equal(r.body.refundFen, request.refund_fen);
    assert.ok(r.body.refundFen > 0);

    const text = JSON.stringify(r.body);
    const personal = [owner.who.msisdn, owner.who.msisdn.slice(3), owner.who.idNumber, owner.who.idLast6, line.iccid, '赵桂兰'];
    for (const p of personal) assert.ok(!text.includes(p), `the public check does not reveal ${p.slice(0, 3)}…`);
    const { signature: _s, keyId: _k, serial: _n, ...facts } = r.body; // the serial carries the date (8 digits)
    assert.ok(!/\d{8,}/.test(JSON.stringify(facts)), 'no long digit run (an unmasked identifier) in the facts');

    const unknown = await anyone.get('certificates/ZX-CMCC-20250101-999999-A/verify');
    assert.equal(unknown.status, 404);
  });

  test('a PDF upload: the real file is valid, a file with one byte changed is not', async () => {
    const anyone = new ApiClient(t.app);
    const good = await anyone.post('certificates/verify', pdf, { 'content-type': 'application/pdf' });
    assert.equal(good.status, 200, JSON.stringify(good.body));
    assert.equal(good.body.valid, true);
    assert.equal(good.body.serial, serial);
    assert.equal(good.body.maskedMsisdn, '138****8011');

    const bad = await anyone.post('certificates/verify', tampered(pdf), { 'content-type': 'application/pdf' });
    assert.equal(bad.status, 200);
    assert.equal(bad.body.valid, false);
    assert.equal(bad.body.reason, 'bad_signature');

    const appended = Buffer.concat([pdf, Buffer.from('%extra\n')]);
    assert.equal((await anyone.post('certificates/verify', appended, { 'content-type': 'application/pdf' })).body.valid, false);
  });

  test('offline: `zhuxiao verify file.pdf --public-key key.pem` exits 0 for the real file only', async () => {
    const keys = await new ApiClient(t.app).get('certificates/public-key?carrier=cmcc');
    assert.equal(keys.status, 200);
    assert.equal(keys.body.algorithm, 'ed25519');
    const keyFile = path.join(tmp, 'cmcc.pem');
    await fs.writeFile(keyFile, keys.body.keys.map((k: any) => k.publicKeyPem).join('\n'));
    const real = path.join(tmp, `${serial}.pdf`);
    const fake = path.join(tmp, 'tampered.pdf');
    await fs.writeFile(real, pdf);
    await fs.writeFile(fake, tampered(pdf));

    const ok = await cli('verify', real, '--public-key', keyFile);
    assert.equal(ok.code, 0, ok.stdout);
    const out = JSON.parse(ok.stdout);
    assert.equal(out.valid, true);
    assert.equal(out.facts.serial, serial);

    const no = await cli('verify', fake, '--public-key', keyFile);
    assert.notEqual(no.code, 0);
    assert.equal(JSON.parse(no.stdout).valid, false);

    // Another carrier's key does not vouch for a China Mobile certificate.
    const cuccKeys = await new ApiClient(t.app).get('certificates/public-key?carrier=cucc');
    const wrongKey = path.join(tmp, 'cucc.pem');
    await fs.writeFile(wrongKey, cuccKeys.body.keys.map((k: any) => k.publicKeyPem).join('\n'));
    const other = await cli('verify', real, '--public-key', wrongKey);
    assert.notEqual(other.code, 0);
    assert.equal(JSON.parse(other.stdout).reason, 'unknown_key');
  });
});
