// Checks a PAdES B-T signature the way a PDF reader does, plus the time-stamp: the ByteRange covers
// the whole file, the CMS signature and its signingCertificateV2, the signer's certificate chains to
// a trusted root and is neither revoked nor outside its validity at the time-stamp's time, and the
// RFC 3161 token covers the signature value and is signed by a TSA certificate from a trusted root.
// Pure.
import { X509Certificate } from 'node:crypto';
import { checkCmsSignature, CMS_OID, parseCms, signatureValueOf, unsignedAttributeDer } from './cms.ts';
import { readPdfSignature } from './pdf-signature.ts';
import { checkTimestampToken, sha256 } from './timestamp.ts';
import { certificateSha256, isIssuedBy } from './x509.ts';

export type PadesFailure =
  | 'no_signature'
  | 'not_whole_document'
  | 'malformed_signature'
  | 'digest_mismatch'
  | 'bad_signature'
  | 'no_timestamp'
  | 'bad_timestamp'
  | 'untrusted_certificate'
  | 'untrusted_timestamp'
  | 'certificate_expired'
  | 'certificate_revoked';

export type SignerInfoSummary = { subject: string; serial: string; sha256: string; notAfter: string };

export type PadesVerification =
  | { valid: true; signer: SignerInfoSummary; timestamp: { time: string; tsa: string } }
  | { valid: false; reason: PadesFailure; signer?: SignerInfoSummary };

export type PadesTrust = {
  /** Trusted root certificates (PEM). */
  roots: readonly string[];
  /** Revoked certificate serials (lower-case hex). */
  revoked?: ReadonlySet<string>;
};

function summary(pem: string): SignerInfoSummary {
  const x = new X509Certificate(pem);
  return { subject: x.subject.replace(/\n/g, ', '), serial: x.serialNumber.toLowerCase(), sha256: certificateSha256(pem), notAfter: new Date(x.validTo).toISOString() };
}

function validAt(pem: string, t: Date): boolean {
  const x = new X509Certificate(pem);
  return new Date(x.validFrom).getTime() <= t.getTime() && t.getTime() <= new Date(x.validTo).getTime();
}

export function verifyPades(pdf: Buffer, trust: PadesTrust): PadesVerification {
  const sig = readPdfSignature(pdf);
  if (!sig) return { valid: false, reason: 'no_signature' };
  if (sig.subFilter !== 'ETSI.CAdES.detached') return { valid: false, reason: 'malformed_signature' };
  let cms: ReturnType<typeof parseCms>;
  try {
    cms = parseCms(sig.cms);
  } catch {
    return { valid: false, reason: 'malformed_signature' };
  }
  if (cms.eContentType !== CMS_OID.data || cms.eContent) return { valid: false, reason: 'malformed_signature' };
  const signerPem = cms.signerCertPem;
  const signer = signerPem ? summary(signerPem) : undefined;
  const withSigner = (reason: PadesFailure): PadesVerification => (signer ? { valid: false, reason, signer } : { valid: false, reason });

  const check = checkCmsSignature(cms, sig.signedContent);
  if (!check.ok) return withSigner(check.reason === 'digest_mismatch' ? 'digest_mismatch' : check.reason === 'no_signer_certificate' ? 'malformed_signature' : 'bad_signature');
  if (!sig.coversWholeFile) return withSigner('not_whole_document');

  const token = unsignedAttributeDer(cms, CMS_OID.signatureTimeStampToken);
  if (!token) return withSigner('no_timestamp');
  const ts = checkTimestampToken(token, sha256(signatureValueOf(cms.signedData)));
  if (!ts.ok) return withSigner('bad_timestamp');

  const root = trust.roots.find((r) => isIssuedBy(check.signerCertPem, r));
  if (!root) return withSigner('untrusted_certificate');
  const tsaRoot = trust.roots.find((r) => isIssuedBy(ts.tsaCertPem, r));
  if (!tsaRoot || !validAt(ts.tsaCertPem, ts.genTime) || !validAt(tsaRoot, ts.genTime)) return withSigner('untrusted_timestamp');
  if (trust.revoked?.has(summary(ts.tsaCertPem).serial)) return withSigner('untrusted_timestamp');
  if (!validAt(check.signerCertPem, ts.genTime) || !validAt(root, ts.genTime)) return withSigner('certificate_expired');
  if (trust.revoked?.has(signer!.serial)) return withSigner('certificate_revoked');
  return { valid: true, signer: signer!, timestamp: { time: ts.genTime.toISOString(), tsa: new X509Certificate(ts.tsaCertPem).subject.replace(/\n/g, ', ') } };
}
