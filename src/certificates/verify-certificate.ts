// Public checks of a certificate: by serial (the stored facts and their signature), or a PDF
// someone holds (the PDF's own signature against our published keys). No personal data comes back.
import type { AppContext } from '../context.ts';
import { AppError } from '../shared/errors.ts';
import { verifyPayload, verifyPdf } from './signing.ts';
import type { CertificateFacts } from './facts.ts';
import { isWellFormedSerial } from './serial.ts';

async function keyMap(ctx: AppContext): Promise<Record<string, string>> {
  const rows = await ctx.db.selectFrom('signing_keys').select(['key_id', 'public_key_pem']).execute();
  return Object.fromEntries(rows.map((r) => [r.key_id, r.public_key_pem]));
}

export async function verifyCertificateBySerial(ctx: AppContext, serial: string) {
  const s = serial.trim().toUpperCase();
  if (!isWellFormedSerial(s)) throw new AppError('not_found', 'No certificate has that serial (check the letters and digits).');
  const row = await ctx.db.selectFrom('certificates as c').innerJoin('cancellation_requests as r', 'r.id', 'c.request_id')
    .select(['c.serial', 'c.facts', 'c.payload_signature', 'c.key_id', 'c.issued_at', 'r.status']).where('c.serial', '=', s).executeTakeFirst();
  if (!row) throw new AppError('not_found', 'No certificate has that serial.');
  const facts = row.facts as unknown as CertificateFacts;
  const check = verifyPayload({ payload: facts, alg: 'ed25519', keyId: row.key_id, signature: row.payload_signature }, await keyMap(ctx));
  return {
    valid: check.valid && row.status === 'completed',
    serial: facts.serial,
    carrier: facts.carrierCode,
    carrierName: { zh: facts.carrierNameZh, en: facts.carrierNameEn },
    maskedMsisdn: facts.maskedMsisdn,
    maskedIccid: facts.maskedIccid,
    formFactor: facts.formFactor,
    channel: facts.channel,
    completedAt: facts.completedAt,
    refundFen: facts.refundFen,
    refundRoute: facts.refundRoute,
    keyId: row.key_id,
    signature: row.payload_signature,
    ...(check.valid ? {} : { reason: check.reason ?? 'bad_signature' }),
  };
}

export async function verifyCertificatePdf(ctx: AppContext, pdf: Buffer) {
  const r = verifyPdf(pdf, await keyMap(ctx));
  if (!r.valid || !r.facts) return { valid: false, reason: r.reason ?? 'no_facts' };
  const stored = await ctx.db.selectFrom('certificates').select('serial').where('serial', '=', r.facts.serial).executeTakeFirst();
  return { valid: !!stored, ...(stored ? {} : { reason: 'unknown_serial' }), serial: r.facts.serial, carrier: r.facts.carrierCode, maskedMsisdn: r.facts.maskedMsisdn, completedAt: r.facts.completedAt, keyId: r.keyId };
}
