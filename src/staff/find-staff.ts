// Finds a staff account by id (API) or username (command line).
import type { Kysely, Transaction } from 'kysely';
import type { DB, Staff } from '../db/schema.ts';
import { AppError } from '../shared/errors.ts';

export type StaffRef = { id: string } | { username: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function findStaff(db: Kysely<DB> | Transaction<DB>, ref: StaffRef): Promise<Staff> {
  let q = db.selectFrom('staff').selectAll();
  if ('id' in ref) {
    if (!UUID.test(ref.id)) throw new AppError('not_found', 'No staff account has that id.');
    q = q.where('id', '=', ref.id);
  } else {
    q = q.where('username', '=', ref.username.trim().toLowerCase());
  }
  const s = await q.executeTakeFirst();
  if (!s) throw new AppError('not_found', 'No staff account has that ' + ('id' in ref ? 'id.' : 'username.'));
  return s;
}
