// The sealed audit log on a real database (PGlite on disk, or PostgreSQL with DATABASE_URL):
// verifyAuditChain reading in pages, `zhuxiao audit checkpoint` printing a signed checkpoint, and
// `zhuxiao audit verify` exiting 0 on an intact log and 1 on an edited, deleted or reordered entry,
// on a deleted tail, and (given a checkpoint saved earlier) on a tail deleted with its checkpoints.
// The first checkpoint and verification run the real command (a process); the others run the same
// command function in-process on the same database.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { createPiiVault } from '../../src/identity/pii.ts';
import { appendAudit, type AuditEntry } from '../../src/audit/append-audit.ts';
import { sealAuditLog } from '../../src/audit/seal-audit-log.ts';
import { auditLeafHash } from '../../src/audit/audit-tree.ts';
import { verifyAuditChain, type AuditRow } from '../../src/audit/verify-chain.ts';
import { generateSigningKey, verifyPayload } from '../../src/certificates/signing.ts';
import { cloneDatabase, dropTemplate, onPostgres, testConfig } from '../helpers/context.ts';
import { runInProcess } from '../helpers/cli.ts';
import { auditCommand } from '../../src/cli/audit.ts';
import type { Config } from '../../src/config.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'zx-audit-'));

/** A database the CLI can open too: a PGlite directory (closed while the CLI runs) or a PostgreSQL clone. */
let open: () => Promise<Database>;
let cliEnv: Record<string, string | undefined>;
let cliConfig: Config;
let cleanup: () => Promise<void>;
const vault = createPiiVault(crypto.randomBytes(32));

/** Appends each entry in its own transaction and seals after each: one checkpoint per entry. */
async function appendAndSeal(db: Database['db'], entries: AuditEntry[]) {
  for (const e of entries) {
    await db.transaction().execute((trx) => appendAudit(trx, e));
    const r = await sealAuditLog({ db, vault, now: () => new Date() });
    assert.equal(r.status, 'sealed');
  }
}

before(async () => {
  if (onPostgres) {
    const clone = await cloneDatabase();
    const url = clone.url!;
    await clone.close();
    open = () => openDatabase({ databaseUrl: url, poolSize: 2 });
    cliEnv = { DATABASE_URL: url };
    cliConfig = testConfig({ databaseUrl: url, dev: false });
    cleanup = () => clone.drop();
  } else {
    open = () => openDatabase({ dataDir: path.join(TMP, 'pgdata') });
    cliEnv = { DATABASE_URL: '', ZHUXIAO_DATA_DIR: TMP };
    cliConfig = testConfig({ dataDir: TMP, databaseUrl: undefined, dev: false });
    cleanup = async () => undefined;
  }
  const database = await open();
  await migrateToLatest(database.db);
  await appendAndSeal(database.db, [
    { actorKind: 'staff', actorId: '6f1c2b7e-0000-4000-8000-000000000001', action: 'request.approve', ip: '10.1.2.3', details: { from: 'pending_review', to: 'approved' } },
    { actorKind: 'worker', action: 'request.start_execution', details: { from: 'approved', to: 'executing' } },
    { actorKind: 'subscriber', actorId: 'c-1', action: 'subscriber.sign_in', subject: 'msisdn:138****8001', ip: '198.51.100.7' },
    { actorKind: 'staff', actorId: 'admin-1', action: 'carrier.settings_update', subject: 'carrier:cmcc', details: { changes: { freezeDays: { from: 90, to: 60 } }, 备注: '冷冻期' } },
    { actorKind: 'worker', action: 'numbers.release', details: { released: 3, byCarrier: { cmcc: 2, cucc: 1 } } },
    { actorKind: 'system', action: 'request.complete', details: { amountFen: 1234, list: [3, 1, 2], flag: true, none: null } },
    { actorKind: 'staff', actorId: 'ops-1', action: 'ops.export_requests', ip: '10.1.2.4', details: { rows: 0 } },
  ]);
  await database.close();
});

