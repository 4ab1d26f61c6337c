// An admin disables a staff account (or enables it again). A disabled account cannot sign in and its
// sessions end at once. Nobody disables their own account, and the last active admin stays. Audited.
import type { AppContext } from '../context.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { AppError } from '../shared/errors.ts';
import { findStaff, type StaffRef } from './find-staff.ts';
import { staffLocksOf } from './staff-locks.ts';
import { auditActor, auditVia, staffView, type StaffAdminActor, type StaffView } from './staff-rules.ts';

export async function disableStaff(ctx: Pick<AppContext, 'db' | 'now'>, actor: StaffAdminActor, ref: StaffRef): Promise<StaffView> {
  return setDisabled(ctx, actor, ref, true);
}

export async function enableStaff(ctx: Pick<AppContext, 'db' | 'now'>, actor: StaffAdminActor, ref: StaffRef): Promise<StaffView> {
  return setDisabled(ctx, actor, ref, false);
}

async function setDisabled(ctx: Pick<AppContext, 'db' | 'now'>, actor: StaffAdminActor, ref: StaffRef, disabled: boolean): Promise<StaffView> {
  return ctx.db.transaction().execute(async (trx) => {
    const target = await findStaff(trx, ref);
    if (disabled) {
      if (actor.kind === 'staff' && actor.id === target.id) throw new AppError('conflict', 'You cannot disable your own account.');
      if (target.role === 'admin' && !target.disabled) {
        const admins = await trx.selectFrom('staff').select((eb) => eb.fn.countAll<number>().as('n')).where('role', '=', 'admin').where('disabled', '=', false).executeTakeFirstOrThrow();
        if (Number(admins.n) <= 1) throw new AppError('conflict', 'This is the last active admin account: create another admin first.');
      }
    }
    const row = await trx.updateTable('staff').set({ disabled }).where('id', '=', target.id).returningAll().executeTakeFirstOrThrow();
    if (disabled) await trx.deleteFrom('sessions').where('kind', '=', 'staff').where('subject_id', '=', target.id).execute();
    await appendAudit(trx, {
      ...auditActor(actor), action: disabled ? 'staff.disable' : 'staff.enable', subject: `staff:${target.id}`,
      details: { username: target.username, wasDisabled: target.disabled, via: auditVia(actor) },
    });
    return staffView(row, ctx.now(), await staffLocksOf(trx, row.username, ctx.now()));
  });
}
