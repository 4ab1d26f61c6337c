// Getting a certificate again without signing in (issue 8.2): the request reference (受理编号) and
// the last 6 characters of the owner's ID document give the PDF. Every wrong answer (unknown
// reference, wrong characters, a request not completed yet) is the same error, so an answer never
// tells which part was wrong; attempts are limited per client address and per reference.
import { timingSafeEqual } from 'node:crypto';
import type { AppContext } from '../context.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { normaliseRequestReference } from '../cancellation/request-reference.ts';
import { clientKey, hitRateLimits } from '../identity/rate-limit.ts';
import { AppError } from '../shared/errors.ts';

export const RETRIEVE_LIMITS = {
  perAddress: { max: 10, windowSeconds: 15 * 60 },
  perReference: { max: 5, windowSeconds: 60 * 60 },
} as const;

export const NO_MATCH = 'No certificate matches this reference and ID digits.';

export async function retrieveCertificate(
  ctx: AppContext,
  input: { reference: string; idLast6: string; ip: string },
): Promise<{ serial: string; pdf: Buffer }> {
  const reference = normaliseRequestReference(input.reference);
  const last6 = input.idLast6.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
  if (!reference) throw new AppError('validation_failed', 'A request reference (受理编号) is ZX and 12 digits, e.g. ZX 4821 0937 6152: it is in the SMS and on the receipt.');
  if (!/^[0-9A-Z]{6}$/.test(last6)) throw new AppError('validation_failed', 'Enter the last 6 characters of your ID document (digits, or X).');

  await hitRateLimits(ctx.db, [
    { bucket: `cert-retrieve:ip:${clientKey(input.ip)}`, ...RETRIEVE_LIMITS.perAddress, message: 'Too many attempts from this address. Try again later.' },
    { bucket: `cert-retrieve:ref:${reference}`, ...RETRIEVE_LIMITS.perReference, message: 'Too many attempts for this reference. Try again later.' },
  ], ctx.now());

  const row = await ctx.db.selectFrom('cancellation_requests as r')
    .innerJoin('customers as cu', 'cu.id', 'r.customer_id')
    .leftJoin('certificates as c', 'c.request_id', 'r.id')
    .select(['r.id', 'r.status', 'cu.id_last6_blind', 'c.serial'])
    .where('r.reference', '=', reference)
    .executeTakeFirst();
  // The blind index is computed and compared whether or not the reference exists.
  const given = Buffer.from(ctx.vault.blindIndex(last6, 'id6'));
  const stored = Buffer.from(row?.id_last6_blind ?? '');
  const digitsMatch = stored.length === given.length && timingSafeEqual(stored, given);
  if (!row || !digitsMatch || row.status !== 'completed' || !row.serial) throw new AppError('not_found', NO_MATCH);

  const serial = row.serial;
  const cert = await ctx.db.selectFrom('certificates').select('pdf').where('serial', '=', serial).executeTakeFirstOrThrow();
  await ctx.db.transaction().execute((trx) => appendAudit(trx, {
    actorKind: 'public', action: 'certificate.retrieved', requestId: row.id, subject: serial, ip: input.ip,
  }));
  return { serial, pdf: Buffer.from(cert.pdf) };
}
