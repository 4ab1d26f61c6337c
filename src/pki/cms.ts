// CMS SignedData (RFC 5652) as PAdES/CAdES and RFC 3161 use it: one signer, SHA-256, ECDSA P-256,
// signed attributes contentType, messageDigest and the ESS signingCertificateV2 (RFC 5035) that
// binds the signer's certificate; unsigned attributes (the signature time-stamp) added after.
// Signing (signCmsDer) writes the DER itself (der.ts), the signer's certificate and key parsed once
// per identity; parsing and checking use pkijs/asn1js (signCms builds with them too, for tests that
// take a SignedData apart). Signing and verifying use node:crypto. Pure.
import { createHash, createPrivateKey, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { LRUCache } from 'lru-cache';
import { bytesOf, childrenOf, context, expect, octets, oid, readNode, seq, smallInteger, TAG, tlv } from './der.ts';
import { derToPem, OID, parseCertificate, pemToDer } from './x509.ts';

export const CMS_OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
} as const;

export type SignerIdentity = { certPem: string; privateKeyPem: string; /** Further certificates to include (not the root). */ chainPems?: string[] };

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest();
const ab = (b: Uint8Array) => new Uint8Array(b).buffer;

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** ESS signingCertificateV2: SEQUENCE { SEQUENCE OF ESSCertIDv2 { certHash (SHA-256 default), issuerSerial } }. */
function signingCertificateV2(cert: pkijs.Certificate, certDer: Buffer): asn1js.Sequence {
  const issuerSerial = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({ value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [cert.issuer.toSchema()] })] }),
      new asn1js.Integer({ valueHex: ab(cert.serialNumber.valueBlock.valueHexView) }),
    ],
  });
  const essCertIdV2 = new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: ab(sha256(certDer)) }), issuerSerial] });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
}

export type CmsSignInput = {
  signer: SignerIdentity;
  eContentType: string;
  /** The signed content: its SHA-256 goes in messageDigest. */
  content: Uint8Array;
  /** Put the content inside the SignedData (a time-stamp token) or leave it detached (a PDF). */
  attach: boolean;
  /** Leave the certificates out (a time-stamp request with certReq false); signCmsDer only. */
  omitCertificates?: boolean;
};

/** Builds and signs a SignedData; add unsigned attributes with addUnsignedAttribute, then encodeCms. */
export function signCms(input: CmsSignInput): pkijs.SignedData {
  const certDer = pemToDer(input.signer.certPem);
  const cert = parseCertificate(certDer);
  const attributes = [
    new pkijs.Attribute({ type: CMS_OID.contentType, values: [new asn1js.ObjectIdentifier({ value: input.eContentType })] }),
    new pkijs.Attribute({ type: CMS_OID.messageDigest, values: [new asn1js.OctetString({ valueHex: ab(sha256(input.content)) })] }),
    new pkijs.Attribute({ type: CMS_OID.signingCertificateV2, values: [signingCertificateV2(cert, certDer)] }),
  ].sort((a, b) => compareBytes(new Uint8Array(a.toSchema().toBER(false)), new Uint8Array(b.toSchema().toBER(false)))); // DER: SET OF in order
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes });
  const toSign = new Uint8Array(signedAttrs.toSchema().toBER(false));
  toSign[0] = 0x31; // signed over as a SET, not as the [0] IMPLICIT field
  const signature = sign('sha256', toSign, createPrivateKey(input.signer.privateKeyPem));

  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
    digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 }),
    signedAttrs,
    signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.ecdsaWithSha256 }),
    signature: new asn1js.OctetString({ valueHex: ab(signature) }),
  });
  return new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 })],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: input.eContentType,
      ...(input.attach ? { eContent: new asn1js.OctetString({ valueHex: ab(input.content) }) } : {}),
    }),
    certificates: [cert, ...(input.signer.chainPems ?? []).map((p) => parseCertificate(pemToDer(p)))],
    signerInfos: [signerInfo],
  });
}

/** What signing needs of an identity, parsed once: the key, and the DER of the parts that name the certificate. */
type PreparedSigner = {
  key: KeyObject;
  /** IssuerAndSerialNumber of the signer's certificate. */
  sid: Buffer;
  /** The signingCertificateV2 attribute (RFC 5035), whole. */
  signingCertificateAttr: Buffer;
  /** The signer's certificate and the chain, DER, in that order. */
  certificates: Buffer[];
};

const prepared = new LRUCache<string, PreparedSigner>({ max: 64 });

/**
 * The identity's key and certificate, parsed on first use and kept by the identity's content (a
 * rotated or re-issued certificate is another entry; the least used go past 64).
 */
