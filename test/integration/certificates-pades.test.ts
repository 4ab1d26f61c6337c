// Issue 13: a certificate any PDF reader trusts. Real certificates rendered through the app are
// checked by poppler's pdfsig against an NSS database holding the deployment's root (ca.pem), and
// by our own verifier for the tamper cases; the transparency log's proofs are checked too.
// pdfsig exits 0 even on "Digest Mismatch", so its text is what is asserted.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { ApiClient, quoteAndSubmit, staffFor, subscriberFor, waitForStatus } from '../helpers/api.ts';
import { verifyPades } from '../../src/pki/verify-pades.ts';
import { readPdfSignature, signPdfWithPlaceholder } from '../../src/pki/pdf-signature.ts';
import { encodeCms, parseCms, signCms } from '../../src/pki/cms.ts';
import { issueCertificate as issueX509 } from '../../src/pki/x509.ts';
import { activeIdentity, issueFromRoot, revokeCertificate, revokedSerials, rootCertificates } from '../../src/pki/pki-store.ts';
import { renderCertificatePdf } from '../../src/certificates/certificate-pdf.ts';
import { readFactsFromPdf } from '../../src/certificates/facts.ts';
import { checkConsistency, checkInclusion, verifyTreeHead } from '../../src/certificates/transparency-log.ts';

const run = promisify(execFile);
const has = (cmd: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const PDFSIG = has('pdfsig') && has('certutil');
const noPdfsig = PDFSIG ? false : 'pdfsig/certutil not installed (apt-get install poppler-utils libnss3-tools)';

let t: TestApp;
let staff: ApiClient;
const serials: string[] = [];
let pdf: Buffer;
let caPem: string;
let tmp: string;
let nssDir: string;

async function cancelOne(scenario: string): Promise<string> {
  const owner = await subscriberFor(t.app, scenario);
  const { quote, submit } = await quoteAndSubmit(owner.api, owner.who.lines[0].id, owner.who.msisdn);
  assert.equal(quote.body.eligible, true, JSON.stringify(quote.body.blockers));
  assert.equal(submit.status, 201, JSON.stringify(submit.body));
  assert.equal((await staff.post(`review/${submit.body.id}/approve`)).status, 200);
  const done = await waitForStatus(owner.api, submit.body.id, ['completed', 'needs_attention']);
  assert.equal(done.status, 'completed', JSON.stringify(done));
  return done.certificateSerial;
}

async function pdfsig(file: string): Promise<string> {
  const r = await run('pdfsig', ['-nssdir', `sql:${nssDir}`, file]).catch((e: { stdout?: string; stderr?: string }) => ({ stdout: e.stdout ?? '', stderr: e.stderr ?? '' }));
  return `${r.stdout}${r.stderr}`;
}

const trust = async () => ({ roots: await rootCertificates(t.ctx.db), revoked: await revokedSerials(t.ctx.db) });

before(async () => {
  t = await startTestApp();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'zhuxiao-pades-'));
  staff = await staffFor(t.app, 'reviewer');
  serials.push(await cancelOne('proxy'));
  const r = await staff.get(`certificates/${serials[0]}.pdf`);
  assert.equal(r.status, 200);
  pdf = Buffer.from(r.raw);
  caPem = String((await new ApiClient(t.app).get('certificates/ca.pem')).body);
  await fs.writeFile(path.join(tmp, 'ca.pem'), caPem);
  if (PDFSIG) {
    nssDir = path.join(tmp, 'nss');
    await fs.mkdir(nssDir);
    await run('certutil', ['-N', '--empty-password', '-d', `sql:${nssDir}`]);
    await run('certutil', ['-A', '-n', 'zhuxiao-root', '-t', 'CT,C,C', '-i', path.join(tmp, 'ca.pem'), '-d', `sql:${nssDir}`]);
  }
});
after(async () => {
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  await t?.close();
  await dropTemplate();
});

/** One byte changed inside the signed range: a letter of the producer named in the XMP metadata. */
function flipped(original: Buffer): Buffer {
  const copy = Buffer.from(original);
  const at = copy.indexOf('Zhuxiao (PDFKit)</');
  assert.ok(at > 0);
  copy[at] ^= 0x01;
  return copy;
}

