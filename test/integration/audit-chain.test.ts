// The audit log's hash chain on a real database (PGlite on disk, or PostgreSQL with DATABASE_URL):
// verifyAuditChain reading in pages, and `zhuxiao audit verify` exiting 0 on an intact log and 1
// on an edited, deleted or reordered entry.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { appendAudit } from '../../src/audit/append-audit.ts';
import { verifyAuditChain, type AuditRow } from '../../src/audit/verify-chain.ts';
import { cloneDatabase, dropTemplate, onPostgres } from '../helpers/context.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A database the CLI can open too: a PGlite directory (closed while the CLI runs) or a PostgreSQL clone. */
let open: () => Promise<Database>;
let cliEnv: Record<string, string | undefined>;
let cleanup: () => Promise<void>;

before(async () => {
  if (onPostgres) {
    const clone = await cloneDatabase();
    const url = clone.url!;
    await clone.close();
    open = () => openDatabase({ databaseUrl: url, poolSize: 2 });
    cliEnv = { DATABASE_URL: url };
    cleanup = () => clone.drop();
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zx-audit-'));
    open = () => openDatabase({ dataDir: path.join(dir, 'pgdata') });
    cliEnv = { DATABASE_URL: '', ZHUXIAO_DATA_DIR: dir };
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  }
  const database = await open();
  await migrateToLatest(database.db);
  const entries = [
    { actorKind: 'staff' as const, actorId: '6f1c2b7e-0000-4000-8000-000000000001', action: 'request.approve', ip: '10.1.2.3', details: { from: 'pending_review', to: 'approved' } },
    { actorKind: 'worker' as const, action: 'request.start_execution', details: { from: 'approved', to: 'executing' } },
    { actorKind: 'subscriber' as const, actorId: 'c-1', action: 'subscriber.sign_in', subject: 'msisdn:138****8001', ip: '198.51.100.7' },
    { actorKind: 'staff' as const, actorId: 'admin-1', action: 'carrier.settings_update', subject: 'carrier:cmcc', details: { changes: { freezeDays: { from: 90, to: 60 } }, 备注: '冷冻期' } },
    { actorKind: 'worker' as const, action: 'numbers.release', details: { released: 3, byCarrier: { cmcc: 2, cucc: 1 } } },
    { actorKind: 'system' as const, action: 'request.complete', details: { amountFen: 1234, list: [3, 1, 2], flag: true, none: null } },
    { actorKind: 'staff' as const, actorId: 'ops-1', action: 'ops.export_requests', ip: '10.1.2.4', details: { rows: 0 } },
  ];
  for (const e of entries) await database.db.transaction().execute((trx) => appendAudit(trx, e));
  await database.close();
});

after(async () => {
  await cleanup?.();
  await dropTemplate();
});

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'audit', ...args], {
    cwd: ROOT, env: { ...process.env, ...cliEnv, LOG_LEVEL: 'silent' }, encoding: 'utf8', timeout: 120_000,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return { status: r.status, out: line.startsWith('{') ? JSON.parse(line) : null, stderr: r.stderr };
}

/** Opens the database, runs fn, closes it again (PGlite: the CLI needs the directory to itself). */
async function withDb<T>(fn: (db: Database['db']) => Promise<T>): Promise<T> {
  const database = await open();
  try {
    return await fn(database.db);
  } finally {
    await database.close();
  }
}

const rowAt = (db: Database['db'], seq: number) => db.selectFrom('audit_log').selectAll().where('seq', '=', seq).executeTakeFirstOrThrow();
const contentOf = (r: AuditRow) => ({
  at: r.at, actor_kind: r.actor_kind, actor_id: r.actor_id, action: r.action, request_id: r.request_id, subject: r.subject,
  details: JSON.stringify(r.details), ip: r.ip, prev_hash: r.prev_hash, hash: r.hash,
});

describe('audit chain on the database', () => {
  let total = 0;

  test('an untouched log is intact, read in pages, and the CLI exits 0 with the head', async () => {
    const r = await withDb((db) => verifyAuditChain(db, { pageSize: 3 }));
    assert.equal(r.ok, true, JSON.stringify(r));
    total = r.ok ? r.entries : 0;
    assert.ok(total >= 7);
    const head = await withDb((db) => rowAt(db, total));
    const c = cli('verify', '--page-size', '2');
    assert.equal(c.status, 0, c.stderr);
    assert.deepEqual(c.out, { ok: true, entries: total, headSeq: total, headHash: head.hash });
  });

  test('an edited entry: found by verifyAuditChain and the CLI exits 1 naming it', async () => {
    const seq = total - 2;
    const original = await withDb(async (db) => {
      const row = await rowAt(db, seq);
      await sql`UPDATE audit_log SET details = jsonb_set(details, '{amountFen}', '1') WHERE seq = ${seq}`.execute(db);
      return row;
    });
    const r = await withDb((db) => verifyAuditChain(db, { pageSize: 3 }));
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.firstBrokenSeq, seq);
    assert.equal(!r.ok && r.reason, 'entry_altered');
    const c = cli('verify');
    assert.equal(c.status, 1, c.stderr);
    assert.equal(c.out.firstBrokenSeq, seq);
    assert.equal(c.out.entry.seq, seq);
    assert.equal(c.out.entry.action, original.action);

    await withDb((db) => db.updateTable('audit_log').set({ details: JSON.stringify(original.details) }).where('seq', '=', seq).execute());
    assert.equal(cli('verify').status, 0, 'restoring the entry makes the chain whole again');
  });

  test('a deleted entry: a gap at its sequence number, CLI exit 1', async () => {
    const seq = 3;
    const original = await withDb(async (db) => {
      const row = await rowAt(db, seq);
      await db.deleteFrom('audit_log').where('seq', '=', seq).execute();
      return row;
    });
    const r = await withDb((db) => verifyAuditChain(db, { pageSize: 2 }));
    assert.equal(!r.ok && r.firstBrokenSeq, seq);
    assert.equal(!r.ok && r.reason, 'missing_entry');
    const c = cli('verify');
    assert.equal(c.status, 1);
    assert.equal(c.out.firstBrokenSeq, seq);

    await withDb((db) => db.insertInto('audit_log').values({ seq: original.seq, ...contentOf(original) }).execute());
    assert.equal(cli('verify').status, 0);
  });

  test('two entries swapped (reordered): found at the first of them, CLI exit 1', async () => {
    const seq = 4;
    await withDb(async (db) => {
      const a = await rowAt(db, seq);
      const b = await rowAt(db, seq + 1);
      await db.updateTable('audit_log').set(contentOf(b)).where('seq', '=', seq).execute();
      await db.updateTable('audit_log').set(contentOf(a)).where('seq', '=', seq + 1).execute();
    });
    const r = await withDb((db) => verifyAuditChain(db));
    assert.equal(!r.ok && r.firstBrokenSeq, seq);
    const c = cli('verify');
    assert.equal(c.status, 1);
    assert.equal(c.out.firstBrokenSeq, seq);
    assert.equal(c.out.reason, 'entry_altered');
  });

  test('the CLI refuses other audit subcommands with exit 2', () => {
    assert.equal(cli('rewrite').status, 2);
  });
});
