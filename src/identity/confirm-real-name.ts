// The real-name step: the last 6 characters of the owner's ID document must match before the
// subscriber may see money details or cancel anything. Five wrong answers per session, then sign in again.
import type { AppContext } from '../context.ts';
import { AppError } from '../shared/errors.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { hitRateLimits } from './rate-limit.ts';
import type { Principal } from './sessions.ts';

type Subscriber = Extract<Principal, { kind: 'subscriber' }>;

export async function confirmRealName(ctx: AppContext, who: Subscriber, input: { idLast6: string; ip: string }): Promise<{ maskedName: string }> {
  const last6 = input.idLast6.replace(/\s+/g, '').toUpperCase();
  if (!/^[0-9A-Z]{6}$/.test(last6)) throw new AppError('validation_failed', 'Enter the last 6 characters of your ID document (digits, or X).');
  await hitRateLimits(ctx.db, [
    { bucket: `realname:${who.sessionHash}`, max: 5, windowSeconds: 3600, message: 'Too many wrong answers. Sign in again later.' },
  ], ctx.now());
  const customer = await ctx.db.selectFrom('customers').select(['id', 'id_last6_blind', 'name_enc']).where('id', '=', who.customerId).executeTakeFirstOrThrow();
  if (customer.id_last6_blind !== ctx.vault.blindIndex(last6, 'id6')) {
    await appendAudit(ctx.db, { actorKind: 'subscriber', actorId: who.customerId, action: 'subscriber.real_name_failed', ip: input.ip });
    throw new AppError('identity_mismatch', 'That does not match the ID document this number is registered to.');
  }
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('sessions').set({ real_name_verified: true }).where('id_hash', '=', who.sessionHash).execute();
    await appendAudit(trx, { actorKind: 'subscriber', actorId: who.customerId, action: 'subscriber.real_name_confirmed', ip: input.ip });
  });
  return { maskedName: maskName(ctx.vault.decrypt(customer.name_enc)) };
}

/** 张三丰 → 张**; Zhang San → Z*** S** */
export function maskName(name: string): string {
  if (/^[\u4e00-\u9fff·]+$/.test(name)) return name.slice(0, 1) + '*'.repeat(Math.max(1, name.length - 1));
  return name.split(/\s+/).map((p) => p.slice(0, 1) + '*'.repeat(Math.max(1, p.length - 1))).join(' ');
}
