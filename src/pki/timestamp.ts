// RFC 3161 time-stamps: the request a client sends, the answer a TSA gives (TSTInfo signed as CMS
// with the TSA's certificate), and checking a token against the hash it should cover. Requests,
// answers and reading a token on the signing path are DER written and read directly (der.ts);
// checking a token uses pkijs. Pure.
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { checkCmsSignature, CMS_OID, parseCms, signCmsDer, type SignerIdentity } from './cms.ts';
import { bytesOf, childrenOf, context, expect, generalizedTime, octets, oid, readNode, seq, smallInteger, TAG, tlv, unsignedInteger } from './der.ts';
import { OID } from './x509.ts';

/** The TSA policy the simulator (and this deployment's TSA) answers under. */
export const TSA_POLICY = '1.3.6.1.4.1.58270.1.3161';

/** A TimeStampReq (DER) for a SHA-256 digest, asking for the TSA's certificate in the token. */
export function timestampRequest(digest: Uint8Array): { der: Buffer; nonce: Buffer } {
  if (digest.length !== 32) throw new TypeError('a SHA-256 digest is 32 bytes');
  const nonce = randomBytes(8);
  nonce[0] = (nonce[0] & 0x7f) | 0x01; // positive, and eight bytes in DER (no leading zero to drop)
  const der = seq(smallInteger(1), seq(seq(oid(OID.sha256)), octets(digest)), unsignedInteger(nonce), tlv(TAG.boolean, Buffer.from([0xff])));
  return { der, nonce };
}

type ParsedRequest = { imprint: Buffer; sha256: boolean; digestLength: number; nonce?: Buffer; certReq: boolean };

/** TimeStampReq ::= SEQUENCE { version, messageImprint, reqPolicy OID OPTIONAL, nonce INTEGER OPTIONAL, certReq BOOLEAN DEFAULT FALSE, extensions [0] OPTIONAL }. */
function parseRequest(der: Uint8Array): ParsedRequest {
  const top = readNode(der);
  if (top.end !== der.length) throw new TypeError('trailing bytes');
  const [version, mi, ...rest] = childrenOf(der, expect(der, top, TAG.sequence, 'TimeStampReq'));
  expect(der, version, TAG.integer, 'version');
  const [alg, hashed] = childrenOf(der, expect(der, mi, TAG.sequence, 'messageImprint'));
  const algOid = childrenOf(der, expect(der, alg, TAG.sequence, 'hashAlgorithm'))[0];
  const req: ParsedRequest = {
    imprint: bytesOf(der, mi),
    sha256: bytesOf(der, expect(der, algOid, TAG.oid, 'OID')).equals(oid(OID.sha256)),
    digestLength: expect(der, hashed, TAG.octetString, 'hashedMessage').end - hashed.contentStart,
    certReq: false,
  };
  for (const n of rest) {
    if (n.tag === TAG.integer) req.nonce = bytesOf(der, n);
    else if (n.tag === TAG.boolean) req.certReq = der[n.contentStart] !== 0;
  }
  return req;
}

/** What a TSA answers to a TimeStampReq (DER): a TimeStampResp (DER) granting a token, or rejecting the request. */
export function answerTimestampRequest(reqDer: Uint8Array, tsa: SignerIdentity, genTime: Date, serial: Buffer): Buffer {
  let req: ParsedRequest;
  try {
    req = parseRequest(reqDer);
  } catch {
    return rejection(5); // badDataFormat
  }
  if (!req.sha256 || req.digestLength !== 32) return rejection(0); // badAlg
  // TSTInfo ::= SEQUENCE { version, policy, messageImprint, serialNumber, genTime, accuracy, nonce }
  const tst = seq(
    smallInteger(1), oid(TSA_POLICY), req.imprint, unsignedInteger(serial), generalizedTime(genTime), seq(smallInteger(1)),
    ...(req.nonce ? [req.nonce] : []),
  );
  const token = signCmsDer({ signer: tsa, eContentType: CMS_OID.tstInfo, content: tst, attach: true, omitCertificates: !req.certReq }).encode();
  return seq(seq(smallInteger(pkijs.PKIStatus.granted)), token);
}

function rejection(failBit: number): Buffer {
  const status = new pkijs.PKIStatusInfo({
    status: pkijs.PKIStatus.rejection,
    failInfo: new asn1js.BitString({ valueHex: new Uint8Array([0x80 >> failBit]).buffer, unusedBits: 7 - failBit }),
  });
  return Buffer.from(new asn1js.Sequence({ value: [status.toSchema()] }).toBER(false));
}

