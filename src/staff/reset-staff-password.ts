// An admin (or the operator at the command line) sets a new password for a staff account: given, or
// generated and returned once. It also lifts the sign-in locks (from every address) and ends the
// account's sessions. Audited.
import type { AppContext } from '../context.ts';
import { hashPassword } from '../bootstrap.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { findStaff, type StaffRef } from './find-staff.ts';
import { auditActor, auditVia, checkPassword, generatePassword, staffView, type StaffAdminActor, type StaffView } from './staff-rules.ts';

export async function resetStaffPassword(
  ctx: Pick<AppContext, 'db' | 'now'>,
  actor: StaffAdminActor,
  ref: StaffRef,
  password?: string,
): Promise<{ staff: StaffView; generatedPassword: string | null }> {
  const generatedPassword = password === undefined ? generatePassword() : null;
  const passwordHash = await hashPassword(generatedPassword ?? checkPassword(password!));
  const staff = await ctx.db.transaction().execute(async (trx) => {
    const target = await findStaff(trx, ref);
    const row = await trx.updateTable('staff').set({ password_hash: passwordHash, failed_attempts: 0, locked_until: null })
      .where('id', '=', target.id).returningAll().executeTakeFirstOrThrow();
    await trx.deleteFrom('sessions').where('kind', '=', 'staff').where('subject_id', '=', target.id).execute();
    const locks = await trx.deleteFrom('staff_sign_in_failures').where('username', '=', target.username).returning('locked_until').execute();
    await appendAudit(trx, {
      ...auditActor(actor), action: 'staff.reset_password', subject: `staff:${target.id}`,
      details: { username: target.username, wasLocked: locks.some((l) => !!l.locked_until && new Date(l.locked_until) > ctx.now()), generated: generatedPassword !== null, via: auditVia(actor) },
    });
    return row;
  });
  return { staff: staffView(staff, ctx.now()), generatedPassword };
}
