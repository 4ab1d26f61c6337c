// Staff sign-in: username + password (argon2id). Five wrong passwords lock the account for 15 minutes.
import argon2 from 'argon2';
import type { AppContext } from '../context.ts';
import { AppError } from '../shared/errors.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { STAFF_SESSION_MINUTES, createSession } from './sessions.ts';

export const MAX_FAILED_PASSWORDS = 5;
export const LOCK_MINUTES = 15;
// Verifying against a fixed hash when the user does not exist keeps timing uniform.
const DUMMY_HASH = '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$RdescudvJCsgt3ub+b+dWRWJTmaaJObG';

export async function signInStaff(ctx: AppContext, input: { username: string; password: string; ip: string }) {
  const username = input.username.trim().toLowerCase();
  const staff = await ctx.db.selectFrom('staff').selectAll().where('username', '=', username).executeTakeFirst();
  const now = ctx.now();
  if (!staff || staff.disabled) {
    await argon2.verify(DUMMY_HASH, input.password).catch(() => false);
    throw new AppError('invalid_credentials', 'Wrong username or password.');
  }
  if (staff.locked_until && new Date(staff.locked_until) > now) {
    throw new AppError('locked', `Too many wrong passwords. The account is locked until ${new Date(staff.locked_until).toISOString()}.`, { lockedUntil: new Date(staff.locked_until).toISOString() });
  }
  const ok = await argon2.verify(staff.password_hash, input.password).catch(() => false);
  if (!ok) {
    const failed = staff.failed_attempts + 1;
    const lock = failed >= MAX_FAILED_PASSWORDS;
    await ctx.db.transaction().execute(async (trx) => {
      await trx.updateTable('staff').set({ failed_attempts: lock ? 0 : failed, locked_until: lock ? new Date(now.getTime() + LOCK_MINUTES * 60_000) : staff.locked_until })
        .where('id', '=', staff.id).execute();
      await appendAudit(trx, { actorKind: 'staff', actorId: staff.id, action: lock ? 'staff.locked' : 'staff.sign_in_failed', ip: input.ip });
    });
    if (lock) throw new AppError('locked', `Too many wrong passwords. The account is locked for ${LOCK_MINUTES} minutes.`);
    throw new AppError('invalid_credentials', 'Wrong username or password.');
  }
  return ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('staff').set({ failed_attempts: 0, locked_until: null }).where('id', '=', staff.id).execute();
    const token = await createSession(trx, { kind: 'staff', subjectId: staff.id, minutes: STAFF_SESSION_MINUTES });
    await appendAudit(trx, { actorKind: 'staff', actorId: staff.id, action: 'staff.sign_in', ip: input.ip });
    return { token, staff: { username: staff.username, role: staff.role, storeId: staff.store_id, displayName: staff.display_name } };
  });
}
