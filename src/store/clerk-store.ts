// The store a clerk works at: its carrier decides which lines it may cancel, its province whether a
// line is out of province (异地销户).
import type { Kysely, Transaction } from 'kysely';
import type { CarrierCode, DB } from '../db/schema.ts';
import type { Principal } from '../identity/sessions.ts';
import { AppError } from '../shared/errors.ts';

export interface Clerk { staffId: string; storeId: string; ip: string }
export interface StoreInfo { id: string; carrier: CarrierCode; province: string; nameZh: string; nameEn: string }

/** The clerk of a staff principal; a clerk account always has a store (the staff table enforces it). */
export function clerkOf(p: Extract<Principal, { kind: 'staff' }>, ip: string): Clerk {
  if (!p.storeId) throw new AppError('forbidden', 'This account is not attached to a store.');
  return { staffId: p.staffId, storeId: p.storeId, ip };
}

export async function loadStore(db: Kysely<DB> | Transaction<DB>, storeId: string): Promise<StoreInfo> {
  const s = await db.selectFrom('stores').selectAll().where('id', '=', storeId).executeTakeFirst();
  if (!s) throw new AppError('not_found', 'The store was not found.');
  return { id: s.id, carrier: s.carrier, province: s.province, nameZh: s.name_zh, nameEn: s.name_en };
}
