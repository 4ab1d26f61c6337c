// The proof (注销证明): a serial, the masked facts (the holder's name masked too), a bilingual,
// tagged PDF with the carrier's seal and a QR code to the public verify page (carrying the
// certificate's verification code). The facts are signed with the carrier's Ed25519 key; the file
// carries a PAdES B-T signature by the carrier's certificate (time-stamped by the TSA); it is
// appended to the transparency log and stored so the owner can download it again.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { CarrierCode, DB } from '../db/schema.ts';
import { maskIccid, maskMsisdn } from '../lines/mask.ts';
import { routeLabel } from '../cancellation/messages.ts';
import { renderCertificatePdf } from './certificate-pdf.ts';
import type { CertificateFacts } from './facts.ts';
import { makeSerial } from './serial.ts';
import { formatFactsSignature, signCertificatePdf, signPayload } from './signing.ts';
import { missingCharacters } from './certificate-pdf.ts';
import { appendToLog } from './transparency-log.ts';
import { activeIdentity } from '../pki/pki-store.ts';
import { activeSigningKey } from './signing-keys.ts';
import { certificateVerifyUrl, generateVerifyCode, hashVerifyCode } from './verify-code.ts';

export type PreparedCertificate = {
  requestId: string;
  serial: string;
  carrier: CarrierCode;
  keyId: string;
  facts: CertificateFacts;
  payloadSignature: string;
  verifyCodeHash: string;
  /** Rendered, PAdES-signed and time-stamped. */
  pdf: Buffer;
};

/**
 * Everything a certificate needs before it is stored: the serial (drawn from certificate_seq, which
 * no rollback takes back), the facts and their signature, the PDF signed and time-stamped. Run it
 * outside the transaction that stores it (the TSA is an outside call: no connection or lock is held
 * while it answers), then pass it to issueCertificate; undefined when the request already has one.
 * A prepared certificate that is never stored leaves a gap in the serials and nothing else.
 */
export async function prepareCertificate(ctx: AppContext, db: Kysely<DB> | Transaction<DB>, requestId: string, completedAt: Date): Promise<PreparedCertificate | undefined> {
  const existing = await db.selectFrom('certificates').select('serial').where('request_id', '=', requestId).executeTakeFirst();
  if (existing) return undefined;
  const r = await db.selectFrom('cancellation_requests as r').innerJoin('lines as l', 'l.id', 'r.line_id').innerJoin('carriers as c', 'c.code', 'r.carrier')
    .select(['r.id', 'r.carrier', 'r.channel', 'r.refund_fen', 'r.refund_route', 'r.reference', 'r.customer_id', 'l.msisdn', 'l.iccid', 'l.form_factor', 'l.account_id', 'c.name_zh', 'c.name_en'])
    .where('r.id', '=', requestId).executeTakeFirstOrThrow();
  // The certificate states the refund the ledger records, never the promise alone (a refund step
  // skipped when ops resolved the request by hand paid nothing).
  const refunded = await db.selectFrom('ledger_entries').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_fen'), eb.lit(0)).as('total'))
    .where('request_id', '=', requestId).where('kind', '=', 'refund').where('account_id', '=', r.account_id).executeTakeFirstOrThrow();
  const refundFen = Math.max(0, -Number(refunded.total));
  const { rows } = await sql<{ n: number }>`SELECT nextval('certificate_seq')::int AS n`.execute(db);
  const serial = makeSerial(r.carrier, completedAt, rows[0].n);
  const key = await activeSigningKey(ctx, db, r.carrier as CarrierCode);
  const route = String((r.refund_route as { type?: string }).type ?? 'original');
  const facts: CertificateFacts = {
    serial,
    carrierCode: r.carrier,
    carrierNameZh: r.name_zh,
    carrierNameEn: r.name_en,
    maskedMsisdn: maskMsisdn(r.msisdn),
    maskedIccid: maskIccid(r.iccid),
    formFactor: r.form_factor,
    channel: r.channel,
    completedAt: completedAt.toISOString(),
    refundFen,
    refundRoute: route,
    refundRouteLabelZh: routeLabel('zh-CN', route),
    refundRouteLabelEn: routeLabel('en', route),
    requestId: r.id,
    ...(r.reference ? { reference: r.reference } : {}),
    ...(await holderName(ctx, db, r.customer_id)),
    keyId: key.keyId,
  };
  // The code is only in the PDF (QR code and printed); the table keeps its hash.
  const code = generateVerifyCode();
  const verifyUrl = certificateVerifyUrl(ctx.config.publicBaseUrl, serial, code);
  const signed = signPayload(facts, key.privateKeyPem, key.keyId);
  const signer = await activeIdentity(ctx, 'carrier', r.carrier as CarrierCode, db.isTransaction ? (db as Transaction<DB>) : undefined);
  const unsigned = await renderCertificatePdf(facts, {
    verifyUrl,
    verifyCode: code,
    factsSignature: formatFactsSignature(key.keyId, signed.signature),
    signature: { name: r.name_en, reason: `注销证明 Certificate of cancellation ${serial}`, location: 'CN', signingTime: completedAt },
  });
  const pdf = await signCertificatePdf(unsigned, signer, (req) => ctx.adapters.tsa.timestamp(req));
  return { requestId: r.id, serial, carrier: r.carrier as CarrierCode, keyId: key.keyId, facts, payloadSignature: signed.signature, verifyCodeHash: hashVerifyCode(code), pdf };
}

/**
 * Stores the request's certificate and appends it to the transparency log, in `trx`; returns its
 * serial (the existing one when the request already has a certificate). With `prepared`
 * (prepareCertificate, before the transaction) nothing slow happens here; without it, it is
 * prepared here, in the transaction.
 */
export async function issueCertificate(
  ctx: AppContext,
  trx: Transaction<DB>,
  requestId: string,
  completedAt: Date,
  prepared?: PreparedCertificate,
): Promise<string> {
  const existing = await trx.selectFrom('certificates').select('serial').where('request_id', '=', requestId).executeTakeFirst();
  if (existing) return existing.serial;
  if (prepared && prepared.requestId !== requestId) throw new TypeError(`the certificate was prepared for request ${prepared.requestId}, not ${requestId}`);
  const c = prepared ?? (await prepareCertificate(ctx, trx, requestId, completedAt))!;
  await trx.insertInto('certificates').values({
    serial: c.serial, request_id: c.requestId, carrier: c.carrier, key_id: c.keyId, facts: JSON.stringify(c.facts), payload_signature: c.payloadSignature, pdf: c.pdf,
    verify_code_hash: c.verifyCodeHash,
  }).execute();
  await appendToLog(trx, c.serial, c.pdf, ctx.now());
  return c.serial;
}

/** The holder's name masked as 张* (the first character, when the certificate font has it). */
export function maskHolderName(name: string): string | undefined {
  const chars = [...name.trim()];
  if (chars.length === 0) return undefined;
  const first = missingCharacters(chars[0]).length === 0 ? chars[0] : '*';
  return first + '*'.repeat(Math.max(1, chars.length - 1));
}

async function holderName(ctx: AppContext, db: Kysely<DB> | Transaction<DB>, customerId: string): Promise<{ holderName?: string }> {
  const c = await db.selectFrom('customers').select('name_enc').where('id', '=', customerId).executeTakeFirst();
  const masked = c?.name_enc ? maskHolderName(ctx.vault.decrypt(c.name_enc)) : undefined;
  return masked ? { holderName: masked } : {};
}
