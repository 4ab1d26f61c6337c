// Public checks of a certificate: by serial (the stored facts and their signature), or a PDF
// someone holds (the PDF's own signature against our published keys). No personal data comes back.
//
// Who learns what, by serial:
//   - anyone: whether the serial exists (access 'none'); a serial can be guessed, so nothing more;
//   - with the certificate's verification code (QR code / printed on it): validity, carrier, masked
//     number, date (access 'code'); a wrong code is answered exactly as no code;
//   - the owner (a subscriber of the same ID, identity confirmed) or staff: every fact, money included.
// Certificates issued before codes existed have no code: only the owner or staff see their facts.
// Whoever holds the file is entitled to its own facts: verifyCertificatePdf returns them all.
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { AppContext } from '../context.ts';
import type { Principal } from '../identity/sessions.ts';
import { sameIdCustomerIds } from '../lines/list-my-lines.ts';
import { AppError } from '../shared/errors.ts';
import { verifyCertificateFile, verifyPayload, type CertificateFileFailure, type CertificateTrust, type PayloadVerification, type SignedPayload } from './signing.ts';
import { revokedSerials, rootCertificates } from '../pki/pki-store.ts';
import type { CertificateFacts } from './facts.ts';
import { canonicalJson } from '../shared/canonical-json.ts';
import { parseSerial } from './serial.ts';
import { signerSerialOf, type CachedCertificate } from './verify-cache.ts';
import { verifyCodeMatches } from './verify-code.ts';

export type CertificateAccess = 'none' | 'code' | 'owner' | 'staff';

export type PdfCheckFailure = 'not_pdf' | CertificateFileFailure | 'no_facts' | 'unknown_serial' | 'not_completed';

/** What this platform trusts: its root CA(s), the revoked certificates, the carriers' Ed25519 keys. */
export async function certificateTrust(ctx: AppContext): Promise<CertificateTrust> {
  return { roots: await rootCertificates(ctx.db), revoked: await revokedSerials(ctx.db), publicKeys: await keyMap(ctx) };
}

async function keyMap(ctx: AppContext): Promise<Record<string, string>> {
  const rows = await ctx.db.selectFrom('signing_keys').select(['key_id', 'public_key_pem']).execute();
  return Object.fromEntries(rows.map((r) => [r.key_id, r.public_key_pem]));
}

/**
 * Ed25519 checks of stored facts, remembered by what they depend on (the canonical facts, the key
 * id, the signature and the public key, hashed): the same certificate checked again costs a hash,
 * not a signature verification.
 */
const checked = new LRUCache<string, PayloadVerification<CertificateFacts>>({ max: 10_000 });

function verifyPayloadOnce(signed: SignedPayload<CertificateFacts>, publicKeyPem: string | null): PayloadVerification<CertificateFacts> {
  const id = createHash('sha256').update(canonicalJson(signed.payload)).update('\0').update(signed.keyId).update('\0').update(signed.signature).update('\0').update(publicKeyPem ?? '').digest('base64');
  let check = checked.get(id);
  if (!check) {
    const { payload: _payload, ...result } = verifyPayload(signed, publicKeyPem ? { [signed.keyId]: publicKeyPem } : {});
    check = result;
    checked.set(id, check);
  }
  return check;
}

const UNKNOWN = 'No certificate has that serial (check the letters and digits).';

/** The certificate's row, its key and its PDF's signer: what the check by serial depends on besides the trust. */
async function loadCertificate(ctx: AppContext, serial: string): Promise<CachedCertificate | undefined> {
  // The key comes with the row (one statement): only that key can verify these facts.
  const row = await ctx.db.selectFrom('certificates as c').innerJoin('cancellation_requests as r', 'r.id', 'c.request_id')
    .leftJoin('signing_keys as k', 'k.key_id', 'c.key_id')
    .select(['c.serial', 'c.facts', 'c.payload_signature', 'c.key_id', 'c.verify_code_hash', 'c.pdf', 'r.status', 'r.customer_id', 'k.public_key_pem'])
    .where('c.serial', '=', serial).executeTakeFirst();
  if (!row) return undefined;
  return {
    serial: row.serial, facts: row.facts as Record<string, unknown>, payloadSignature: row.payload_signature, keyId: row.key_id, verifyCodeHash: row.verify_code_hash,
    status: row.status, customerId: row.customer_id, publicKeyPem: row.public_key_pem, signerSerial: signerSerialOf(row.pdf),
  };
}

/**
 * The check by serial. The public path (no principal, or one who is neither the owner nor staff) runs
 * from ctx.verifyCache when the certificate was seen before: no query. A revocation of the X.509
 * certificate that signed the PDF makes it invalid (`certificate_revoked`), as it does for the file.
 */
