// Step 2 of subscriber sign-in: check the code (at most 5 tries per code), then open a session
// for the person who owns the line. Real-name confirmation is a separate, later step.
import crypto from 'node:crypto';
import type { AppContext } from '../context.ts';
import { AppError } from '../shared/errors.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { clientKey, hitRateLimits } from './rate-limit.ts';
import { maskMsisdn } from '../lines/mask.ts';
import { MAX_CODE_ATTEMPTS, codeHash, parseMsisdnOrThrow } from './request-sign-in-code.ts';
import { SUBSCRIBER_SESSION_MINUTES, createSession } from './sessions.ts';

export async function signInSubscriber(ctx: AppContext, input: { msisdn: string; code: string; ip: string }): Promise<{ token: string; msisdn: string }> {
  const msisdn = parseMsisdnOrThrow(input.msisdn);
  if (!/^\d{6}$/.test(input.code)) throw new AppError('invalid_code', 'The code is the 6 digits from the SMS.');
  await hitRateLimits(ctx.db, [
    { bucket: `signin-ip:${clientKey(input.ip)}`, max: 60, windowSeconds: 3600, message: 'Too many sign-in attempts from your network. Please try again later.' },
  ], ctx.now());
  // Count the try before checking it, in one atomic UPDATE: guesses sent all at once are counted one
  // by one, so a code never gets more than MAX_CODE_ATTEMPTS tries.
  const row = await ctx.db.updateTable('sms_codes').set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('msisdn', '=', msisdn).where('attempts', '<', MAX_CODE_ATTEMPTS)
    .returning(['code_hash', 'attempts', 'expires_at']).executeTakeFirst();
  if (!row) {
    const used = await ctx.db.selectFrom('sms_codes').select('attempts').where('msisdn', '=', msisdn).executeTakeFirst();
    if (!used) throw new AppError('invalid_code', 'No code is waiting for this number. Ask for a new one.');
    throw new AppError('too_many_attempts', 'Too many wrong codes. Ask for a new one.');
  }
  if (row.expires_at.getTime() < ctx.now().getTime()) throw new AppError('code_expired', 'The code has expired. Ask for a new one.');
  const expected = Buffer.from(row.code_hash);
  const given = Buffer.from(codeHash(ctx, msisdn, input.code));
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) {
    const triesLeft = Math.max(0, MAX_CODE_ATTEMPTS - row.attempts);
    throw new AppError('invalid_code', `That code is not right. ${triesLeft} tries left.`, { triesLeft });
  }
  const line = await ctx.db.selectFrom('lines').select(['customer_id']).where('msisdn', '=', msisdn).where('status', '<>', 'cancelled').executeTakeFirst();
  if (!line) throw new AppError('invalid_code', 'No code is waiting for this number. Ask for a new one.');
  return ctx.db.transaction().execute(async (trx) => {
    // A code signs in once: of two sign-ins with the same code at the same moment, one gets the session.
    const consumed = await trx.deleteFrom('sms_codes').where('msisdn', '=', msisdn).where('code_hash', '=', row.code_hash).returning('msisdn').executeTakeFirst();
    if (!consumed) throw new AppError('invalid_code', 'No code is waiting for this number. Ask for a new one.');
    const token = await createSession(trx, { kind: 'subscriber', subjectId: msisdn, customerId: line.customer_id, minutes: SUBSCRIBER_SESSION_MINUTES });
    await appendAudit(trx, { actorKind: 'subscriber', actorId: line.customer_id, action: 'subscriber.sign_in', subject: `msisdn:${maskMsisdn(msisdn)}`, ip: input.ip });
    return { token, msisdn };
  });
}
