// Outgoing SMS. In dev mode messages land in the dev outbox (sms_outbox) instead of a gateway;
// otherwise they go through the SMS gateway adapter. Either way a repeated key sends once.
import type { AppContext } from '../context.ts';

export interface Sms { to: string; text: string; idempotencyKey: string }

export async function sendSms(ctx: AppContext, m: Sms): Promise<void> {
  if (await sendSmsInBulk(ctx, [m])) return;
  await ctx.adapters.sms.send({ to: m.to, text: m.text, idempotencyKey: m.idempotencyKey });
}

/**
 * Many messages in one statement, in dev mode (the dev outbox): true when they are written. False
 * outside dev mode, where the gateway takes one message a call: send each with sendSms then.
 */
export async function sendSmsInBulk(ctx: AppContext, ms: readonly Sms[]): Promise<boolean> {
  if (!ctx.config.dev) return false;
  if (ms.length) {
    await ctx.db.insertInto('sms_outbox')
      .values(ms.map((m) => ({ to_msisdn: m.to, text: m.text, idempotency_key: m.idempotencyKey })))
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .execute();
  }
  return true;
}
