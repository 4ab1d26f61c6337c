// Ed25519 signatures for certificate PDFs and for the online verify API. Pure apart from the
// key generation's randomness: no files, no network, no logging.
//
// PDF signature format: the signature covers every byte of the PDF as rendered, and is appended
// after the final %%EOF as one comment line, which PDF readers ignore:
//
//   <pdf bytes ... %%EOF\n>\n%ZHUXIAO-SIGNATURE ed25519 <keyId> <base64 signature>\n
//
// The file must end exactly there: bytes appended after the signature line (an incremental
// update, a second signature) make it invalid, as does any change before it.
//
// keyId = the first 16 hex digits of SHA-256 over the raw 32-byte Ed25519 public key.

import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { readFactsFromPdf as extractFactsUnverified } from './facts.ts';
import { canonicalJson } from '../shared/canonical-json.ts';
import type { CertificateFacts } from './facts.ts';
import { readInfoString } from './pdf-info.ts';
import type { SignerIdentity } from '../pki/cms.ts';
import { readPdfSignature, signPdfWithPlaceholder, type Timestamper } from '../pki/pdf-signature.ts';
import { verifyPades, type PadesFailure, type PadesTrust, type SignerInfoSummary } from '../pki/verify-pades.ts';

export type SigningKey = { privateKeyPem: string; publicKeyPem: string; keyId: string };

export type VerifyFailure = 'no_signature' | 'unknown_key' | 'bad_signature';

export type PdfVerification = {
  valid: boolean;
  reason?: VerifyFailure;
  /** The key id named by the signature line, when there is one. */
  keyId?: string;
  /** The certificate facts, only when the signature is valid and the PDF carries them. */
  facts?: CertificateFacts;
};

/** Trusted public keys: PEM strings, or a record keyed by their key ids (checked). */
export type PublicKeys = string[] | Record<string, string>;

const MARKER = '%ZHUXIAO-SIGNATURE';
const TRAILER_START = Buffer.from(`\n${MARKER} `, 'latin1');
const TRAILER_LINE = /^%ZHUXIAO-SIGNATURE ed25519 ([0-9a-f]{16}) ([A-Za-z0-9+/]{86}==)\n$/;

export function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

/** First 16 hex digits of SHA-256 over the raw 32-byte Ed25519 public key. */
export function keyIdOf(publicKey: string | KeyObject): string {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError('not an Ed25519 key');
  const jwk = key.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new TypeError('not an Ed25519 public key');
  return createHash('sha256').update(Buffer.from(jwk.x, 'base64url')).digest('hex').slice(0, 16);
}

type ParsedKey = { key: KeyObject; keyId: string };
/** Parsed private keys by their PEM's SHA-256 (a rotated key is another entry; the least used go past 64). */
const parsedKeys = new LRUCache<string, ParsedKey>({ max: 64 });

function privateKeyFor(privateKeyPem: string, keyId: string): KeyObject {
  const id = createHash('sha256').update(privateKeyPem).digest('base64');
  let parsed = parsedKeys.get(id);
  if (!parsed) {
    const key = createPrivateKey(privateKeyPem);
    if (key.asymmetricKeyType !== 'ed25519') throw new TypeError('signing key must be an Ed25519 private key');
    parsed = { key, keyId: keyIdOf(createPublicKey(key)) };
    parsedKeys.set(id, parsed);
  }
  if (parsed.keyId !== keyId) throw new TypeError(`keyId ${keyId} does not belong to this private key (its id is ${parsed.keyId})`);
  return parsed.key;
}

/** Signs the complete PDF and returns it with the signature line appended. */
export function signPdf(pdf: Buffer, privateKeyPem: string, keyId: string): Buffer {
  const key = privateKeyFor(privateKeyPem, keyId);
  if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-') throw new TypeError('not a PDF: missing %PDF- header');
  if (pdf.lastIndexOf(TRAILER_START) >= 0) throw new TypeError('PDF is already signed');
  if (!/%%EOF[\r\n]*$/.test(pdf.subarray(-1024).toString('latin1'))) throw new TypeError('not a complete PDF: it must end with %%EOF');
  const facts = extractFactsUnverified(pdf);
  if (facts && facts.keyId !== keyId) {
    throw new TypeError(`the certificate names key ${facts.keyId} but would be signed with ${keyId}`);
  }
  const signature = sign(null, pdf, key).toString('base64');
  return Buffer.concat([pdf, Buffer.from(`\n${MARKER} ed25519 ${keyId} ${signature}\n`, 'latin1')]);
}

