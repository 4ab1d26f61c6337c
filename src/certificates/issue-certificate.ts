// The proof (注销证明): a serial, the masked facts (the holder's name masked too), a bilingual,
// tagged PDF with the carrier's seal and a QR code to the public verify page (carrying the
// certificate's verification code). The facts are signed with the carrier's Ed25519 key; the file
// carries a PAdES B-T signature by the carrier's certificate (time-stamped by the TSA); it is
// appended to the transparency log and stored so the owner can download it again.
import { sql, type Transaction } from 'kysely';
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

export async function issueCertificate(
  ctx: AppContext,
  trx: Transaction<DB>,
  requestId: string,
  completedAt: Date,
): Promise<string> {
  const existing = await trx.selectFrom('certificates').select('serial').where('request_id', '=', requestId).executeTakeFirst();
  if (existing) return existing.serial;
  const r = await trx.selectFrom('cancellation_requests as r').innerJoin('lines as l', 'l.id', 'r.line_id').innerJoin('carriers as c', 'c.code', 'r.carrier')
    .select(['r.id', 'r.carrier', 'r.channel', 'r.refund_fen', 'r.refund_route', 'r.reference', 'r.customer_id', 'l.msisdn', 'l.iccid', 'l.form_factor', 'l.account_id', 'c.name_zh', 'c.name_en'])
    .where('r.id', '=', requestId).executeTakeFirstOrThrow();
  // The certificate states the refund the ledger records, never the promise alone (a refund step
  // skipped when ops resolved the request by hand paid nothing).
  const refunded = await trx.selectFrom('ledger_entries').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_fen'), eb.lit(0)).as('total'))
    .where('request_id', '=', requestId).where('kind', '=', 'refund').where('account_id', '=', r.account_id).executeTakeFirstOrThrow();
  const refundFen = Math.max(0, -Number(refunded.total));
  const { rows } = await sql<{ n: number }>`SELECT nextval('certificate_seq')::int AS n`.execute(trx);
  const serial = makeSerial(r.carrier, completedAt, rows[0].n);
  const key = await activeSigningKey(ctx, trx, r.carrier as CarrierCode);
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
    ...(await holderName(ctx, trx, r.customer_id)),
    keyId: key.keyId,
  };
  // The code is only in the PDF (QR code and printed); the table keeps its hash.
  const code = generateVerifyCode();
  const verifyUrl = certificateVerifyUrl(ctx.config.publicBaseUrl, serial, code);
  const signed = signPayload(facts, key.privateKeyPem, key.keyId);
  const signer = await activeIdentity(ctx, 'carrier', r.carrier as CarrierCode, trx);
  const unsigned = await renderCertificatePdf(facts, {
    verifyUrl,
    verifyCode: code,
    factsSignature: formatFactsSignature(key.keyId, signed.signature),
    signature: { name: r.name_en, reason: `注销证明 Certificate of cancellation ${serial}`, location: 'CN', signingTime: completedAt },
  });
  const pdf = await signCertificatePdf(unsigned, signer, (req) => ctx.adapters.tsa.timestamp(req));
  await trx.insertInto('certificates').values({
    serial, request_id: r.id, carrier: r.carrier, key_id: key.keyId, facts: JSON.stringify(facts), payload_signature: signed.signature, pdf,
    verify_code_hash: hashVerifyCode(code),
  }).execute();
  await appendToLog(trx, serial, pdf, ctx.now());
  return serial;
}

/** The holder's name masked as 张* (the first character, when the certificate font has it). */
export function maskHolderName(name: string): string | undefined {
  const chars = [...name.trim()];
  if (chars.length === 0) return undefined;
  const first = missingCharacters(chars[0]).length === 0 ? chars[0] : '*';
  return first + '*'.repeat(Math.max(1, chars.length - 1));
}

async function holderName(ctx: AppContext, trx: Transaction<DB>, customerId: string): Promise<{ holderName?: string }> {
  const c = await trx.selectFrom('customers').select('name_enc').where('id', '=', customerId).executeTakeFirst();
  const masked = c?.name_enc ? maskHolderName(ctx.vault.decrypt(c.name_enc)) : undefined;
  return masked ? { holderName: masked } : {};
}
