// Rules for staff accounts: usernames, passwords, roles, and the shape staff are shown in. Pure.
import crypto from 'node:crypto';
import type { Staff, StaffRole } from '../db/schema.ts';
import { AppError } from '../shared/errors.ts';
import { MAX_PASSWORD_LENGTH } from '../shared/body-limits.ts';

export const STAFF_ROLES: readonly StaffRole[] = ['clerk', 'reviewer', 'ops', 'admin'];
export const MIN_PASSWORD_LENGTH = 10;
export { MAX_PASSWORD_LENGTH } from '../shared/body-limits.ts';

/** Who manages an account: an admin through the API, or the operator at the command line. */
export type StaffAdminActor = { kind: 'staff'; id: string; ip: string } | { kind: 'system'; via: 'cli' };

export function normaliseUsername(username: string): string {
  const u = username.trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9._-]{2,63}$/.test(u)) {
    throw new AppError('validation_failed', 'A username is 3 to 64 characters: letters, digits, dot, dash or underscore, starting with a letter or digit.');
  }
  return u;
}

export function checkRole(role: string): StaffRole {
  if (!(STAFF_ROLES as readonly string[]).includes(role)) throw new AppError('validation_failed', `The role must be one of: ${STAFF_ROLES.join(', ')}.`);
  return role as StaffRole;
}

export function checkPassword(password: string): string {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new AppError('validation_failed', `A password has ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters.`);
  }
  if (new Set(password).size < 4) throw new AppError('validation_failed', 'That password is too easy to guess.');
  return password;
}

/** A random password shown once to whoever creates or resets the account (about 96 bits). */
export function generatePassword(): string {
  return crypto.randomBytes(12).toString('base64url');
}

export interface StaffView {
  id: string;
  username: string;
  displayName: string;
  role: StaffRole;
  storeId: string | null;
  disabled: boolean;
  /** Locked out from at least one client address (too many wrong passwords from there). */
  locked: boolean;
  /** The latest end of those locks. */
  lockedUntil: string | null;
  /** How many client addresses are locked out of this account right now. */
  lockedAddresses: number;
  createdAt: string;
}

/** The sign-in locks on an account: how many addresses, and until when the last one lasts. */
export interface StaffLocks { addresses: number; until: Date | null }
export const NO_LOCKS: StaffLocks = { addresses: 0, until: null };

export function staffView(s: Staff, now: Date, locks: StaffLocks = NO_LOCKS): StaffView {
  const lockedUntil = locks.until && locks.until > now ? locks.until : null;
  return {
    id: s.id,
    username: s.username,
    displayName: s.display_name,
    role: s.role,
    storeId: s.store_id,
    disabled: s.disabled,
    locked: !!lockedUntil,
    lockedUntil: lockedUntil ? lockedUntil.toISOString() : null,
    lockedAddresses: lockedUntil ? locks.addresses : 0,
    createdAt: s.created_at.toISOString(),
  };
}

export const auditActor = (a: StaffAdminActor) =>
  a.kind === 'staff' ? { actorKind: 'staff' as const, actorId: a.id, ip: a.ip } : { actorKind: 'system' as const, actorId: null, ip: null };
export const auditVia = (a: StaffAdminActor) => (a.kind === 'staff' ? 'api' : 'cli');