export async function verifyCertificateBySerial(ctx: AppContext, serial: string, opts: { code?: string; principal?: Principal | null } = {}) {
  // A serial kept in the cache is canonical (it is kept under its parsed form): read as it is, without parsing it again.
  const hit = ctx.verifyCache?.cached(serial);
  const s = hit ? serial : parseSerial(serial)?.serial;
  if (!s) throw new AppError('not_found', UNKNOWN);
  const row = hit ?? (ctx.verifyCache ? await ctx.verifyCache.certificate(s, () => loadCertificate(ctx, s)) : await loadCertificate(ctx, s));
  // The code is compared even for an unknown serial, so both answers take the same path.
  const codeOk = verifyCodeMatches(opts.code, row?.verifyCodeHash ?? null);
  if (!row) throw new AppError('not_found', UNKNOWN);

  const decided = accessFor(ctx, opts.principal ?? null, row.customerId, codeOk);
  const access = typeof decided === 'string' ? decided : await decided; // no await for a public check
  if (access === 'none') return { serial: s, exists: true as const, access };

  const facts = row.facts as unknown as CertificateFacts;
  const check = row.check ??= verifyPayloadOnce({ payload: facts, alg: 'ed25519', keyId: row.keyId, signature: row.payloadSignature }, row.publicKeyPem);
  const revoked = row.signerSerial !== null
    && (ctx.verifyCache ? ctx.verifyCache.revokedIfFresh() ?? await ctx.verifyCache.revoked(ctx.db) : await revokedSerials(ctx.db)).has(row.signerSerial);
  const reason = !check.valid ? (check.reason ?? 'bad_signature') : row.status !== 'completed' ? 'not_completed' : revoked ? 'certificate_revoked' : undefined;
  const valid = reason === undefined;
  const masked = {
    serial: s,
    exists: true as const,
    access,
    valid,
    ...(reason ? { reason } : {}),
    carrier: facts.carrierCode,
    carrierName: { zh: facts.carrierNameZh, en: facts.carrierNameEn },
    maskedMsisdn: facts.maskedMsisdn,
    completedAt: facts.completedAt,
    keyId: row.keyId,
  };
  if (access === 'code') return masked;
  return {
    ...masked,
    maskedIccid: facts.maskedIccid,
    formFactor: facts.formFactor,
    channel: facts.channel,
    refundFen: facts.refundFen,
    refundRoute: facts.refundRoute,
    refundRouteLabel: { zh: facts.refundRouteLabelZh, en: facts.refundRouteLabelEn },
    /** Ed25519 over the canonical JSON of the facts (signing.ts, signPayload): checkable with every fact at hand. */
    signature: row.payloadSignature,
  };
}

/** Staff see everything, the owner (real-name verified, same ID document) too, the code's holder the public facts; only the owner needs a lookup. */
function accessFor(ctx: AppContext, p: Principal | null, ownerCustomerId: string, codeOk: boolean): CertificateAccess | Promise<CertificateAccess> {
  if (p?.kind === 'staff') return 'staff';
  const byCode = codeOk ? 'code' : 'none';
  if (p?.kind !== 'subscriber' || !p.realNameVerified) return byCode;
  return sameIdCustomerIds(ctx.db, p.customerId).then((ids) => (ids.includes(ownerCustomerId) ? 'owner' : byCode));
}

/**
 * Checks a PDF someone holds: the PAdES signature over the whole file (chain to our root, time-stamp,
 * revocation) and the Ed25519 signature over its facts, then that we issued that serial and it stands.
 */
export async function verifyCertificatePdf(ctx: AppContext, pdf: Buffer) {
  if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-') return { valid: false, reason: 'not_pdf' as PdfCheckFailure };
  const r = verifyCertificateFile(pdf, await certificateTrust(ctx));
  if (!r.valid) return { valid: false, reason: (r.reason ?? 'bad_signature') as PdfCheckFailure, format: r.format, ...(r.keyId ? { keyId: r.keyId } : {}) };
  if (!r.facts) return { valid: false, reason: 'no_facts' as PdfCheckFailure, keyId: r.keyId };
  const f = r.facts;
  const stored = await ctx.db.selectFrom('certificates as c').innerJoin('cancellation_requests as q', 'q.id', 'c.request_id')
    .select(['c.serial', 'q.status']).where('c.serial', '=', f.serial).executeTakeFirst();
  const reason: PdfCheckFailure | undefined = !stored ? 'unknown_serial' : stored.status !== 'completed' ? 'not_completed' : undefined;
  return {
    valid: reason === undefined,
    ...(reason ? { reason } : {}),
    access: 'file' as const,
    serial: f.serial,
    carrier: f.carrierCode,
    carrierName: { zh: f.carrierNameZh, en: f.carrierNameEn },
    maskedMsisdn: f.maskedMsisdn,
    maskedIccid: f.maskedIccid,
    formFactor: f.formFactor,
    channel: f.channel,
    completedAt: f.completedAt,
    refundFen: f.refundFen,
    refundRoute: f.refundRoute,
    refundRouteLabel: { zh: f.refundRouteLabelZh, en: f.refundRouteLabelEn },
    keyId: r.keyId,
    format: r.format,
    ...(r.signer ? { signer: r.signer } : {}),
    ...(r.timestamp ? { timestamp: r.timestamp } : {}),
  };
}
