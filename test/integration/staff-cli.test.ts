// `zhuxiao staff …` on a fresh production installation (no demo data, no accounts): the first admin
// is created from the command line, then signs in through the API. Against an embedded database in a
// temporary ZHUXIAO_DATA_DIR, or a fresh PostgreSQL database when DATABASE_URL is set. The real
// command (node bin/zhuxiao.js) runs for the first listing and for a password read from stdin; the
// other calls run the same command function in-process (a process each cost seconds).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createContext, closeContext } from '../../src/bootstrap.ts';
import { buildApp } from '../../src/http/app.ts';
import { testConfig } from '../helpers/context.ts';
import { ApiClient } from '../helpers/api.ts';
import { runInProcess } from '../helpers/cli.ts';
import { runStaff } from '../../src/cli/staff.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhuxiao-cli-'));
const pgDatabase = process.env.DATABASE_URL ? `zx_cli_${process.pid}_${crypto.randomBytes(3).toString('hex')}` : null;
const databaseUrl = pgDatabase ? Object.assign(new URL(process.env.DATABASE_URL!), { pathname: `/${pgDatabase}` }).toString() : undefined;

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

before(async () => {
  if (pgDatabase) await admin(`CREATE DATABASE ${pgDatabase}`);
});
after(async () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (pgDatabase) await admin(`DROP DATABASE IF EXISTS ${pgDatabase} WITH (FORCE)`);
});

/** The real command, in its own process. */
function zhuxiaoBinary(args: string[], input?: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, ZHUXIAO_DATA_DIR: dataDir, ZHUXIAO_DEV: '0', LOG_LEVEL: 'silent' };
  delete env.DATABASE_URL;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  const r = spawnSync(process.execPath, ['bin/zhuxiao.js', 'staff', ...args], { cwd: root, env, input: input ?? '', encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
/** The same command, in-process, on the same database. */
const cliConfig = testConfig({ dataDir, dev: false, databaseUrl });
const zhuxiao = (args: string[]) => runInProcess((io) => runStaff(cliConfig, args, io));
const passwordIn = (stdout: string) => /^password: (\S+)$/m.exec(stdout)?.[1];

describe('zhuxiao staff', () => {
  const passwords: Record<string, string> = {};

  test('a fresh installation has no staff accounts', () => {
    const r = zhuxiaoBinary(['list']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /no staff accounts/);
  });

  test('creates the first admin with a generated password, shown once', async () => {
    const r = await zhuxiao(['create', '--username', 'Boss', '--role', 'admin', '--display-name', '刘站长']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /created staff account boss \(admin\)/);
    passwords.boss = passwordIn(r.stdout)!;
    assert.ok(passwords.boss && passwords.boss.length >= 12, r.stdout);
  });

  test('creates a clerk with a password read from stdin (never printed), and refuses bad input', async () => {
    const r = zhuxiaoBinary(['create', '--username', 'clerk1', '--role', 'clerk', '--store', 'cmcc-bj-001', '--password-stdin'], 'counter-password-1\n');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(passwordIn(r.stdout), undefined);
    assert.ok(!r.stdout.includes('counter-password-1'));
    passwords.clerk1 = 'counter-password-1';

    const noStore = await zhuxiao(['create', '--username', 'clerk2', '--role', 'clerk']);
    assert.equal(noStore.code, 1);
    assert.match(noStore.stderr, /store/);
    const taken = await zhuxiao(['create', '--username', 'clerk1', '--role', 'ops']);
    assert.equal(taken.code, 1);
    assert.match(taken.stderr, /taken/);
    const usage = await zhuxiao(['create', '--username', 'x']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /Usage:/);
    assert.equal((await zhuxiao(['frobnicate'])).code, 2);
  });

  test('resets a password, disables an account, and keeps the last admin', async () => {
    assert.equal((await zhuxiao(['create', '--username', 'clerk2', '--role', 'clerk', '--store', 'cmcc-sh-001'])).code, 0);
    const reset = await zhuxiao(['reset-password', 'clerk2']);
    assert.equal(reset.code, 0, reset.stderr);
    passwords.clerk2 = passwordIn(reset.stdout)!;
    assert.ok(passwords.clerk2);

    assert.equal((await zhuxiao(['disable', 'clerk1'])).code, 0);
    const lastAdmin = await zhuxiao(['disable', 'boss']);
    assert.equal(lastAdmin.code, 1);
    assert.match(lastAdmin.stderr, /last active admin/);

    const list = await zhuxiao(['list']);
    assert.equal(list.code, 0);
    const lines = list.stdout.trim().split('\n');
    assert.match(lines[0], /^USERNAME\s+ROLE\s+STORE\s+STATUS/);
    assert.match(list.stdout, /^boss\s+admin\s+-\s+active/m);
    assert.match(list.stdout, /^clerk1\s+clerk\s+cmcc-bj-001\s+disabled/m);
    assert.match(list.stdout, /^clerk2\s+clerk\s+cmcc-sh-001\s+active/m);
  });

  test('the platform then signs in the accounts the command created, and has no demo accounts', async () => {
    const ctx = await createContext(testConfig({ dataDir, dev: false, databaseUrl }), { workers: false });
    const app = await buildApp(ctx, { logger: false });
    try {
      await app.ready();
      const boss = new ApiClient(app);
      const signIn = await boss.post('staff/sign-in', { username: 'boss', password: passwords.boss });
      assert.equal(signIn.status, 200, JSON.stringify(signIn.body));
      assert.equal(signIn.body.staff.role, 'admin');
      assert.equal(signIn.body.staff.displayName, '刘站长');
      const list = await boss.get('admin/staff');
      assert.deepEqual(list.body.items.map((s: any) => s.username).sort(), ['boss', 'clerk1', 'clerk2']);

      assert.equal((await new ApiClient(app).post('staff/sign-in', { username: 'clerk2', password: passwords.clerk2 })).status, 200);
      assert.equal((await new ApiClient(app).post('staff/sign-in', { username: 'clerk1', password: passwords.clerk1 })).status, 401, 'disabled');
      assert.equal((await new ApiClient(app).post('staff/sign-in', { username: 'admin', password: 'admin-demo-1' })).status, 401, 'no demo accounts');
      assert.equal((await new ApiClient(app).get('dev/demo-accounts')).status, 404);

      const audit = await ctx.db.selectFrom('audit_log').select(['action', 'actor_kind', 'details']).where('action', 'like', 'staff.%').where('actor_kind', '=', 'system').orderBy('seq').execute();
      assert.deepEqual(audit.map((a) => a.action), ['staff.create', 'staff.create', 'staff.create', 'staff.reset_password', 'staff.disable']);
      assert.ok(audit.every((a) => (a.details as any).via === 'cli'));
    } finally {
      await app.close();
      await closeContext(ctx);
    }
  });
});
