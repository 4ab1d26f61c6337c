// Step 1 of recovering a frozen number: the former owner, signed in (SMS code to another of their
// live lines, and the real-name step), asks for a one-time code. It goes by SMS to the line they are
// signed in with: the frozen number itself cannot receive SMS any more.
import crypto from 'node:crypto';
import type { AppContext } from '../context.ts';
import type { Principal } from '../identity/sessions.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { clientKey, hitRateLimits } from '../identity/rate-limit.ts';
import { parseMsisdnOrThrow } from '../identity/request-sign-in-code.ts';
import { maskMsisdn } from '../lines/mask.ts';
import { sendSms } from '../notifications/send-sms.ts';
import { RECOVERY_CODE_TTL_SECONDS, findRecoverableNumber, recoveryCodeHash } from './recoverable-number.ts';

type Subscriber = Extract<Principal, { kind: 'subscriber' }>;

export async function requestRecoveryCode(
  ctx: AppContext,
  who: Subscriber,
  input: { msisdn: string; ip: string },
): Promise<{ sentTo: string; expiresInSeconds: number; frozenUntil: string }> {
  const msisdn = parseMsisdnOrThrow(input.msisdn);
  const now = ctx.now();
  await hitRateLimits(ctx.db, [
    { bucket: `recover-sms:${who.msisdn}:min`, max: 1, windowSeconds: 60, message: 'A recovery code was sent less than a minute ago. Please wait before asking again.' },
    { bucket: `recover-sms:${who.customerId}:hour`, max: 5, windowSeconds: 3600, message: 'Too many recovery codes in the last hour. Please try again later.' },
    { bucket: `recover-sms-ip:${clientKey(input.ip)}`, max: 30, windowSeconds: 3600, message: 'Too many code requests from your network. Please try again later.' },
  ], now);
  const number = await findRecoverableNumber(ctx, who.customerId, msisdn);
  const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
  const row = {
    customer_id: who.customerId, sent_to: who.msisdn, code_hash: recoveryCodeHash(ctx, msisdn, who.customerId, code),
    expires_at: new Date(now.getTime() + RECOVERY_CODE_TTL_SECONDS * 1000), attempts: 0, created_at: now,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('number_recovery_codes').values({ msisdn, ...row }).onConflict((oc) => oc.column('msisdn').doUpdateSet(row)).execute();
    await appendAudit(trx, { actorKind: 'subscriber', actorId: who.customerId, ip: input.ip, action: 'number.recovery_code_sent', subject: `msisdn:${maskMsisdn(msisdn)}` });
  });
  const masked = maskMsisdn(msisdn);
  await sendSms(ctx, {
    to: who.msisdn,
    text: `【注销服务】您正在恢复号码 ${masked}，验证码 ${code}，5 分钟内有效。如非本人操作，请勿告诉他人。Your code to recover the number ${masked} is ${code}, valid for 5 minutes. If this was not you, tell no one.`,
    idempotencyKey: `recover:${msisdn}:${now.getTime()}`,
  });
  return { sentTo: maskMsisdn(who.msisdn), expiresInSeconds: RECOVERY_CODE_TTL_SECONDS, frozenUntil: number.frozenUntil.toISOString() };
}