function preparedSigner(signer: SignerIdentity): PreparedSigner {
  const id = createHash('sha256').update(signer.certPem).update('\0').update(signer.privateKeyPem).update('\0').update((signer.chainPems ?? []).join('\0')).digest('base64');
  const hit = prepared.get(id);
  if (hit) return hit;
  const certDer = pemToDer(signer.certPem);
  // Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version, serialNumber, signature, issuer, ... }, ... }
  const tbs = childrenOf(certDer, expect(certDer, childrenOf(certDer, readNode(certDer))[0], TAG.sequence, 'tbsCertificate'));
  const at = tbs[0]?.tag === context(0) ? 1 : 0;
  const serial = bytesOf(certDer, expect(certDer, tbs[at], TAG.integer, 'serialNumber'));
  const issuer = bytesOf(certDer, expect(certDer, tbs[at + 2], TAG.sequence, 'issuer'));
  const essCertIdV2 = seq(octets(sha256(certDer)), seq(seq(tlv(context(4), issuer)), serial));
  const entry: PreparedSigner = {
    key: createPrivateKey(signer.privateKeyPem),
    sid: seq(issuer, serial),
    signingCertificateAttr: seq(oid(CMS_OID.signingCertificateV2), tlv(TAG.set, seq(seq(essCertIdV2)))),
    certificates: [certDer, ...(signer.chainPems ?? []).map(pemToDer)],
  };
  prepared.set(id, entry);
  return entry;
}

const attributeDer = (type: string, valueDer: Uint8Array) => seq(oid(type), tlv(TAG.set, valueDer));
const sortedDer = (items: Buffer[]) => [...items].sort((a, b) => Buffer.compare(a, b));

export type SignedCms = {
  /** The signature value (what a signature time-stamp covers). */
  signature: Buffer;
  /** The ContentInfo (DER) with these unsigned attributes (type, DER value) in the signer info. */
  encode(unsignedAttributes?: Array<{ type: string; valueDer: Uint8Array }>): Buffer;
};

/**
 * The same SignedData as signCms (one signer, the signed attributes contentType, messageDigest and
 * signingCertificateV2; the signer's certificate and chain included), written as DER directly.
 */
export function signCmsDer(input: CmsSignInput): SignedCms {
  const p = preparedSigner(input.signer);
  const signedAttrs = sortedDer([
    attributeDer(CMS_OID.contentType, oid(input.eContentType)),
    attributeDer(CMS_OID.messageDigest, octets(sha256(input.content))),
    p.signingCertificateAttr,
  ]);
  const signature = sign('sha256', tlv(TAG.set, ...signedAttrs), p.key); // signed over as a SET
  const sha256Alg = seq(oid(OID.sha256));
  return {
    signature,
    encode(unsigned = []) {
      const signerInfo = seq(
        smallInteger(1), p.sid, sha256Alg, tlv(context(0), ...signedAttrs), seq(oid(OID.ecdsaWithSha256)), octets(signature),
        ...(unsigned.length ? [tlv(context(1), ...sortedDer(unsigned.map((a) => attributeDer(a.type, a.valueDer))))] : []),
      );
      const signedData = seq(
        smallInteger(input.eContentType === CMS_OID.data ? 1 : 3), // RFC 5652 5.1
        tlv(TAG.set, sha256Alg),
        seq(oid(input.eContentType), ...(input.attach ? [tlv(context(0), octets(input.content))] : [])),
        ...(input.omitCertificates ? [] : [tlv(context(0), ...p.certificates)]),
        tlv(TAG.set, signerInfo),
      );
      return seq(oid(CMS_OID.signedData), tlv(context(0), signedData));
    },
  };
}

export function signatureValueOf(sd: pkijs.SignedData): Buffer {
  return Buffer.from(sd.signerInfos[0].signature.valueBlock.valueHexView);
}

export function addUnsignedAttribute(sd: pkijs.SignedData, type: string, valueDer: Uint8Array): void {
  const value = asn1js.fromBER(new Uint8Array(valueDer));
  if (value.offset === -1) throw new TypeError('unsigned attribute value is not DER');
  const si = sd.signerInfos[0];
  const attr = new pkijs.Attribute({ type, values: [value.result] });
  if (si.unsignedAttrs) si.unsignedAttrs.attributes.push(attr);
  else si.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 1, attributes: [attr] });
}

export function encodeCms(sd: pkijs.SignedData): Buffer {
  return Buffer.from(new pkijs.ContentInfo({ contentType: CMS_OID.signedData, content: sd.toSchema(true) }).toSchema().toBER(false));
}

export type ParsedCms = {
  signedData: pkijs.SignedData;
  signerInfo: pkijs.SignerInfo;
  /** Every certificate the CMS carries, PEM. */
  certificates: string[];
  /** The signer's certificate (matched by issuer and serial), PEM; undefined when the CMS lacks it. */
  signerCertPem?: string;
  eContentType: string;
  /** The attached content, when there is one. */
  eContent?: Buffer;
};

