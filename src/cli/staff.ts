// `zhuxiao staff …`: staff accounts from the command line. This is how a production installation
// gets its first admin (it starts with no accounts at all). Works on the configured database
// (DATABASE_URL, or the embedded one under ZHUXIAO_DATA_DIR, which must not be in use by a running
// server). Every change is audited as a system action.
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { openConfiguredDatabase } from '../bootstrap.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { seedReferenceData } from '../db/seed/reference-data.ts';
import { createStaff } from '../staff/create-staff.ts';
import { disableStaff, enableStaff } from '../staff/disable-staff.ts';
import { resetStaffPassword } from '../staff/reset-staff-password.ts';
import { listStaff } from '../staff/list-staff.ts';
import { unlockStaff } from '../staff/unlock-staff.ts';
import { STAFF_ROLES, type StaffAdminActor } from '../staff/staff-rules.ts';
import { AppError } from '../shared/errors.ts';
import { processIo, type CliIo } from './io.ts';

export const STAFF_USAGE = `Usage:
  zhuxiao staff create --username U --role ${STAFF_ROLES.join('|')} [--store STORE_ID] [--display-name NAME] [--password-stdin]
  zhuxiao staff list
  zhuxiao staff disable USERNAME
  zhuxiao staff enable USERNAME
  zhuxiao staff unlock USERNAME
  zhuxiao staff reset-password USERNAME [--password-stdin]

Without --password-stdin a password is generated and printed once. A clerk needs --store.
`;

const CLI: StaffAdminActor = { kind: 'system', via: 'cli' };

export async function runStaff(config: Config, args: string[], io: CliIo = processIo): Promise<number> {
  const usage = (message: string): number => {
    io.err(`zhuxiao staff: ${message}\n\n${STAFF_USAGE}`);
    return 2;
  };
  const printPassword = (password: string | null): void => {
    if (!password) return;
    io.out(`password: ${password}\n`);
    io.err('The password is shown only this once: hand it over securely.\n');
  };
  const [sub, ...rest] = args;
  const known = ['create', 'list', 'disable', 'enable', 'unlock', 'reset-password'];
  if (!sub || !known.includes(sub)) return usage(sub ? `unknown staff command: ${sub}` : 'which staff command?');
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      username: { type: 'string' },
      role: { type: 'string' },
      store: { type: 'string' },
      'display-name': { type: 'string' },
      'password-stdin': { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  const target = positionals[0];
  if (sub === 'create' && (!values.username || !values.role || positionals.length)) return usage('create needs --username and --role');
  if ((sub === 'disable' || sub === 'enable' || sub === 'unlock' || sub === 'reset-password') && (!target || positionals.length !== 1)) return usage(`${sub} takes one USERNAME`);
  if (sub === 'list' && positionals.length) return usage('list takes no arguments');
  const password = values['password-stdin'] ? (await io.readStdin()).replace(/\r?\n$/, '') : undefined;

  const database = await openConfiguredDatabase(config);
  try {
    await migrateToLatest(database.db);
    await seedReferenceData(database.db);
    const ctx = { db: database.db, now: () => new Date() };
    switch (sub) {
      case 'create': {
        const r = await createStaff(ctx, CLI, { username: values.username!, role: values.role!, storeId: values.store ?? null, displayName: values['display-name'], password });
        io.out(`created staff account ${r.staff.username} (${r.staff.role}${r.staff.storeId ? `, store ${r.staff.storeId}` : ''})\n`);
        printPassword(r.generatedPassword);
        return 0;
      }
      case 'list': {
        const rows = await listStaff(ctx);
        if (!rows.length) {
          io.out('no staff accounts (create the first admin: zhuxiao staff create --username NAME --role admin)\n');
          return 0;
        }
        const table = [['USERNAME', 'ROLE', 'STORE', 'STATUS', 'CREATED'], ...rows.map((s) => [
          s.username, s.role, s.storeId ?? '-', s.disabled ? 'disabled' : s.locked ? `locked (${s.lockedAddresses} address${s.lockedAddresses === 1 ? '' : 'es'}) until ${s.lockedUntil}` : 'active', s.createdAt.slice(0, 10),
        ])];
        const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
        for (const r of table) io.out(`${r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()}\n`);
        return 0;
      }
      case 'disable':
      case 'enable': {
        const s = await (sub === 'disable' ? disableStaff : enableStaff)(ctx, CLI, { username: target });
        io.out(`${s.username} is ${s.disabled ? 'disabled' : 'enabled'}\n`);
        return 0;
      }
      case 'unlock': {
        const r = await unlockStaff(ctx, CLI, { username: target });
        io.out(r.unlockedAddresses
          ? `${r.staff.username} is unlocked (${r.unlockedAddresses} address${r.unlockedAddresses === 1 ? '' : 'es'} may sign in again)\n`
          : `${r.staff.username} was not locked; failure counts are reset\n`);
        return 0;
      }
      default: {
        const r = await resetStaffPassword(ctx, CLI, { username: target }, password);
        io.out(`password reset for ${r.staff.username}${r.generatedPassword ? '' : ' (from stdin)'}; any lockout is lifted\n`);
        printPassword(r.generatedPassword);
        return 0;
      }
    }
  } catch (e) {
    if (e instanceof AppError) {
      io.err(`zhuxiao staff: ${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    await database.close();
  }
}