/**
 * Checks the signature line at the end of the PDF against the trusted keys and, when valid,
 * returns the facts the certificate states. A certificate whose facts name a different key
 * than the one that signed it is reported as bad_signature.
 */
export function verifyPdf(pdf: Buffer, publicKeys: PublicKeys): PdfVerification {
  const keys = trustedKeys(publicKeys);
  const at = pdf.lastIndexOf(TRAILER_START);
  if (at < 0) return { valid: false, reason: 'no_signature' };
  const line = TRAILER_LINE.exec(pdf.subarray(at + 1).toString('latin1'));
  if (!line) {
    // A damaged signature line, or bytes appended after it.
    const named = /^%ZHUXIAO-SIGNATURE ed25519 ([0-9a-f]{16}) /.exec(pdf.subarray(at + 1, at + 64).toString('latin1'));
    return named ? { valid: false, reason: 'bad_signature', keyId: named[1] } : { valid: false, reason: 'bad_signature' };
  }
  const keyId = line[1];
  const key = keys.get(keyId);
  if (!key) return { valid: false, reason: 'unknown_key', keyId };
  const signed = pdf.subarray(0, at);
  if (!verify(null, signed, key, Buffer.from(line[2], 'base64'))) return { valid: false, reason: 'bad_signature', keyId };
  const facts = extractFactsUnverified(signed);
  if (facts && facts.keyId !== keyId) return { valid: false, reason: 'bad_signature', keyId };
  return facts ? { valid: true, keyId, facts } : { valid: true, keyId };
}

/**
 * The facts stored in the certificate's metadata (Info dictionary, Keywords), signed or not.
 * Not proof of anything: use verifyPdf() to know they were issued by a trusted key.
 */
export function extractFacts(pdf: Buffer): CertificateFacts | undefined {
  const at = pdf.lastIndexOf(TRAILER_START);
  return extractFactsUnverified(at < 0 ? pdf : pdf.subarray(0, at));
}

// ---------------------------------------------------------------------------------------------
// Payload signatures for the online verify API: Ed25519 over the canonical JSON (keys sorted)
// of the payload, prefixed with a context string so a payload signature can never be mistaken
// for a signature over some other kind of message:
//   signed bytes = UTF-8("ZHUXIAO-PAYLOAD-V1\n" + canonicalJson(payload))

const PAYLOAD_CONTEXT = 'ZHUXIAO-PAYLOAD-V1\n';

export type SignedPayload<T> = { payload: T; alg: 'ed25519'; keyId: string; signature: string };

export type PayloadVerification<T> = { valid: boolean; reason?: VerifyFailure; keyId?: string; payload?: T };

function payloadBytes(payload: unknown): Buffer {
  return Buffer.from(PAYLOAD_CONTEXT + canonicalJson(payload), 'utf8');
}

export function signPayload<T>(payload: T, privateKeyPem: string, keyId: string): SignedPayload<T> {
  const key = privateKeyFor(privateKeyPem, keyId);
  return { payload, alg: 'ed25519', keyId, signature: sign(null, payloadBytes(payload), key).toString('base64') };
}

export function verifyPayload<T>(signed: SignedPayload<T>, publicKeys: PublicKeys): PayloadVerification<T> {
  const keys = trustedKeys(publicKeys);
  if (
    typeof signed !== 'object' ||
    signed === null ||
    signed.alg !== 'ed25519' ||
    typeof signed.keyId !== 'string' ||
    typeof signed.signature !== 'string' ||
    signed.signature === ''
  ) {
    return { valid: false, reason: 'no_signature' };
  }
  const key = keys.get(signed.keyId);
  if (!key) return { valid: false, reason: 'unknown_key', keyId: signed.keyId };
  let bytes: Buffer;
  try {
    bytes = payloadBytes(signed.payload);
  } catch {
    return { valid: false, reason: 'bad_signature', keyId: signed.keyId };
  }
  const signature = Buffer.from(signed.signature, 'base64');
  if (signature.length !== 64 || !verify(null, bytes, key, signature)) {
    return { valid: false, reason: 'bad_signature', keyId: signed.keyId };
  }
  return { valid: true, keyId: signed.keyId, payload: signed.payload };
}