/**
 * The token (a CMS ContentInfo, DER) from a granted TimeStampResp; throws when the TSA refused, or
 * when the token answers another request (nonce, or the digest when given). DER is read directly;
 * an answer in another encoding (BER) is read with pkijs.
 */
export function tokenFromResponse(respDer: Uint8Array, nonce?: Buffer, digest?: Uint8Array): Buffer {
  let read: { status: number; token?: Buffer; tst?: { imprint: Buffer; nonce?: Buffer } };
  try {
    read = readResponseDer(respDer);
  } catch {
    read = readResponseBer(respDer);
  }
  if (read.status !== pkijs.PKIStatus.granted && read.status !== pkijs.PKIStatus.grantedWithMods) {
    throw new Error(`the TSA refused the time-stamp request (status ${read.status})`);
  }
  if (!read.token || !read.tst) throw new Error('the TSA granted no token');
  if (nonce && !(read.tst.nonce && read.tst.nonce.equals(unsignedInteger(nonce)))) throw new Error('the TSA answered another request (nonce differs)');
  if (digest && !read.tst.imprint.equals(seq(seq(oid(OID.sha256)), octets(digest)))) throw new Error('the TSA time-stamped another digest');
  return read.token;
}

/** TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken ContentInfo OPTIONAL }, in DER. */
function readResponseDer(der: Uint8Array) {
  const top = readNode(der);
  if (top.end !== der.length) throw new TypeError('trailing bytes');
  const [statusInfo, tokenNode] = childrenOf(der, expect(der, top, TAG.sequence, 'TimeStampResp'));
  const statusInt = expect(der, childrenOf(der, expect(der, statusInfo, TAG.sequence, 'PKIStatusInfo'))[0], TAG.integer, 'status');
  if (statusInt.end - statusInt.contentStart !== 1) throw new TypeError('status');
  const status = der[statusInt.contentStart];
  if (!tokenNode) return { status };
  // ContentInfo { contentType, [0] SignedData { version, digestAlgorithms, encapContentInfo { eContentType, [0] OCTET STRING TSTInfo } ... } }
  const [type, wrapped] = childrenOf(der, expect(der, tokenNode, TAG.sequence, 'ContentInfo'));
  if (!bytesOf(der, expect(der, type, TAG.oid, 'contentType')).equals(oid(CMS_OID.signedData))) throw new TypeError('not SignedData');
  const sd = childrenOf(der, expect(der, childrenOf(der, expect(der, wrapped, context(0), '[0]'))[0], TAG.sequence, 'SignedData'));
  const [eType, eContent] = childrenOf(der, expect(der, sd[2], TAG.sequence, 'encapContentInfo'));
  if (!bytesOf(der, expect(der, eType, TAG.oid, 'eContentType')).equals(oid(CMS_OID.tstInfo))) throw new TypeError('not a TSTInfo');
  const octetsNode = expect(der, childrenOf(der, expect(der, eContent, context(0), '[0]'))[0], TAG.octetString, 'eContent');
  const tstNode = readNode(der, octetsNode.contentStart, octetsNode.end);
  // TSTInfo { version, policy, messageImprint, serialNumber, genTime, accuracy OPTIONAL, ordering OPTIONAL, nonce OPTIONAL, ... }
  const fields = childrenOf(der, expect(der, tstNode, TAG.sequence, 'TSTInfo'));
  const imprint = bytesOf(der, expect(der, fields[2], TAG.sequence, 'messageImprint'));
  const nonceNode = fields.slice(5).find((f) => f.tag === TAG.integer);
  return { status, token: Buffer.from(bytesOf(der, tokenNode)), tst: { imprint, ...(nonceNode ? { nonce: bytesOf(der, nonceNode) } : {}) } };
}

function readResponseBer(respDer: Uint8Array) {
  const resp = pkijs.TimeStampResp.fromBER(new Uint8Array(respDer));
  const status = resp.status.status;
  if (!resp.timeStampToken) return { status };
  const token = Buffer.from(resp.timeStampToken.toSchema().toBER(false));
  const tst = readTstInfo(token);
  return {
    status, token,
    tst: { imprint: Buffer.from(tst.messageImprint.toSchema().toBER(false)), ...(tst.nonce ? { nonce: Buffer.from(tst.nonce.toBER(false)) } : {}) },
  };
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
