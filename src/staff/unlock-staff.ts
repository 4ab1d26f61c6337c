// An admin (API) or the operator (CLI) lifts the sign-in locks on a staff account: every client
// address locked out by wrong passwords may try again, with its failure count back at zero. Audited.
import type { AppContext } from '../context.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { findStaff, type StaffRef } from './find-staff.ts';
import { auditActor, auditVia, staffView, type StaffAdminActor, type StaffView } from './staff-rules.ts';

export async function unlockStaff(ctx: Pick<AppContext, 'db' | 'now'>, actor: StaffAdminActor, ref: StaffRef): Promise<{ staff: StaffView; unlockedAddresses: number }> {
  const now = ctx.now();
  return ctx.db.transaction().execute(async (trx) => {
    const target = await findStaff(trx, ref);
    const removed = await trx.deleteFrom('staff_sign_in_failures').where('username', '=', target.username).returning('locked_until').execute();
    const unlockedAddresses = removed.filter((r) => r.locked_until && new Date(r.locked_until) > now).length;
    // The account-wide lock of earlier versions, should one still be running.
    const row = await trx.updateTable('staff').set({ failed_attempts: 0, locked_until: null }).where('id', '=', target.id).returningAll().executeTakeFirstOrThrow();
    await appendAudit(trx, {
      ...auditActor(actor), action: 'staff.unlock', subject: `staff:${target.id}`,
      details: { username: target.username, unlockedAddresses, via: auditVia(actor) },
    });
    return { staff: staffView(row, now), unlockedAddresses };
  });
}