describe('pdfsig (poppler + NSS) trusts the certificate', () => {
  test('GET ca.pem serves the root; a real certificate: "Signature is Valid", "Certificate is Trusted"', { skip: noPdfsig }, async () => {
    assert.match(caPem, /^-----BEGIN CERTIFICATE-----/);
    const file = path.join(tmp, 'real.pdf');
    await fs.writeFile(file, pdf);
    const out = await pdfsig(file);
    assert.match(out, /Signature Type: ETSI\.CAdES\.detached/, out);
    assert.match(out, /Signature is Valid/, out);
    assert.match(out, /Certificate is Trusted/, out);
    assert.match(out, /Total document signed/, out);
  });

  test('one changed byte inside the signed range: "Digest Mismatch"', { skip: noPdfsig }, async () => {
    const file = path.join(tmp, 'flipped.pdf');
    await fs.writeFile(file, flipped(pdf));
    const out = await pdfsig(file);
    assert.match(out, /Digest Mismatch/, out);
    assert.doesNotMatch(out, /Signature is Valid/, out);
  });

  test('bytes appended after the signed file: "Not total document signed"', { skip: noPdfsig }, async () => {
    const file = path.join(tmp, 'appended.pdf');
    await fs.writeFile(file, Buffer.concat([pdf, Buffer.from('\n%extra\n')]));
    assert.match(await pdfsig(file), /Not total document signed/);
  });
});

describe('our verifier: PAdES, chain, time-stamp, revocation', () => {
  test('the real file: valid, with the TSA time and the carrier signer; the tagged page states the masked holder', async () => {
    const r = verifyPades(pdf, await trust());
    assert.equal(r.valid, true, JSON.stringify(r));
    if (!r.valid) return;
    assert.match(r.signer.subject, /China Mobile/);
    assert.match(r.timestamp.tsa, /Time-Stamping/);
    const facts = readFactsFromPdf(pdf)!;
    assert.match(facts.holderName ?? '', /^.\*+$/u);
    assert.match(pdf.toString('latin1'), /\/StructTreeRoot/);
    assert.match(pdf.toString('latin1'), /\/MarkInfo/);
    const online = await new ApiClient(t.app).post('certificates/verify', pdf, { 'content-type': 'application/pdf' });
    assert.equal(online.body.valid, true, JSON.stringify(online.body));
    assert.equal(online.body.format, 'pades');
  });

  test('a changed byte, appended bytes, a wrong root', async () => {
    assert.deepEqual(pickReason(verifyPades(flipped(pdf), await trust())), 'digest_mismatch');
    assert.deepEqual(pickReason(verifyPades(Buffer.concat([pdf, Buffer.from('\n%x\n')]), await trust())), 'not_whole_document');
    const now = new Date();
    const other = issueX509({ profile: 'root', commonName: 'Someone Else Root', organization: 'x', notBefore: new Date(now.getTime() - 1e6), notAfter: new Date(now.getTime() + 1e9) });
    assert.equal(pickReason(verifyPades(pdf, { roots: [other.certPem] })), 'untrusted_certificate');
  });

  test('a swapped certificate: another carrier\'s certificate put in as the signer does not verify', async () => {
    const sig = readPdfSignature(pdf)!;
    const cms = parseCms(sig.cms);
    const other = await activeIdentity(t.ctx, 'carrier', 'cucc');
    const otherCms = parseCms(encodeCmsWithCert(other.certPem));
    cms.signedData.certificates = otherCms.signedData.certificates;
    cms.signerInfo.sid = otherCms.signerInfo.sid;
    const der = encodeCms(cms.signedData);
    const copy = Buffer.from(pdf);
    copy.write(der.toString('hex').padEnd(sig.byteRange[2] - sig.byteRange[1] - 2, '0'), sig.byteRange[1] + 1, 'latin1');
    assert.equal(pickReason(verifyPades(copy, await trust())), 'bad_signature');
  });

  test('an expired signing certificate, then a revoked one', async () => {
    const facts = readFactsFromPdf(pdf)!;
    const unsigned = () => renderCertificatePdf(facts, { verifyUrl: 'http://zhuxiao.test/verify/x', signature: { name: 'x', reason: 'test', signingTime: new Date() } });
    const tsa = (req: Buffer) => t.ctx.adapters.tsa.timestamp(req);
    const long = Date.now() - 3 * 365 * 864e5;
    const expired = await issueFromRoot(t.ctx, t.ctx.db, 'carrier', 'cmcc', { notBefore: new Date(long), notAfter: new Date(long + 864e5) });
    assert.equal(pickReason(verifyPades(await signPdfWithPlaceholder(await unsigned(), expired, tsa), await trust())), 'certificate_expired');

    const current = await activeIdentity(t.ctx, 'carrier', 'cmcc');
    const signed = await signPdfWithPlaceholder(await unsigned(), current, tsa);
    assert.equal(verifyPades(signed, await trust()).valid, true);
    assert.equal(await revokeCertificate(t.ctx.db, current.serial, new Date()), true);
    assert.equal(pickReason(verifyPades(signed, await trust())), 'certificate_revoked');
    const online = await new ApiClient(t.app).post('certificates/verify', pdf, { 'content-type': 'application/pdf' });
    assert.equal(online.body.valid, false);
    assert.equal(online.body.reason, 'certificate_revoked');
    // A new certificate is issued for what comes next.
    assert.notEqual((await activeIdentity(t.ctx, 'carrier', 'cmcc')).serial, current.serial);
  });
});

