// X.509 certificates for the deployment's PKI: a root CA, one signing certificate per carrier, the
// TSA's certificate and the transparency log's. Built with pkijs/asn1js (structures only) and
// signed with node:crypto (ECDSA P-256, SHA-256). Pure apart from key generation's randomness.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

export type CertificateProfile = 'root' | 'carrier' | 'tsa' | 'log';

export type KeyPair = { privateKeyPem: string; publicKeyPem: string };

export type IssuedCertificate = KeyPair & { certPem: string; serialHex: string; notBefore: Date; notAfter: Date };

export type Issuer = { certPem: string; privateKeyPem: string };

export const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  country: '2.5.4.6',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  sha256: '2.16.840.1.101.3.4.2.1',
} as const;

export function generateP256(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export function pemToDer(pem: string): Buffer {
  const m = /-----BEGIN [A-Z ]+-----([\s\S]+?)-----END [A-Z ]+-----/.exec(pem);
  if (!m) throw new TypeError('not a PEM block');
  return Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
}

export function derToPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}-----END ${label}-----\n`;
}

/** Every CERTIFICATE block in a text (comment lines between them are fine). */
export function certificatesFromPem(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)?.map((b) => `${b}\n`) ?? [];
}

export function parseCertificate(der: Uint8Array): pkijs.Certificate {
  return pkijs.Certificate.fromBER(new Uint8Array(der));
}

function name(cn: string, org: string): pkijs.RelativeDistinguishedNames {
  return new pkijs.RelativeDistinguishedNames({
    typesAndValues: [
      new pkijs.AttributeTypeAndValue({ type: OID.country, value: new asn1js.PrintableString({ value: 'CN' }) }),
      new pkijs.AttributeTypeAndValue({ type: OID.organization, value: new asn1js.Utf8String({ value: org }) }),
      new pkijs.AttributeTypeAndValue({ type: OID.commonName, value: new asn1js.Utf8String({ value: cn }) }),
    ],
  });
}

function keyUsage(bits: number[]): asn1js.BitString {
  let byte = 0;
  for (const b of bits) byte |= 0x80 >> b;
  const last = Math.max(...bits);
  return new asn1js.BitString({ valueHex: new Uint8Array([byte]).buffer, unusedBits: 7 - last });
}

function ext(extnID: string, critical: boolean, value: asn1js.AsnType): pkijs.Extension {
  return new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) });
}

function spkiKeyId(spkiDer: Buffer): Buffer {
  const spki = pkijs.PublicKeyInfo.fromBER(new Uint8Array(spkiDer));
  return createHash('sha1').update(Buffer.from(spki.subjectPublicKey.valueBlock.valueHexView)).digest();
}

export type CertificateRequest = {
  profile: CertificateProfile;
  commonName: string;
  organization: string;
  notBefore: Date;
  notAfter: Date;
  /** The subject's key; generated when absent. */
  keys?: KeyPair;
  /** Absent for the self-signed root. */
  issuer?: Issuer;
};

/** Issues an X.509 v3 certificate for the profile (root CA, carrier signer, TSA, log). */
export function issueCertificate(req: CertificateRequest): IssuedCertificate {
  const keys = req.keys ?? generateP256();
  const spkiDer = createPublicKey(keys.publicKeyPem).export({ type: 'spki', format: 'der' });
  const issuerKeyPem = req.issuer?.privateKeyPem ?? keys.privateKeyPem;
  const issuerCert = req.issuer ? parseCertificate(pemToDer(req.issuer.certPem)) : undefined;
  const issuerSpki = req.issuer ? new X509Certificate(req.issuer.certPem).publicKey.export({ type: 'spki', format: 'der' }) : spkiDer;

  const serial = randomBytes(16);
  serial[0] &= 0x7f; // positive
  serial[0] |= 0x10; // no leading zero byte
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ valueHex: new Uint8Array(serial).buffer });
  const subject = name(req.commonName, req.organization);
  cert.subject = subject;
  cert.issuer = issuerCert ? issuerCert.subject : subject;
  cert.notBefore.value = req.notBefore;
  cert.notAfter.value = req.notAfter;
  cert.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(new Uint8Array(spkiDer));
  const algorithm = new pkijs.AlgorithmIdentifier({ algorithmId: OID.ecdsaWithSha256 });
  cert.signature = algorithm;
  cert.signatureAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: OID.ecdsaWithSha256 });

  const extensions: pkijs.Extension[] = [];
  if (req.profile === 'root') {
    extensions.push(ext(OID.basicConstraints, true, new pkijs.BasicConstraints({ cA: true, pathLenConstraint: 0 }).toSchema()));
    extensions.push(ext(OID.keyUsage, true, keyUsage([5, 6]))); // keyCertSign, cRLSign
  } else {
    extensions.push(ext(OID.basicConstraints, true, new pkijs.BasicConstraints({ cA: false }).toSchema()));
    extensions.push(ext(OID.keyUsage, true, keyUsage(req.profile === 'carrier' ? [0, 1] : [0]))); // digitalSignature (+ nonRepudiation)
    if (req.profile === 'tsa') extensions.push(ext(OID.extKeyUsage, true, new pkijs.ExtKeyUsage({ keyPurposes: [OID.timeStamping] }).toSchema()));
    extensions.push(ext(OID.authorityKeyIdentifier, false, new pkijs.AuthorityKeyIdentifier({
      keyIdentifier: new asn1js.OctetString({ valueHex: new Uint8Array(spkiKeyId(issuerSpki)).buffer }),
    }).toSchema()));
  }
  extensions.push(ext(OID.subjectKeyIdentifier, false, new asn1js.OctetString({ valueHex: new Uint8Array(spkiKeyId(spkiDer)).buffer })));
  cert.extensions = extensions;

  const tbs = Buffer.from(cert.encodeTBS().toBER(false));
  const signature = sign('sha256', tbs, createPrivateKey(issuerKeyPem));
  cert.tbsView = new Uint8Array(tbs);
  cert.signatureValue = new asn1js.BitString({ valueHex: new Uint8Array(signature).buffer });
  const der = Buffer.from(cert.toSchema(false).toBER(false));
  return { ...keys, certPem: derToPem(der), serialHex: serial.toString('hex'), notBefore: req.notBefore, notAfter: req.notAfter };
}

/** True when `certPem` is signed by `issuerPem`'s key and names it as issuer. */
export function isIssuedBy(certPem: string, issuerPem: string): boolean {
  try {
    const cert = new X509Certificate(certPem);
    const issuer = new X509Certificate(issuerPem);
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/** SHA-256 fingerprint of a certificate's DER, hex. */
export function certificateSha256(certPemOrDer: string | Uint8Array): string {
  const der = typeof certPemOrDer === 'string' ? pemToDer(certPemOrDer) : certPemOrDer;
  return createHash('sha256').update(der).digest('hex');
}