after(async () => {
  await cleanup?.();
  fs.rmSync(TMP, { recursive: true, force: true });
  await dropTemplate();
});

const lastJson = (stdout: string) => {
  const line = stdout.trim().split('\n').pop() ?? '';
  return line.startsWith('{') ? JSON.parse(line) : null;
};

/** `zhuxiao audit …` as a real process. */
function cliBinary(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'audit', ...args], {
    cwd: ROOT, env: { ...process.env, ...cliEnv, LOG_LEVEL: 'silent' }, encoding: 'utf8', timeout: 120_000,
  });
  return { status: r.status, out: lastJson(r.stdout), stdout: r.stdout, stderr: r.stderr };
}

/** The same command in-process. */
async function cli(...args: string[]) {
  const r = await runInProcess((io) => auditCommand(cliConfig, args, io));
  return { status: r.code, out: lastJson(r.stdout), stdout: r.stdout, stderr: r.stderr };
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

/** `zhuxiao audit checkpoint`, saved to a file as an operator would keep it. */
async function saveCheckpoint(name: string, run: (...args: string[]) => Promise<{ status: number | null; out: any; stdout: string; stderr: string }> = cli): Promise<{ file: string; checkpoint: any }> {
  const c = await run('checkpoint');
  assert.equal(c.status, 0, c.stderr);
  const file = path.join(TMP, name);
  fs.writeFileSync(file, c.stdout);
  return { file, checkpoint: c.out };
}

const rowAt = (db: Database['db'], leaf: number) => db.selectFrom('audit_log').selectAll().where('leaf_index', '=', leaf).executeTakeFirstOrThrow();
const insertRow = (db: Database['db'], r: AuditRow) => db.insertInto('audit_log').values({ ...r, details: JSON.stringify(r.details) }).execute();

describe('sealed audit log on the database', () => {
  let total = 0;
  let first: { file: string; checkpoint: any };

  test('an untouched log is intact, read in pages; the CLI prints a signed checkpoint and exits 0', async () => {
    const r = await withDb((db) => verifyAuditChain(db, { pageSize: 3 }));
    assert.ok(r.ok, JSON.stringify(r));
    total = r.entries;
    assert.equal(total, 7);
    assert.equal(r.unsealed, 0);
    assert.equal(r.checkpointsChecked, 7);
    first = await saveCheckpoint('first.json', async (...a) => cliBinary(...a));
    assert.equal(first.checkpoint.payload.treeSize, total);
    assert.equal(first.checkpoint.payload.rootHash, r.rootHash);
    assert.equal(verifyPayload(first.checkpoint, [first.checkpoint.publicKeyPem]).valid, true, 'signed by the audit key it names');
    const c = cliBinary('verify', '--page-size', '2');
    assert.equal(c.status, 0, c.stderr);
    assert.equal(c.out.ok, true);
    assert.equal(c.out.entries, total);
    assert.equal(c.out.rootHash, r.rootHash);
    assert.equal((await cli('verify', '--public-key', writeKey('audit.pem', first.checkpoint.publicKeyPem))).status, 0, 'pinned to the saved key');
  });

  test('an edited entry: found at its seq, CLI exit 1 naming it; restored, intact again', async () => {
    const leaf = 4;
    const original = await withDb(async (db) => {
      const row = await rowAt(db, leaf);
      await sql`UPDATE audit_log SET details = jsonb_set(details, '{amountFen}', '1') WHERE leaf_index = ${leaf}`.execute(db);
      return row;
    });
    const r = await withDb((db) => verifyAuditChain(db, { pageSize: 3 }));
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.reason, 'entry_altered');
    assert.equal(!r.ok && r.firstBrokenSeq, Number(original.seq));
    const c = await cli('verify');
    assert.equal(c.status, 1, c.stderr);
    assert.equal(c.out.firstBrokenSeq, Number(original.seq));
    assert.equal(c.out.entry.action, original.action);

    await withDb((db) => db.updateTable('audit_log').set({ details: JSON.stringify(original.details) }).where('seq', '=', original.seq).execute());
    assert.equal((await withDb((db) => verifyAuditChain(db))).ok, true, 'restoring the entry makes the log whole again');
  });

  test('an edited entry with its leaf hash recomputed: the signed checkpoint catches it, CLI exit 1', async () => {
    const leaf = 2;
    const original = await withDb(async (db) => {
      const row = await rowAt(db, leaf);
      const edited = { ...row, ip: '203.0.113.66' };
      await db.updateTable('audit_log').set({ ip: edited.ip, leaf_hash: Buffer.from(auditLeafHash(edited)).toString('hex') }).where('seq', '=', row.seq).execute();
      return row;
    });
    const c = await cli('verify');
    assert.equal(c.status, 1, c.stderr);
    assert.equal(c.out.reason, 'checkpoint_mismatch');
    assert.equal(c.out.firstBrokenLeafIndex, leaf);
    assert.equal(c.out.firstBrokenSeq, Number(original.seq));
    await withDb((db) => db.updateTable('audit_log').set({ ip: original.ip, leaf_hash: original.leaf_hash }).where('seq', '=', original.seq).execute());
    assert.equal((await withDb((db) => verifyAuditChain(db))).ok, true);
  });

  test('a deleted entry: a gap in the leaf indices, CLI exit 1', async () => {
    const leaf = 2;
    const original = await withDb(async (db) => {
      const row = await rowAt(db, leaf);
      await db.deleteFrom('audit_log').where('seq', '=', row.seq).execute();
      return row;
    });
    const r = await withDb((db) => verifyAuditChain(db, { pageSize: 2 }));
    assert.equal(!r.ok && r.reason, 'missing_entry');
    assert.equal(!r.ok && r.firstBrokenLeafIndex, leaf);
    const c = await cli('verify');
    assert.equal(c.status, 1);
    assert.equal(c.out.firstBrokenLeafIndex, leaf);

    await withDb((db) => insertRow(db, original));
    assert.equal((await withDb((db) => verifyAuditChain(db))).ok, true);
  });

  test('two entries reordered (their places swapped, or their contents): found at the first of them, CLI exit 1', async () => {
    const leaf = 3;
    const [a, b] = await withDb(async (db) => {
      const rows = [await rowAt(db, leaf), await rowAt(db, leaf + 1)];
      await db.updateTable('audit_log').set({ leaf_index: -1 }).where('seq', '=', rows[0].seq).execute();
      await db.updateTable('audit_log').set({ leaf_index: leaf }).where('seq', '=', rows[1].seq).execute();
      await db.updateTable('audit_log').set({ leaf_index: leaf + 1 }).where('seq', '=', rows[0].seq).execute();
      return rows;
    });
    let c = await cli('verify');
    assert.equal(c.status, 1);
    assert.equal(c.out.reason, 'checkpoint_mismatch');
    assert.equal(c.out.firstBrokenLeafIndex, leaf);
    assert.equal(c.out.firstBrokenSeq, Number(b.seq));

    const content = (r: AuditRow) => ({ at: r.at, actor_kind: r.actor_kind, actor_id: r.actor_id, action: r.action, subject: r.subject, details: JSON.stringify(r.details), ip: r.ip, leaf_hash: r.leaf_hash });
    await withDb(async (db) => {
      await db.deleteFrom('audit_log').where('seq', 'in', [a.seq, b.seq]).execute();
      // Back in their places, but each with the other's content.
      await insertRow(db, { ...a, ...content(b), details: b.details });
      await insertRow(db, { ...b, ...content(a), details: a.details });
    });
    c = await cli('verify');
    assert.equal(c.status, 1);
    assert.equal(c.out.reason, 'entry_altered');
    assert.equal(c.out.firstBrokenLeafIndex, leaf);

    await withDb(async (db) => {
      await db.deleteFrom('audit_log').where('seq', 'in', [a.seq, b.seq]).execute();
      await insertRow(db, a);
      await insertRow(db, b);
    });
    assert.equal((await withDb((db) => verifyAuditChain(db))).ok, true);
  });

  test('a deleted tail: caught by the newest checkpoint; deleted with its checkpoints, caught by a saved one', async () => {
    await withDb((db) => appendAndSeal(db, [
      { actorKind: 'staff', actorId: 'ops-1', action: 'request.retry', details: { step: 'network' } },
      { actorKind: 'staff', actorId: 'ops-1', action: 'request.resolve_by_hand', details: { note: '已人工处理' } },
      { actorKind: 'staff', actorId: 'admin-1', action: 'staff.disable', subject: 'staff:ops-2' },
    ]));
    const saved = await saveCheckpoint('saved.json');
    assert.equal(saved.checkpoint.payload.treeSize, total + 3);
    const tail = await withDb(async (db) => {
      const rows = await db.selectFrom('audit_log').selectAll().where('leaf_index', '>=', total + 1).execute();
      await db.deleteFrom('audit_log').where('leaf_index', '>=', total + 1).execute();
      return rows;
    });
    let c = await cli('verify');
    assert.equal(c.status, 1, 'the checkpoint of 10 entries is still there');
    assert.equal(c.out.reason, 'truncated');
    assert.equal(c.out.firstBrokenLeafIndex, total + 1);

    await withDb((db) => db.deleteFrom('audit_checkpoints').where('tree_size', '>', total + 1).execute());
    assert.equal((await withDb((db) => verifyAuditChain(db))).ok, true, 'with its checkpoints gone, the shorter log looks whole from inside');
    c = await cli('verify', '--checkpoint', saved.file);
    assert.equal(c.status, 1);
    assert.equal(c.out.reason, 'truncated');
    assert.equal(c.out.firstBrokenLeafIndex, total + 1);
    assert.match(c.out.detail, /were deleted/);

    // The sealer keeps going: new entries take the deleted ones' places, under fresh signatures.
    await withDb((db) => appendAndSeal(db, [
      { actorKind: 'system', action: 'filler.1' }, { actorKind: 'system', action: 'filler.2' }, { actorKind: 'system', action: 'filler.3' },
    ]));
    assert.equal((await withDb((db) => verifyAuditChain(db))).ok, true);
    c = await cli('verify', '--checkpoint', saved.file);
    assert.equal(c.status, 1);
    assert.equal(c.out.reason, 'not_consistent');
    assert.equal(c.out.firstBrokenLeafIndex, total + 1);

    const ok = await cli('verify', '--checkpoint', first.file);
    assert.equal(ok.status, 0, 'the first checkpoint predates the deletion: the log still extends it');
    assert.equal(ok.out.consistency.fromTreeSize, total);
    assert.equal(ok.out.consistency.toTreeSize, total + 4);
    assert.ok(ok.out.consistency.proof.length > 0);
    assert.ok(tail.length === 2);
  });

  test('a checkpoint signed by a key that is not trusted is refused', async () => {
    const c = await cli('verify', '--public-key', writeKey('other.pem', generateSigningKey().publicKeyPem));
    assert.equal(c.status, 1);
    assert.equal(c.out.reason, 'bad_checkpoint');
  });

  test('usage errors exit 2', async () => {
    assert.equal((await cli('rewrite')).status, 2);
    assert.equal((await cli('verify', 'extra')).status, 2);
    assert.equal((await cli('verify', '--checkpoint', path.join(TMP, 'no-such-file.json'))).status, 2);
    fs.writeFileSync(path.join(TMP, 'bad.json'), '{"payload":{"log":"zhuxiao-audit","treeSize":"ten"}}');
    assert.equal((await cli('verify', '--checkpoint', path.join(TMP, 'bad.json'))).status, 2);
    assert.equal((await cli('checkpoint', '--page-size', '3')).status, 2);
  });
});

function writeKey(name: string, pem: string): string {
  const file = path.join(TMP, name);
  fs.writeFileSync(file, pem);
  return file;
}