/** Parsed public keys by their PEM (the published keys; the least used go past 256). */
const parsedPublicKeys = new LRUCache<string, ParsedKey>({ max: 256 });

function publicKeyFor(pem: string): ParsedKey {
  let parsed = parsedPublicKeys.get(pem);
  if (!parsed) {
    const key = createPublicKey(pem);
    parsed = { key, keyId: keyIdOf(key) };
    parsedPublicKeys.set(pem, parsed);
  }
  return parsed;
}

function trustedKeys(publicKeys: PublicKeys): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  const entries: [string | undefined, string][] = Array.isArray(publicKeys)
    ? publicKeys.map((pem) => [undefined, pem])
    : Object.entries(publicKeys);
  for (const [claimedId, pem] of entries) {
    const { key, keyId } = publicKeyFor(pem);
    if (claimedId !== undefined && claimedId !== keyId) {
      throw new TypeError(`public key listed as ${claimedId} has key id ${keyId}`);
    }
    keys.set(keyId, key);
  }
  return keys;
}

// ---------------------------------------------------------------------------------------------
// PAdES certificates (issue 13). The PDF carries a PAdES B-T signature (src/pki): ECDSA P-256 by the
// carrier's certificate from the deployment's root CA, time-stamped by the TSA, which any PDF reader
// checks. The Ed25519 signature over the facts moved from after %%EOF into the Info dictionary
// (`ZhuxiaoFactsSignature: ed25519 <keyId> <base64>`), inside the bytes the PAdES signature covers.
// Files in the old format (Ed25519 line after %%EOF) still verify with verifyPdf above.

export type CertificateTrust = PadesTrust & { publicKeys: PublicKeys };

export type CertificateFileFailure = VerifyFailure | PadesFailure | 'bad_facts_signature';

export type CertificateFileVerification = {
  valid: boolean;
  reason?: CertificateFileFailure;
  format: 'pades' | 'legacy-ed25519' | 'none';
  keyId?: string;
  facts?: CertificateFacts;
  signer?: SignerInfoSummary;
  timestamp?: { time: string; tsa: string };
};

export function formatFactsSignature(keyId: string, signature: string): string {
  return `ed25519 ${keyId} ${signature}`;
}

/** Fills the PDF's PAdES placeholder: signature by the carrier's certificate, time-stamp by the TSA. */
export function signCertificatePdf(pdf: Buffer, signer: SignerIdentity, tsa: Timestamper): Promise<Buffer> {
  return signPdfWithPlaceholder(pdf, signer, tsa);
}

/** Checks a certificate PDF: the PAdES signature, chain, time-stamp and revocation, then the Ed25519 signature over its facts. */
export function verifyCertificateFile(pdf: Buffer, trust: CertificateTrust): CertificateFileVerification {
  if (pdf.lastIndexOf(TRAILER_START) >= 0 && !readPdfSignature(pdf)) {
    const legacy = verifyPdf(pdf, trust.publicKeys);
    return { ...legacy, format: 'legacy-ed25519' };
  }
  const pades = verifyPades(pdf, trust);
  if (!pades.valid) return { valid: false, reason: pades.reason, format: pades.reason === 'no_signature' ? 'none' : 'pades', ...(pades.signer ? { signer: pades.signer } : {}) };
  const facts = extractFactsUnverified(pdf);
  const base = { format: 'pades' as const, signer: pades.signer, timestamp: pades.timestamp };
  if (!facts) return { valid: true, ...base };
  const sig = /^ed25519 ([0-9a-f]{16}) ([A-Za-z0-9+/]{86}==)$/.exec(readInfoString(pdf, 'ZhuxiaoFactsSignature') ?? '');
  if (!sig || sig[1] !== facts.keyId) return { valid: false, reason: 'bad_facts_signature', keyId: facts.keyId, ...base };
  const check = verifyPayload({ payload: facts, alg: 'ed25519', keyId: sig[1], signature: sig[2] }, trust.publicKeys);
  if (!check.valid) return { valid: false, reason: check.reason === 'unknown_key' ? 'unknown_key' : 'bad_facts_signature', keyId: facts.keyId, ...base };
  return { valid: true, keyId: facts.keyId, facts, ...base };
}
