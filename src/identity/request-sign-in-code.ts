// Step 1 of subscriber sign-in: a 6-digit code by SMS, valid 5 minutes, stored only as a keyed hash.
// The answer is the same whether or not the number has a live line with us, so it reveals nothing
// about who holds it. One exception, deliberately: a number whose line we cancelled (and that nobody
// holds again) can receive nothing, so instead of a "code sent" that never arrives the person is
// told so and pointed to the certificate retrieval page (reference + ID digits).
import crypto from 'node:crypto';
import type { AppContext } from '../context.ts';
import { checkMsisdn } from '../identifiers/index.ts';
import { AppError } from '../shared/errors.ts';
import { sendSms } from '../notifications/send-sms.ts';
import { clientKey, hitRateLimits } from './rate-limit.ts';
import { maskMsisdn } from '../lines/mask.ts';

export const CODE_TTL_SECONDS = 300;
export const MAX_CODE_ATTEMPTS = 5;

export function parseMsisdnOrThrow(input: string): string {
  const r = checkMsisdn(input);
  if (!r.valid || !r.normalized) {
    throw new AppError('invalid_identifier', r.errors[0]?.message ?? 'Not a valid mobile number.', { kind: 'msisdn', errors: r.errors });
  }
  return r.normalized;
}

export const codeHash = (ctx: AppContext, msisdn: string, code: string) => ctx.vault.blindIndex(`${msisdn}:${code}`, 'sms-code');

export async function requestSignInCode(ctx: AppContext, input: { msisdn: string; ip: string }): Promise<{ sentTo: string; expiresInSeconds: number }> {
  const msisdn = parseMsisdnOrThrow(input.msisdn);
  const now = ctx.now();
  // The per-network limit first: it also bounds how fast anyone can ask whether a number was cancelled.
  await hitRateLimits(ctx.db, [
    { bucket: `sms-ip:${clientKey(input.ip)}`, max: 30, windowSeconds: 3600, message: 'Too many code requests from your network. Please try again later.' },
  ], now);
  const line = await ctx.db.selectFrom('lines').select('id').where('msisdn', '=', msisdn).where('status', '<>', 'cancelled').executeTakeFirst();
  if (!line) {
    const cancelled = await ctx.db.selectFrom('lines').select('id').where('msisdn', '=', msisdn).where('status', '=', 'cancelled').executeTakeFirst();
    if (cancelled) {
      throw new AppError('number_cancelled',
        'This number has been cancelled and can no longer receive sign-in codes. Download your certificate with the request reference and the last 6 characters of your ID number, or sign in with another line registered to the same ID.',
        { retrievePath: '/certificate/retrieve' });
    }
  }
  await hitRateLimits(ctx.db, [
    { bucket: `sms:${msisdn}:min`, max: 1, windowSeconds: 60, message: 'A code was sent to this number less than a minute ago. Please wait before asking again.' },
    { bucket: `sms:${msisdn}:hour`, max: 5, windowSeconds: 3600, message: 'Too many codes for this number in the last hour. Please try again later.' },
  ], now);
  if (line) {
    const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
    await ctx.db.insertInto('sms_codes')
      .values({ msisdn, code_hash: codeHash(ctx, msisdn, code), expires_at: new Date(now.getTime() + CODE_TTL_SECONDS * 1000), attempts: 0, created_at: now })
      .onConflict((oc) => oc.column('msisdn').doUpdateSet({ code_hash: codeHash(ctx, msisdn, code), expires_at: new Date(now.getTime() + CODE_TTL_SECONDS * 1000), attempts: 0, created_at: now }))
      .execute();
    await sendSms(ctx, {
      to: msisdn,
      text: `【注销服务】您的验证码是 ${code}，5 分钟内有效，请勿告诉他人。Your Zhuxiao sign-in code is ${code}, valid for 5 minutes.`,
      idempotencyKey: `signin:${msisdn}:${now.getTime()}`,
    });
  }
  return { sentTo: maskMsisdn(msisdn), expiresInSeconds: CODE_TTL_SECONDS };
}