export function parseCms(der: Uint8Array): ParsedCms {
  const asn = asn1js.fromBER(new Uint8Array(der));
  if (asn.offset === -1) throw new TypeError('not DER');
  const ci = new pkijs.ContentInfo({ schema: asn.result });
  if (ci.contentType !== CMS_OID.signedData) throw new TypeError('not a CMS SignedData');
  const sd = new pkijs.SignedData({ schema: ci.content });
  if (sd.signerInfos.length !== 1) throw new TypeError('expected exactly one signer');
  const si = sd.signerInfos[0];
  const certs = (sd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  const sid = si.sid as pkijs.IssuerAndSerialNumber;
  const signer = sid instanceof pkijs.IssuerAndSerialNumber
    ? certs.find((c) => c.serialNumber.isEqual(sid.serialNumber) && c.issuer.isEqual(sid.issuer))
    : undefined;
  const toPem = (c: pkijs.Certificate) => derToPem(new Uint8Array(c.toSchema().toBER(false)));
  const eContent = sd.encapContentInfo.eContent;
  return {
    signedData: sd,
    signerInfo: si,
    certificates: certs.map(toPem),
    ...(signer ? { signerCertPem: toPem(signer) } : {}),
    eContentType: sd.encapContentInfo.eContentType,
    ...(eContent ? { eContent: Buffer.from(eContent.getValue()) } : {}),
  };
}

function attribute(si: pkijs.SignerInfo, type: string, unsigned = false): asn1js.AsnType | undefined {
  const set = unsigned ? si.unsignedAttrs : si.signedAttrs;
  return set?.attributes.find((a) => a.type === type)?.values[0];
}

export type CmsCheck = { ok: true; signerCertPem: string } | { ok: false; reason: 'no_signer_certificate' | 'digest_mismatch' | 'bad_signature' | 'bad_signing_certificate_attribute' | 'wrong_content_type' };

/** Checks the signer's signature over the signed attributes and that they bind `content` and the signer's certificate. */
export function checkCmsSignature(cms: ParsedCms, content: Uint8Array): CmsCheck {
  const si = cms.signerInfo;
  if (!cms.signerCertPem || !si.signedAttrs) return { ok: false, reason: 'no_signer_certificate' };
  const ct = attribute(si, CMS_OID.contentType);
  if (!(ct instanceof asn1js.ObjectIdentifier) || ct.valueBlock.toString() !== cms.eContentType) return { ok: false, reason: 'wrong_content_type' };
  const md = attribute(si, CMS_OID.messageDigest);
  if (!(md instanceof asn1js.OctetString) || !sha256(content).equals(Buffer.from(md.valueBlock.valueHexView))) return { ok: false, reason: 'digest_mismatch' };
  const data = new Uint8Array(si.signedAttrs.encodedValue);
  const cert = new X509Certificate(cms.signerCertPem);
  let good: boolean;
  try {
    good = verify('sha256', data, cert.publicKey, Buffer.from(si.signature.valueBlock.valueHexView));
  } catch {
    good = false;
  }
  if (!good) return { ok: false, reason: 'bad_signature' };
  if (!signingCertificateMatches(si, cms.signerCertPem)) return { ok: false, reason: 'bad_signing_certificate_attribute' };
  return { ok: true, signerCertPem: cms.signerCertPem };
}

function signingCertificateMatches(si: pkijs.SignerInfo, certPem: string): boolean {
  const v = attribute(si, CMS_OID.signingCertificateV2);
  if (!(v instanceof asn1js.Sequence)) return false;
  const certs = v.valueBlock.value[0];
  if (!(certs instanceof asn1js.Sequence)) return false;
  const first = certs.valueBlock.value[0];
  if (!(first instanceof asn1js.Sequence)) return false;
  const parts = first.valueBlock.value;
  let i = 0;
  if (parts[0] instanceof asn1js.Sequence) {
    // An explicit hash algorithm: only SHA-256 is accepted.
    const alg = new pkijs.AlgorithmIdentifier({ schema: parts[0] });
    if (alg.algorithmId !== OID.sha256) return false;
    i = 1;
  }
  const hash = parts[i];
  return hash instanceof asn1js.OctetString && Buffer.from(hash.valueBlock.valueHexView).equals(sha256(pemToDer(certPem)));
}

export function unsignedAttributeDer(cms: ParsedCms, type: string): Buffer | undefined {
  const v = attribute(cms.signerInfo, type, true);
  return v ? Buffer.from(v.toBER(false)) : undefined;
}
