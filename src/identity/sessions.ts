// Server-side sessions: the cookie carries a random token, the database keeps only its hash.
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB, StaffRole } from '../db/schema.ts';

export const SESSION_COOKIE = 'zx_session';
export const SUBSCRIBER_SESSION_MINUTES = 120;
export const STAFF_SESSION_MINUTES = 12 * 60;

export type Principal =
  | { kind: 'subscriber'; sessionHash: string; customerId: string; msisdn: string; realNameVerified: boolean }
  | { kind: 'staff'; sessionHash: string; staffId: string; username: string; role: StaffRole; storeId: string | null; displayName: string; /** company_admin only: the company acted for. */ companyId?: string | null };

export const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('base64url');

export async function createSession(
  db: Kysely<DB>,
  s: { kind: 'subscriber' | 'staff'; subjectId: string; customerId?: string | null; minutes: number },
): Promise<string> {
  const token = crypto.randomBytes(32).toString('base64url');
  await db.insertInto('sessions').values({
    id_hash: hashToken(token),
    kind: s.kind,
    subject_id: s.subjectId,
    customer_id: s.customerId ?? null,
    expires_at: new Date(Date.now() + s.minutes * 60_000),
  }).execute();
  return token;
}

export async function loadPrincipal(db: Kysely<DB>, token: string): Promise<Principal | null> {
  const sessionHash = hashToken(token);
  const s = await db.selectFrom('sessions').selectAll().where('id_hash', '=', sessionHash).where('expires_at', '>', new Date()).executeTakeFirst();
  if (!s) return null;
  if (s.kind === 'subscriber') {
    return { kind: 'subscriber', sessionHash, customerId: s.customer_id!, msisdn: s.subject_id, realNameVerified: s.real_name_verified };
  }
  const staff = await db.selectFrom('staff').selectAll().where('id', '=', s.subject_id).executeTakeFirst();
  if (!staff || staff.disabled) return null;
  return {
    kind: 'staff', sessionHash, staffId: staff.id, username: staff.username, role: staff.role, storeId: staff.store_id, displayName: staff.display_name,
    companyId: staff.company_id,
  };
}

export async function endSession(db: Kysely<DB>, sessionHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', sessionHash).execute();
}
