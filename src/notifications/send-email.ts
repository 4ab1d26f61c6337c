// Outgoing e-mail. In dev mode messages land in the dev outbox (email_outbox, address encrypted,
// attachments by name only) instead of a relay; otherwise they go through the e-mail adapter. Either
// way a repeated key sends once.
import type { AppContext } from '../context.ts';
import type { EmailAttachment } from '../adapters/email.ts';
import { maskEmail } from '../cancellation/contact-email.ts';

export async function sendEmail(
  ctx: AppContext,
  m: { to: string; subject: string; text: string; attachments?: EmailAttachment[]; idempotencyKey: string; requestId?: string },
): Promise<void> {
  if (ctx.config.dev) {
    await ctx.db.insertInto('email_outbox').values({
      to_address_enc: ctx.vault.encrypt(m.to),
      to_masked: maskEmail(m.to),
      subject: m.subject,
      text: m.text,
      attachment_name: m.attachments?.map((a) => a.filename).join(', ') || null,
      request_id: m.requestId ?? null,
      idempotency_key: m.idempotencyKey,
    }).onConflict((oc) => oc.column('idempotency_key').doNothing()).execute();
    return;
  }
  await ctx.adapters.email.send({ to: m.to, subject: m.subject, text: m.text, attachments: m.attachments ?? [], idempotencyKey: m.idempotencyKey });
}
