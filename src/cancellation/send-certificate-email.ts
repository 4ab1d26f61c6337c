// Once a request completes, its certificate goes to the e-mail address the person left, if any: the
// number it was about can no longer receive anything. Run by the e-mail worker; idempotent per request.
import type { Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { DB } from '../db/schema.ts';
import { QUEUES } from '../jobs/queue.ts';
import { sendEmail } from '../notifications/send-email.ts';
import { formatRequestReference, requestLink } from './request-reference.ts';

/** In the completing transaction: queue the e-mail when the request has an address. */
export async function queueCertificateEmail(ctx: AppContext, trx: Transaction<DB>, requestId: string): Promise<void> {
  const r = await trx.selectFrom('cancellation_requests').select('contact_email_enc').where('id', '=', requestId).executeTakeFirst();
  if (!r?.contact_email_enc) return;
  await ctx.jobs.send(trx, QUEUES.email, { requestId }, { key: `${requestId}:certificate-email` });
}

export async function sendCertificateEmail(ctx: AppContext, requestId: string): Promise<void> {
  const r = await ctx.db.selectFrom('cancellation_requests as r')
    .innerJoin('lines as l', 'l.id', 'r.line_id')
    .innerJoin('certificates as c', 'c.request_id', 'r.id')
    .select(['r.contact_email_enc', 'r.reference', 'l.msisdn', 'c.serial', 'c.pdf'])
    .where('r.id', '=', requestId).executeTakeFirst();
  if (!r?.contact_email_enc) return;
  const tail = r.msisdn.slice(-4);
  const ref = r.reference ? formatRequestReference(r.reference) : '';
  const link = r.reference ? requestLink(ctx.config.publicBaseUrl, r.reference) : ctx.config.publicBaseUrl;
  await sendEmail(ctx, {
    to: ctx.vault.decrypt(r.contact_email_enc),
    subject: `注销证明 Certificate of cancellation ${r.serial} (尾号 ${tail})`,
    text: [
      `尾号 ${tail} 的号码已注销。附件是您的注销证明（${r.serial}），受理编号 ${ref}。`,
      `今后如需再次下载，请访问 ${link} ，输入受理编号和证件号码后 6 位。`,
      '',
      `The line ending ${tail} is cancelled. Your certificate of cancellation (${r.serial}) is attached; your reference is ${ref}.`,
      `To download it again, open ${link} and enter the reference and the last 6 characters of your ID number.`,
    ].join('\n'),
    attachments: [{ filename: `${r.serial}.pdf`, contentType: 'application/pdf', content: Buffer.from(r.pdf) }],
    idempotencyKey: `${requestId}:certificate-email`,
    requestId,
  });
}
