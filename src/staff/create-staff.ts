// An admin (API) or the operator (CLI: the very first admin of a production installation) creates a
// staff account. The password is argon2id-hashed; when none is given one is generated and returned
// once. A clerk belongs to a store. Audited; the password never is.
import crypto from 'node:crypto';
import type { AppContext } from '../context.ts';
import type { StaffRole } from '../db/schema.ts';
import { hashPassword } from '../bootstrap.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { AppError } from '../shared/errors.ts';
import { isUniqueViolation } from '../shared/idempotency.ts';
import { auditActor, auditVia, checkPassword, checkRole, generatePassword, normaliseUsername, staffView, type StaffAdminActor, type StaffView } from './staff-rules.ts';

export interface CreateStaffInput { username: string; role: string; storeId?: string | null; displayName?: string; password?: string }

export async function createStaff(
  ctx: Pick<AppContext, 'db' | 'now'>,
  actor: StaffAdminActor,
  input: CreateStaffInput,
): Promise<{ staff: StaffView; generatedPassword: string | null }> {
  const username = normaliseUsername(input.username);
  const role: StaffRole = checkRole(input.role);
  const storeId = input.storeId?.trim() || null;
  if (role === 'clerk' && !storeId) throw new AppError('validation_failed', 'A clerk works at a store: give the store id.');
  if (storeId && !(await ctx.db.selectFrom('stores').select('id').where('id', '=', storeId).executeTakeFirst())) {
    throw new AppError('validation_failed', `There is no store with id "${storeId}".`);
  }
  const displayName = input.displayName?.trim() || username;
  if (displayName.length > 100) throw new AppError('validation_failed', 'Keep the display name under 100 characters.');
  const generatedPassword = input.password === undefined ? generatePassword() : null;
  const passwordHash = await hashPassword(generatedPassword ?? checkPassword(input.password!));
  const id = crypto.randomUUID();
  try {
    const staff = await ctx.db.transaction().execute(async (trx) => {
      const row = await trx.insertInto('staff').values({
        id, username, display_name: displayName, password_hash: passwordHash, role, store_id: storeId, locked_until: null,
      }).returningAll().executeTakeFirstOrThrow();
      await appendAudit(trx, { ...auditActor(actor), action: 'staff.create', subject: `staff:${id}`, details: { username, role, storeId, via: auditVia(actor) } });
      return row;
    });
    return { staff: staffView(staff, ctx.now()), generatedPassword };
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError('conflict', `The username "${username}" is taken.`);
    throw e;
  }
}
