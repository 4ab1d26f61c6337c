// The sign-in locks on staff accounts (per client address, see identity/sign-in-staff.ts), for the
// admin's view of the accounts.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { NO_LOCKS, type StaffLocks } from './staff-rules.ts';

export async function staffLocks(db: Kysely<DB> | Transaction<DB>, usernames: string[], now: Date): Promise<Map<string, StaffLocks>> {
  const locks = new Map<string, StaffLocks>();
  if (!usernames.length) return locks;
  const rows = await db.selectFrom('staff_sign_in_failures')
    .select((eb) => ['username', eb.fn.countAll<string | number>().as('addresses'), eb.fn.max('locked_until').as('until')])
    .where('username', 'in', usernames).where('locked_until', '>', now)
    .groupBy('username').execute();
  for (const r of rows) locks.set(r.username, { addresses: Number(r.addresses), until: r.until ? new Date(r.until) : null });
  return locks;
}

export async function staffLocksOf(db: Kysely<DB> | Transaction<DB>, username: string, now: Date): Promise<StaffLocks> {
  return (await staffLocks(db, [username], now)).get(username) ?? NO_LOCKS;
}
