// Outgoing SMS. In dev mode messages land in the dev outbox (sms_outbox) instead of a gateway;
// otherwise they go through the SMS gateway adapter. Either way a repeated key sends once.
import type { AppContext } from '../context.ts';

export async function sendSms(ctx: AppContext, m: { to: string; text: string; idempotencyKey: string }): Promise<void> {
  if (ctx.config.dev) {
    await ctx.db.insertInto('sms_outbox')
      .values({ to_msisdn: m.to, text: m.text, idempotency_key: m.idempotencyKey })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .execute();
    return;
  }
  await ctx.adapters.sms.send({ to: m.to, text: m.text, idempotencyKey: m.idempotencyKey });
}
