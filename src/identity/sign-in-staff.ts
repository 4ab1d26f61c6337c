// Staff sign-in: username + password (argon2id). Wrong passwords are counted per (username, client
// address): each failure slows the next answer down, and five within 15 minutes lock that address out
// of that account for 15 minutes. Another address (the real owner at their counter) is not locked, so
// knowing a username is not enough to lock someone out. An admin can lift the locks.
import { setTimeout as sleep } from 'node:timers/promises';
import argon2 from 'argon2';
import { sql } from 'kysely';
import type { AppContext } from '../context.ts';
import { AppError } from '../shared/errors.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { clientKey } from './rate-limit.ts';
import { STAFF_SESSION_MINUTES, createSession } from './sessions.ts';

export const MAX_FAILED_PASSWORDS = 5;
export const LOCK_MINUTES = 15;
/** Wrong passwords one address may send, over all usernames, in LOCK_MINUTES (password spraying). */
export const MAX_FAILURES_PER_CLIENT = 30;
/** How long the answer to the n-th wrong password in a row waits: 250 ms, 500 ms, 1 s, 2 s, capped at 4 s. */
export const failureDelayMs = (failures: number) => Math.min(4000, 250 * 2 ** Math.max(0, failures - 1));
// Verifying against a fixed hash when the user does not exist keeps timing uniform.
const DUMMY_HASH = '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$RdescudvJCsgt3ub+b+dWRWJTmaaJObG';

export async function signInStaff(ctx: AppContext, input: { username: string; password: string; ip: string }) {
  const username = input.username.trim().toLowerCase().slice(0, 64);
  const client = clientKey(input.ip);
  const now = ctx.now();
  const windowStart = new Date(now.getTime() - LOCK_MINUTES * 60_000);

  const sprayed = await ctx.db.selectFrom('staff_sign_in_failures').select((eb) => eb.fn.sum<string | number>('failures').as('n'))
    .where('client', '=', client).where('last_failed_at', '>', windowStart).executeTakeFirst();
  if (Number(sprayed?.n ?? 0) >= MAX_FAILURES_PER_CLIENT) {
    throw new AppError('rate_limited', 'Too many wrong passwords from your network. Please try again later.', { retryAfterSeconds: LOCK_MINUTES * 60 });
  }

  // The try is counted before the password is checked, in one conditional upsert: tries sent all at
  // once are counted one by one, so an address never gets more than MAX_FAILED_PASSWORDS of them.
  // A right password deletes the row again.
  const claimed = await sql<{ failures: number }>`
    INSERT INTO staff_sign_in_failures AS f (username, client, failures, last_failed_at, locked_until)
    VALUES (${username}, ${client}, 1, ${now}, NULL)
    ON CONFLICT (username, client) DO UPDATE SET
      failures = CASE WHEN f.last_failed_at <= ${windowStart} OR f.locked_until <= ${now} THEN 1 ELSE f.failures + 1 END,
      last_failed_at = ${now},
      locked_until = NULL
    WHERE (f.locked_until IS NULL OR f.locked_until <= ${now})
      AND (f.failures < ${MAX_FAILED_PASSWORDS} OR f.last_failed_at <= ${windowStart} OR f.locked_until <= ${now})
    RETURNING failures`.execute(ctx.db);
  if (!claimed.rows.length) {
    const row = await ctx.db.selectFrom('staff_sign_in_failures').select(['locked_until', 'last_failed_at'])
      .where('username', '=', username).where('client', '=', client).executeTakeFirst();
    const until = row?.locked_until ?? new Date((row?.last_failed_at ?? now).getTime() + LOCK_MINUTES * 60_000);
    throw lockedError(new Date(until));
  }
  const failures = Number(claimed.rows[0].failures);

  const staff = await ctx.db.selectFrom('staff').selectAll().where('username', '=', username).executeTakeFirst();
  let ok = false;
  if (staff && !staff.disabled) ok = await argon2.verify(staff.password_hash, input.password).catch(() => false);
  else await argon2.verify(DUMMY_HASH, input.password).catch(() => false);
  if (ok && staff) {
    return ctx.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('staff_sign_in_failures').where('username', '=', username).where('client', '=', client).execute();
      const token = await createSession(trx, { kind: 'staff', subjectId: staff.id, minutes: STAFF_SESSION_MINUTES });
      await appendAudit(trx, { actorKind: 'staff', actorId: staff.id, action: 'staff.sign_in', ip: input.ip });
      return { token, staff: { username: staff.username, role: staff.role, storeId: staff.store_id, displayName: staff.display_name } };
    });
  }

  const lock = failures >= MAX_FAILED_PASSWORDS;
  const lockedUntil = new Date(now.getTime() + LOCK_MINUTES * 60_000);
  await ctx.db.transaction().execute(async (trx) => {
    if (lock) {
      await trx.updateTable('staff_sign_in_failures').set({ locked_until: lockedUntil })
        .where('username', '=', username).where('client', '=', client).execute();
    }
    // Rows of addresses that stopped trying a day ago are of no use any more.
    await trx.deleteFrom('staff_sign_in_failures').where('last_failed_at', '<', new Date(now.getTime() - 86_400_000))
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)])).execute();
    if (staff) {
      await appendAudit(trx, { actorKind: 'staff', actorId: staff.id, action: lock ? 'staff.locked' : 'staff.sign_in_failed', ip: input.ip, details: { failures } });
    }
  });
  if (lock) throw lockedError(lockedUntil);
  await sleep(failureDelayMs(failures));
  throw new AppError('invalid_credentials', 'Wrong username or password.');
}

function lockedError(until: Date): AppError {
  return new AppError(
    'locked',
    `Too many wrong passwords from your address. Signing in to this account from here is locked until ${until.toISOString()}; an admin can unlock it.`,
    { lockedUntil: until.toISOString() },
  );
}
