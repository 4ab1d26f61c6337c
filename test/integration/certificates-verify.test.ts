// The cancellation certificate through the HTTP API and the CLI: who may download it, the public
// check by serial (nothing without the verification code, masked facts with it, money only for the
// owner and staff), PDF uploads, the PEM public keys, and tampering caught online and offline.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { ApiClient, quoteAndSubmit, staffFor, subscriberFor, waitForStatus, type DemoSubscriber } from '../helpers/api.ts';
import { readInfoString } from '../../src/certificates/pdf-info.ts';
import { keyIdOf } from '../../src/certificates/signing.ts';
import { createSession, SESSION_COOKIE } from '../../src/identity/sessions.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

let t: TestApp;
let owner: { api: ApiClient; who: DemoSubscriber };
let serial: string;
let pdf: Buffer;
let requestId: string;
let tmp: string;
let otherSubscriber: Promise<{ api: ApiClient; who: DemoSubscriber }> | undefined;
/** Another subscriber (not the owner), signed in once: a second SMS code within a minute is refused. */
const someoneElse = () => (otherSubscriber ??= subscriberFor(t.app, 'multi_line'));

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

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: '' };
  delete env.ZHUXIAO_DATA_DIR;
  delete env.ZHUXIAO_PUBLIC_URL;
  try {
    const r = await run(process.execPath, [path.join(ROOT, 'bin/zhuxiao.js'), ...args], { cwd: tmp, env });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
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
    const other = await someoneElse();
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

/** The verification code the certificate carries (its QR code's URL is also in the PDF's metadata). */
function codeOf(file: Buffer): string {
  const url = readInfoString(file, 'ZhuxiaoVerifyURL');
  assert.ok(url, 'the PDF names its verify URL');
  const u = new URL(url);
  assert.equal(u.origin, 'http://zhuxiao.test');
  assert.equal(u.pathname, `/verify/${serial}`);
  return u.searchParams.get('c') ?? '';
}

const FACT_FIELDS = ['valid', 'carrier', 'carrierName', 'maskedMsisdn', 'maskedIccid', 'completedAt', 'refundFen', 'refundRoute', 'signature', 'channel'];

describe('public verification by serial', () => {
  test('the QR code carries a 13-character code (65 bits); only its SHA-256 is in a column', async () => {
    const code = codeOf(pdf);
    assert.match(code, /^[0-9A-HJKMNP-TV-Z]{13}$/, 'Crockford base32');
    const row = await t.ctx.db.selectFrom('certificates').select(['verify_code_hash', 'facts']).where('serial', '=', serial).executeTakeFirstOrThrow();
    assert.equal(row.verify_code_hash, createHash('sha256').update(code).digest('hex'));
    assert.ok(!JSON.stringify(row.facts).includes(code), 'the stored facts do not hold the code');
  });

  test('a serial alone tells only that it exists; a wrong code tells the same', async () => {
    const anyone = new ApiClient(t.app);
    const bare = await anyone.get(`certificates/${serial.toLowerCase()}/verify`);
    assert.equal(bare.status, 200);
    assert.deepEqual(bare.body, { serial, exists: true, access: 'none' });
    const code = codeOf(pdf);
    const wrong = `${code.slice(0, 12)}${code[12] === '0' ? '1' : '0'}`;
    for (const c of [wrong, 'not-a-code', '', code.slice(0, 12)]) {
      const r = await anyone.get(`certificates/${serial}/verify?c=${encodeURIComponent(c)}`);
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, bare.body, `code ${JSON.stringify(c)} is answered as no code`);
    }
    // GET /certificates/{serial} is the same check.
    assert.deepEqual((await anyone.get(`certificates/${serial}`)).body, bare.body);
    assert.deepEqual((await anyone.get(`certificates/${serial}?c=${wrong}`)).body, bare.body);

    const unknown = await anyone.get(`certificates/ZX-CMCC-20250101-999999-A/verify?c=${code}`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'not_found');
  });

  test('with the code: validity, carrier, masked number and date; no money and no personal data', async () => {
    const anyone = new ApiClient(t.app);
    const code = codeOf(pdf);
    const printed = `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`.toLowerCase(); // as a person types it
    for (const url of [`certificates/${serial}/verify?c=${code}`, `certificates/${serial}?c=${encodeURIComponent(printed)}`]) {
      const r = await anyone.get(url);
      assert.equal(r.status, 200, url);
      assert.equal(r.body.access, 'code');
      assert.equal(r.body.valid, true);
      assert.equal(r.body.serial, serial);
      assert.equal(r.body.carrier, 'cmcc');
      assert.equal(r.body.carrierName.zh, '中国移动');
      assert.equal(r.body.maskedMsisdn, '138****8011');
      assert.ok(!Number.isNaN(Date.parse(r.body.completedAt)));
      for (const field of ['refundFen', 'refundRoute', 'refundRouteLabel', 'maskedIccid', 'signature']) {
        assert.ok(!(field in r.body), `the public answer has no ${field}`);
      }
      const text = JSON.stringify(r.body);
      const line = owner.who.lines[0];
      for (const p of [owner.who.msisdn, owner.who.msisdn.slice(3), owner.who.idNumber, owner.who.idLast6, line.iccid, '赵桂兰', requestId]) {
        assert.ok(!text.includes(p), `the public check does not reveal ${p.slice(0, 3)}…`);
      }
    }
  });

  test('the owner and staff see the money without the code; another subscriber does not', async () => {
    const request = await t.ctx.db.selectFrom('cancellation_requests').select('refund_fen').where('id', '=', requestId).executeTakeFirstOrThrow();
    assert.ok(request.refund_fen > 0);
    const mine = await owner.api.get(`certificates/${serial}/verify`);
    assert.equal(mine.body.access, 'owner');
    assert.equal(mine.body.valid, true);
    assert.equal(mine.body.refundFen, request.refund_fen);
    const line = owner.who.lines[0];
    assert.equal(mine.body.maskedIccid, `${line.iccid.slice(0, 6)}${'*'.repeat(line.iccid.length - 10)}${line.iccid.slice(-4)}`);
    assert.ok(!/\d{8,}/.test(JSON.stringify({ ...mine.body, serial: '', signature: '', keyId: '' })), 'no long digit run (an unmasked identifier)');
    for (const role of ['reviewer', 'ops'] as const) {
      const staff = await staffFor(t.app, role);
      const r = await staff.get(`certificates/${serial}/verify`);
      assert.equal(r.body.access, 'staff', role);
      assert.equal(r.body.refundFen, request.refund_fen, role);
    }
    const other = await someoneElse();
    assert.deepEqual((await other.api.get(`certificates/${serial}/verify`)).body, { serial, exists: true, access: 'none' });
    const withCode = await other.api.get(`certificates/${serial}/verify?c=${codeOf(pdf)}`);
    assert.equal(withCode.body.access, 'code');
    assert.ok(!('refundFen' in withCode.body));
    // Signed in but identity not confirmed: not treated as the owner.
    const req = await t.ctx.db.selectFrom('cancellation_requests').select('customer_id').where('id', '=', requestId).executeTakeFirstOrThrow();
    const unconfirmed = new ApiClient(t.app);
    unconfirmed.cookies.set(SESSION_COOKIE, await createSession(t.ctx.db, { kind: 'subscriber', subjectId: owner.who.msisdn, customerId: req.customer_id, minutes: 10 }));
    assert.equal((await unconfirmed.get('auth/me')).body.kind, 'subscriber');
    assert.equal((await unconfirmed.get(`certificates/${serial}/verify`)).body.access, 'none');
  });

  test('a certificate from before verification codes: only the owner or staff see its facts', async () => {
    const saved = await t.ctx.db.selectFrom('certificates').select('verify_code_hash').where('serial', '=', serial).executeTakeFirstOrThrow();
    await t.ctx.db.updateTable('certificates').set({ verify_code_hash: null }).where('serial', '=', serial).execute();
    try {
      const anyone = new ApiClient(t.app);
      assert.equal((await anyone.get(`certificates/${serial}/verify?c=${codeOf(pdf)}`)).body.access, 'none');
      assert.equal((await anyone.get(`certificates/${serial}/verify?c=`)).body.access, 'none');
      assert.equal((await owner.api.get(`certificates/${serial}/verify`)).body.access, 'owner');
    } finally {
      await t.ctx.db.updateTable('certificates').set({ verify_code_hash: saved.verify_code_hash }).where('serial', '=', serial).execute();
    }
  });
});

