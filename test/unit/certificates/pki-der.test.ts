// The signing path writes its CMS and RFC 3161 DER by hand (src/pki/der.ts): what it writes must be
// what the checking side (pkijs) and other tools read, and what it reads from a TSA must be checked.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { checkCmsSignature, CMS_OID, encodeCms, parseCms, signCms, signCmsDer } from '../../../src/pki/cms.ts';
import { answerTimestampRequest, checkTimestampToken, sha256, timestampRequest, tokenFromResponse } from '../../../src/pki/timestamp.ts';
import { issueCertificate } from '../../../src/pki/x509.ts';

const now = new Date();
const later = new Date(now.getTime() + 86_400_000);
const root = issueCertificate({ profile: 'root', commonName: 'Test Root', organization: 'Zhuxiao tests', notBefore: now, notAfter: later });
const tsa = issueCertificate({ profile: 'tsa', commonName: 'Test TSA', organization: 'Zhuxiao tests', notBefore: now, notAfter: later, issuer: root });
const carrier = issueCertificate({ profile: 'carrier', commonName: 'Test Carrier', organization: 'Zhuxiao tests', notBefore: now, notAfter: later, issuer: root });

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version']);
    return true;
  } catch {
    return false;
  }
}

describe('CMS written as DER', () => {
  test('a detached signature checks with pkijs and with openssl, and names the signer', () => {
    const content = Buffer.from('the signed bytes of a PDF');
    const cms = signCmsDer({ signer: carrier, eContentType: CMS_OID.data, content, attach: false }).encode();
    const parsed = parseCms(cms);
    assert.equal(parsed.signerCertPem, carrier.certPem);
    assert.deepEqual(checkCmsSignature(parsed, content), { ok: true, signerCertPem: carrier.certPem });
    assert.deepEqual(checkCmsSignature(parsed, Buffer.from('other bytes')), { ok: false, reason: 'digest_mismatch' });
    if (!hasOpenssl()) return;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zx-der-'));
    try {
      fs.writeFileSync(path.join(dir, 'sig.der'), cms);
      fs.writeFileSync(path.join(dir, 'content'), content);
      fs.writeFileSync(path.join(dir, 'root.pem'), root.certPem);
      const out = execFileSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', path.join(dir, 'sig.der'), '-content', path.join(dir, 'content'), '-CAfile', path.join(dir, 'root.pem'), '-purpose', 'any', '-out', '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] });
      assert.equal(out.length, 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the same signed attributes as the pkijs builder, so both are read alike', () => {
    const content = Buffer.from('x');
    const byHand = parseCms(signCmsDer({ signer: carrier, eContentType: CMS_OID.data, content, attach: false }).encode()).signerInfo;
    const byPkijs = parseCms(encodeCms(signCms({ signer: carrier, eContentType: CMS_OID.data, content, attach: false }))).signerInfo;
    assert.deepEqual(Buffer.from(byHand.signedAttrs!.encodedValue), Buffer.from(byPkijs.signedAttrs!.encodedValue));
  });

  test('an unsigned attribute is carried, and the signature value is the one returned', () => {
    const signed = signCmsDer({ signer: carrier, eContentType: CMS_OID.data, content: Buffer.from('y'), attach: false });
    const value = new asn1js.Utf8String({ value: 'an unsigned value' }).toBER(false);
    const parsed = parseCms(signed.encode([{ type: '1.2.3.4', valueDer: new Uint8Array(value) }]));
    assert.deepEqual(Buffer.from(parsed.signerInfo.signature.valueBlock.valueHexView), signed.signature);
    const attr = parsed.signerInfo.unsignedAttrs?.attributes.find((a) => a.type === '1.2.3.4');
    assert.equal((attr?.values[0] as asn1js.Utf8String).valueBlock.value, 'an unsigned value');
  });
});

describe('RFC 3161 on the signing path', () => {
  const digest = sha256(Buffer.from('a signature value'));

  test("the simulator's token covers the digest, is signed by the TSA and passes the token check", () => {
    const req = timestampRequest(digest);
    const token = tokenFromResponse(answerTimestampRequest(req.der, tsa, now, Buffer.from('0123456789ab')), req.nonce, digest);
    const check = checkTimestampToken(token, digest);
    assert.equal(check.ok, true);
    if (check.ok) {
      assert.equal(check.tsaCertPem, tsa.certPem);
      assert.equal(check.genTime.toISOString(), new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString());
    }
    assert.deepEqual(checkTimestampToken(token, sha256(Buffer.from('another value'))), { ok: false, reason: 'imprint_mismatch' });
  });

  test('an answer to another request is refused: other nonce, other digest, a refusal', () => {
    const req = timestampRequest(digest);
    const other = timestampRequest(digest);
    const answer = answerTimestampRequest(other.der, tsa, now, Buffer.from('0123456789ab'));
    assert.throws(() => tokenFromResponse(answer, req.nonce, digest), /nonce differs/);
    const forOtherDigest = timestampRequest(sha256(Buffer.from('something else')));
    assert.throws(() => tokenFromResponse(answerTimestampRequest(forOtherDigest.der, tsa, now, Buffer.from('01')), forOtherDigest.nonce, digest), /another digest/);
    assert.throws(() => tokenFromResponse(answerTimestampRequest(Buffer.from('not DER'), tsa, now, Buffer.from('01')), req.nonce, digest), /refused/);
  });

  test('a token encoded as BER (constructed OCTET STRING, as pkijs and some TSAs write it) is read too', () => {
    const req = timestampRequest(digest);
    const parsedReq = pkijs.TimeStampReq.fromBER(new Uint8Array(req.der));
    const tst = new pkijs.TSTInfo({ version: 1, policy: '1.2.3', messageImprint: parsedReq.messageImprint, serialNumber: new asn1js.Integer({ value: 7 }), genTime: now, nonce: parsedReq.nonce });
    const token = encodeCms(signCms({ signer: tsa, eContentType: CMS_OID.tstInfo, content: new Uint8Array(tst.toSchema().toBER(false)), attach: true }));
    const resp = Buffer.from(new asn1js.Sequence({ value: [new pkijs.PKIStatusInfo({ status: pkijs.PKIStatus.granted }).toSchema(), asn1js.fromBER(new Uint8Array(token)).result] }).toBER(false));
    assert.equal(checkTimestampToken(tokenFromResponse(resp, req.nonce, digest), digest).ok, true);
    assert.throws(() => tokenFromResponse(resp, timestampRequest(digest).nonce, digest), /nonce differs/);
  });
});