describe('transparency log', () => {
  test('every certificate is logged: inclusion against a saved tree head, consistency between heads, zhuxiao verify --log', async () => {
    const api = new ApiClient(t.app);
    const head1 = (await api.get('certificates/log/tree-head')).body;
    assert.ok(head1.treeSize >= 1);
    assert.equal(verifyTreeHead(head1, [caPem]), true);
    const proof1 = (await api.get(`certificates/log/inclusion/${serials[0]}?treeSize=${head1.treeSize}`)).body;
    assert.deepEqual(checkInclusion(pdf, serials[0], proof1, head1, [caPem]), { ok: true });
    assert.equal(checkInclusion(flipped(pdf), serials[0], proof1, head1, [caPem]).ok, false);
    assert.equal(verifyTreeHead({ ...head1, rootHash: '00'.repeat(32) }, [caPem]), false);

    serials.push(await cancelOne('clean_physical'));
    const head2 = (await api.get('certificates/log/tree-head')).body;
    assert.equal(head2.treeSize, head1.treeSize + 1);
    const c = (await api.get(`certificates/log/consistency?first=${head1.treeSize}&second=${head2.treeSize}`)).body;
    assert.equal(checkConsistency(head1, head2, c.proof, [caPem]), true);
    assert.equal(checkConsistency(head1, { ...head2, rootHash: head1.rootHash }, c.proof, [caPem]), false);
    assert.equal((await api.get(`certificates/log/inclusion/${serials[1]}?treeSize=${head1.treeSize}`)).status, 400);

    const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const headFile = path.join(tmp, 'head.json');
    await fs.writeFile(headFile, JSON.stringify(head2));
    const file = path.join(tmp, 'logged.pdf');
    await fs.writeFile(file, pdf);
    const keysUrl = `${base}/api/v1/certificates/public-keys.pem`;
    const cli = (...args: string[]) => run(process.execPath, [path.resolve('bin/zhuxiao.js'), 'verify', ...args], { env: { ...process.env, DATABASE_URL: '' } })
      .then((r) => ({ code: 0, out: r.stdout }), (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }));
    // The first certificate's signing certificate was revoked above: check the second one.
    const second = Buffer.from((await staff.get(`certificates/${serials[1]}.pdf`)).raw);
    await fs.writeFile(file, second);
    const ok = await cli(file, '--keys-url', keysUrl, '--log', headFile);
    assert.equal(ok.code, 0, ok.out);
    assert.equal(JSON.parse(ok.out).log.ok, true);
    await fs.writeFile(headFile, JSON.stringify(head1));
    const before = await cli(file, '--keys-url', keysUrl, '--log', headFile);
    assert.notEqual(before.code, 0, 'not in a tree head saved before it was issued');
  });
});

function pickReason(r: { valid: boolean; reason?: string }): string | undefined {
  return r.valid ? undefined : r.reason;
}

function encodeCmsWithCert(certPem: string): Buffer {
  // A throwaway CMS whose signer is `certPem`, to borrow its sid and certificate list.
  return encodeCms(fakeSigned(certPem));
}

function fakeSigned(certPem: string) {
  const key = issueX509({ profile: 'carrier', commonName: 'k', organization: 'k', notBefore: new Date(), notAfter: new Date(Date.now() + 1e6) });
  return signCmsFor(certPem, key.privateKeyPem);
}

function signCmsFor(certPem: string, privateKeyPem: string) {
  return signCms({ signer: { certPem, privateKeyPem }, eContentType: '1.2.840.113549.1.7.1', content: Buffer.from('x'), attach: false });
}
