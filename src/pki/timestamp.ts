// RFC 3161 time-stamps: the request a client sends, the answer a TSA gives (TSTInfo signed as CMS
// with the TSA's certificate), and checking a token against the hash it should cover. Pure.
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { checkCmsSignature, CMS_OID, encodeCms, parseCms, signCms, type SignerIdentity } from './cms.ts';
import { OID } from './x509.ts';

/** The TSA policy the simulator (and this deployment's TSA) answers under. */
export const TSA_POLICY = '1.3.6.1.4.1.58270.1.3161';

const ab = (b: Uint8Array) => new Uint8Array(b).buffer;

function imprint(digest: Uint8Array): pkijs.MessageImprint {
  return new pkijs.MessageImprint({
    hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 }),
    hashedMessage: new asn1js.OctetString({ valueHex: ab(digest) }),
  });
}

/** A TimeStampReq (DER) for a SHA-256 digest, asking for the TSA's certificate in the token. */
export function timestampRequest(digest: Uint8Array): { der: Buffer; nonce: Buffer } {
  if (digest.length !== 32) throw new TypeError('a SHA-256 digest is 32 bytes');
  const nonce = randomBytes(8);
  nonce[0] &= 0x7f;
  const req = new pkijs.TimeStampReq({ version: 1, messageImprint: imprint(digest), nonce: new asn1js.Integer({ valueHex: ab(nonce) }), certReq: true });
  return { der: Buffer.from(req.toSchema().toBER(false)), nonce };
}

/** What a TSA answers to a TimeStampReq (DER): a TimeStampResp (DER) granting a token, or rejecting the request. */
export function answerTimestampRequest(reqDer: Uint8Array, tsa: SignerIdentity, genTime: Date, serial: Buffer): Buffer {
  let req: pkijs.TimeStampReq;
  try {
    req = pkijs.TimeStampReq.fromBER(new Uint8Array(reqDer));
  } catch {
    return rejection(5); // badDataFormat
  }
  if (req.messageImprint.hashAlgorithm.algorithmId !== OID.sha256 || req.messageImprint.hashedMessage.valueBlock.valueHexView.length !== 32) {
    return rejection(0); // badAlg
  }
  const tst = new pkijs.TSTInfo({
    version: 1,
    policy: TSA_POLICY,
    messageImprint: req.messageImprint,
    serialNumber: new asn1js.Integer({ valueHex: ab(serial) }),
    genTime: new Date(Math.floor(genTime.getTime() / 1000) * 1000),
    accuracy: new pkijs.Accuracy({ seconds: 1 }),
    ...(req.nonce ? { nonce: req.nonce } : {}),
  });
  const content = new Uint8Array(tst.toSchema().toBER(false));
  const sd = signCms({ signer: req.certReq ? tsa : { ...tsa, chainPems: [] }, eContentType: CMS_OID.tstInfo, content, attach: true });
  if (!req.certReq) sd.certificates = [];
  const token = encodeCms(sd);
  const resp = new asn1js.Sequence({
    value: [new pkijs.PKIStatusInfo({ status: pkijs.PKIStatus.granted }).toSchema(), asn1js.fromBER(new Uint8Array(token)).result],
  });
  return Buffer.from(resp.toBER(false));
}

function rejection(failBit: number): Buffer {
  const status = new pkijs.PKIStatusInfo({
    status: pkijs.PKIStatus.rejection,
    failInfo: new asn1js.BitString({ valueHex: new Uint8Array([0x80 >> failBit]).buffer, unusedBits: 7 - failBit }),
  });
  return Buffer.from(new asn1js.Sequence({ value: [status.toSchema()] }).toBER(false));
}

/** The token (a CMS ContentInfo, DER) from a granted TimeStampResp; throws when the TSA refused. */
export function tokenFromResponse(respDer: Uint8Array, nonce?: Buffer): Buffer {
  const resp = pkijs.TimeStampResp.fromBER(new Uint8Array(respDer));
  if (resp.status.status !== pkijs.PKIStatus.granted && resp.status.status !== pkijs.PKIStatus.grantedWithMods) {
    throw new Error(`the TSA refused the time-stamp request (status ${resp.status.status})`);
  }
  if (!resp.timeStampToken) throw new Error('the TSA granted no token');
  const token = Buffer.from(resp.timeStampToken.toSchema().toBER(false));
  if (nonce) {
    const tst = readTstInfo(token);
    if (!tst.nonce || !Buffer.from(tst.nonce.valueBlock.valueHexView).equals(nonce)) throw new Error('the TSA answered another request (nonce differs)');
  }
  return token;
}

function readTstInfo(tokenDer: Uint8Array): pkijs.TSTInfo {
  const cms = parseCms(tokenDer);
  if (cms.eContentType !== CMS_OID.tstInfo || !cms.eContent) throw new TypeError('not a time-stamp token');
  return pkijs.TSTInfo.fromBER(new Uint8Array(cms.eContent));
}

export type TimestampCheck =
  | { ok: true; genTime: Date; tsaCertPem: string; certificates: string[] }
  | { ok: false; reason: 'malformed' | 'imprint_mismatch' | 'bad_signature' | 'not_a_tsa_certificate' };

/** Checks a time-stamp token covers `digest` (SHA-256) and is signed by a certificate for time-stamping. Chain and validity are the caller's. */
export function checkTimestampToken(tokenDer: Uint8Array, digest: Uint8Array): TimestampCheck {
  let cms: ReturnType<typeof parseCms>;
  let tst: pkijs.TSTInfo;
  try {
    cms = parseCms(tokenDer);
    tst = readTstInfo(tokenDer);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const mi = tst.messageImprint;
  if (mi.hashAlgorithm.algorithmId !== OID.sha256 || !Buffer.from(mi.hashedMessage.valueBlock.valueHexView).equals(Buffer.from(digest))) {
    return { ok: false, reason: 'imprint_mismatch' };
  }
  const sig = checkCmsSignature(cms, cms.eContent!);
  if (!sig.ok) return { ok: false, reason: 'bad_signature' };
  if (!isTsaCertificate(sig.signerCertPem)) return { ok: false, reason: 'not_a_tsa_certificate' };
  return { ok: true, genTime: tst.genTime, tsaCertPem: sig.signerCertPem, certificates: cms.certificates };
}

function isTsaCertificate(pem: string): boolean {
  const cert = pkijs.Certificate.fromBER(new Uint8Array(new X509Certificate(pem).raw));
  const eku = cert.extensions?.find((e) => e.extnID === OID.extKeyUsage);
  if (!eku?.critical) return false;
  const parsed = eku.parsedValue as pkijs.ExtKeyUsage | undefined;
  return parsed?.keyPurposes.length === 1 && parsed.keyPurposes[0] === OID.timeStamping;
}

export const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();