describe('verifying a PDF file', () => {
  test('raw application/pdf: the real file is valid and gets back its own facts; a changed byte is not', async () => {
    const anyone = new ApiClient(t.app);
    const good = await anyone.post('certificates/verify', pdf, { 'content-type': 'application/pdf' });
    assert.equal(good.status, 200, JSON.stringify(good.body));
    assert.equal(good.body.valid, true);
    assert.equal(good.body.access, 'file');
    assert.equal(good.body.serial, serial);
    assert.equal(good.body.maskedMsisdn, '138****8011');
    const request = await t.ctx.db.selectFrom('cancellation_requests').select('refund_fen').where('id', '=', requestId).executeTakeFirstOrThrow();
    assert.equal(good.body.refundFen, request.refund_fen, 'the holder of the file sees what it states');

    const bad = await anyone.post('certificates/verify', tampered(pdf), { 'content-type': 'application/pdf' });
    assert.equal(bad.status, 200);
    assert.equal(bad.body.valid, false);
    assert.equal(bad.body.reason, 'digest_mismatch'); // the PAdES (CMS) digest no longer matches
    for (const f of FACT_FIELDS.filter((x) => x !== 'valid')) assert.ok(!(f in bad.body), `a tampered file gets no ${f}`);

    const appended = Buffer.concat([pdf, Buffer.from('%extra\n')]);
    assert.equal((await anyone.post('certificates/verify', appended, { 'content-type': 'application/pdf' })).body.valid, false);
    const unsigned = pdf.subarray(0, pdf.lastIndexOf('\n%ZHUXIAO-SIGNATURE'));
    assert.equal((await anyone.post('certificates/verify', unsigned, { 'content-type': 'application/pdf' })).body.reason, 'no_signature');
    const notPdf = await anyone.post('certificates/verify', Buffer.from('hello'), { 'content-type': 'application/octet-stream' });
    assert.deepEqual(notPdf.body, { valid: false, reason: 'not_pdf' });
  });

  test('a multipart/form-data upload (a browser form, curl -F) works the same', async () => {
    const boundary = '----zhuxiao-test-boundary';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${serial}.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
      pdf,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const anyone = new ApiClient(t.app);
    const r = await anyone.post('certificates/verify', body, { 'content-type': `multipart/form-data; boundary=${boundary}` });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.valid, true);
    assert.equal(r.body.serial, serial);
    const noFile = await anyone.post('certificates/verify', Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="x"\r\n\r\ny\r\n--${boundary}--\r\n`), { 'content-type': `multipart/form-data; boundary=${boundary}` });
    assert.equal(noFile.status, 400);
  });

  test('an empty body is a 400 and a body over 2 MB is refused', async () => {
    const anyone = new ApiClient(t.app);
    const empty = await anyone.post('certificates/verify', Buffer.alloc(0), { 'content-type': 'application/pdf' });
    assert.equal(empty.status, 400);
    const big = Buffer.concat([pdf, Buffer.alloc(2 * 1024 * 1024)]);
    const r = await anyone.post('certificates/verify', big, { 'content-type': 'application/pdf' });
    assert.equal(r.status, 413);
  });
});

describe('public keys', () => {
  test('public-keys.pem: every carrier key, each after a comment naming carrier and key id; each parses', async () => {
    const r = await new ApiClient(t.app).get('certificates/public-keys.pem');
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^application\/x-pem-file/);
    const text = String(r.body);
    const blocks = [...text.matchAll(/^# carrier=(\w+) .*key_id=([0-9a-f]{16}) status=(active|retired).*\n(-----BEGIN PUBLIC KEY-----\n[\s\S]+?\n-----END PUBLIC KEY-----)\n/gm)];
    const rows = await t.ctx.db.selectFrom('signing_keys').select(['key_id', 'carrier']).execute();
    assert.equal(blocks.length, rows.length, 'one block per key');
    assert.equal(text.match(/BEGIN PUBLIC KEY/g)?.length, rows.length);
    for (const [, carrier, keyId, , pem] of blocks) {
      const key = createPublicKey(pem);
      assert.equal(key.asymmetricKeyType, 'ed25519');
      assert.equal(keyIdOf(key), keyId);
      assert.ok(rows.some((k) => k.key_id === keyId && k.carrier === carrier));
    }
    assert.ok(createPublicKey(text), 'the whole file reads as a key too (the comments are skipped)');

    const cmcc = String((await new ApiClient(t.app).get('certificates/public-keys.pem?carrier=cmcc')).body);
    assert.ok(cmcc.includes('carrier=cmcc'));
    assert.ok(!/carrier=(?!cmcc)/.test(cmcc), 'only China Mobile keys');
    assert.equal((await new ApiClient(t.app).get('certificates/public-keys.pem?carrier=nope')).status, 404);
  });
});

describe('zhuxiao verify', () => {
  let real: string;
  let fake: string;
  before(async () => {
    real = path.join(tmp, `${serial}.pdf`);
    fake = path.join(tmp, 'tampered.pdf');
    await fs.writeFile(real, pdf);
    await fs.writeFile(fake, tampered(pdf));
  });

  test('--public-key with a file of several keys: exit 0 for the real file only', async () => {
    const root = path.join(tmp, 'ca.pem');
    await fs.writeFile(root, String((await new ApiClient(t.app).get('certificates/ca.pem')).body));
    const keyFile = path.join(tmp, 'all.pem');
    await fs.writeFile(keyFile, String((await new ApiClient(t.app).get('certificates/public-keys.pem')).body));
    const ok = await cli('verify', real, '--root', root, '--public-key', keyFile);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    const out = JSON.parse(ok.stdout);
    assert.equal(out.valid, true);
    assert.equal(out.facts.serial, serial);
    assert.equal(out.verifyUrl, `http://zhuxiao.test/verify/${serial}?c=${codeOf(pdf)}`);

    const no = await cli('verify', fake, '--root', root, '--public-key', keyFile);
    assert.equal(no.code, 1);
    assert.equal(JSON.parse(no.stdout).valid, false);

    // Another carrier's key does not vouch for a China Mobile certificate.
    const wrongKey = path.join(tmp, 'cucc.pem');
    await fs.writeFile(wrongKey, String((await new ApiClient(t.app).get('certificates/public-keys.pem?carrier=cucc')).body));
    const other = await cli('verify', real, '--root', root, '--public-key', wrongKey);
    assert.equal(other.code, 1);
    assert.equal(JSON.parse(other.stdout).reason, 'unknown_key');
    // The JSON listing's PEM strings work as well.
    const keys = await new ApiClient(t.app).get('certificates/public-key?carrier=cmcc');
    const jsonKeys = path.join(tmp, 'cmcc.pem');
    await fs.writeFile(jsonKeys, keys.body.keys.map((k: any) => k.publicKeyPem).join('\n'));
    assert.equal((await cli('verify', real, '--root', root, '--public-key', jsonKeys)).code, 0);
  });

  test('without a key and without a database: says what to pass, exit 2, creates nothing', async () => {
    const r = await cli('verify', real);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /--public-key FILE/);
    assert.match(r.stderr, /--keys-url URL/);
    assert.match(r.stderr, /public-keys\.pem/);
    assert.doesNotMatch(r.stderr, /relation|does not exist|signing_keys/);
    assert.equal(r.stdout, '');
    await assert.rejects(fs.stat(path.join(tmp, '.zhuxiao')), 'no empty database was created');
    const empty = path.join(tmp, 'empty.pem');
    await fs.writeFile(empty, '# no keys here\n');
    const none = await cli('verify', real, '--public-key', empty);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no Ed25519 public key/);
  });

  test('--keys-url fetches the PEM from a listening server', async () => {
    const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const ok = await cli('verify', real, '--keys-url', `${base}/api/v1/certificates/public-keys.pem`);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal(JSON.parse(ok.stdout).facts.serial, serial);
    const bad = await cli('verify', fake, '--keys-url', `${base}/api/v1/certificates/public-keys.pem?carrier=cmcc`);
    assert.equal(bad.code, 1);
    const missing = await cli('verify', real, '--keys-url', `${base}/api/v1/certificates/no-such-keys.pem`);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /HTTP 404/);
  });
});
