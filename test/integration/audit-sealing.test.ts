// The audit sealer in a running platform: appends take no lock and are sealed by the background
// loop soon after they commit, even when they commit out of seq order; one sealer at a time across
// contexts (processes), so no entry is ever sealed twice.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import pg from 'pg';
import { appendAudit } from '../../src/audit/append-audit.ts';
import { SEAL_LOCK, sealAuditLog, startAuditSealer, type AuditSealer } from '../../src/audit/seal-audit-log.ts';
import { verifyAuditChain } from '../../src/audit/verify-chain.ts';
import { createContext, closeContext } from '../../src/bootstrap.ts';
import type { AppContext } from '../../src/context.ts';
import { openDatabase } from '../../src/db/database.ts';
import { testAppForFile, onPostgres, testConfig, type TestApp } from '../helpers/context.ts';

let t: TestApp;
testAppForFile({ workers: false }, (app) => (t = app));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits (polling) until no entry with the given action prefix is unsealed; gives up after `ms`. */
async function waitSealed(ctx: AppContext, prefix: string, ms = 15_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const left = await ctx.db.selectFrom('audit_log').select((e) => e.fn.countAll<number>().as('n'))
      .where('action', 'like', `${prefix}%`).where('leaf_index', 'is', null).executeTakeFirstOrThrow();
    if (Number(left.n) === 0) return Date.now() - started;
    if (Date.now() - started > ms) assert.fail(`${left.n} entries (${prefix}) still unsealed after ${ms} ms`);
    await sleep(10);
  }
}

async function assertContiguous(ctx: AppContext) {
  const r = await ctx.db.selectFrom('audit_log')
    .select((e) => [e.fn.countAll<number>().as('n'), e.fn.min('leaf_index').as('lo'), e.fn.max('leaf_index').as('hi')])
    .where('leaf_index', 'is not', null).executeTakeFirstOrThrow();
  assert.equal(Number(r.lo), 0);
  assert.equal(Number(r.hi), Number(r.n) - 1, 'leaf indices 0..n-1, each once');
  const top = await ctx.db.selectFrom('audit_checkpoints').select('tree_size').orderBy('tree_size', 'desc').limit(1).executeTakeFirstOrThrow();
  assert.equal(Number(top.tree_size), Number(r.n), 'the newest checkpoint covers every sealed entry');
  return Number(r.n);
}

describe('audit sealing', () => {
  test('50 concurrent appends, each in its own business transaction, are all sealed by the background loop', async (tc) => {
    const N = 50;
    await Promise.all(Array.from({ length: N }, (_, i) => t.ctx.db.transaction().execute(async (trx) => {
      await appendAudit(trx, { actorKind: 'system', action: `load.append.${i}`, details: { i } });
      // Hold the transaction a little, so commits interleave and land out of seq order.
      if (onPostgres) await sql`SELECT pg_sleep(${(i % 5) / 200})`.execute(trx);
    })));
    const waited = await waitSealed(t.ctx, 'load.append.');
    tc.diagnostic(`all ${N} entries sealed ${waited} ms after the last append committed (${t.ctx.database.kind})`);
    await assertContiguous(t.ctx);
    const r = await verifyAuditChain(t.ctx.db);
    assert.ok(r.ok, JSON.stringify(r));
    assert.ok(r.entries >= N);
  });

  test('an entry whose transaction commits after a later seq was sealed takes the next leaf, not its seq order', { skip: !onPostgres && 'PGlite runs one transaction at a time' }, async () => {
    const sealer = { db: t.ctx.db, vault: t.ctx.vault, now: () => new Date() };
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let appended!: () => void;
    const inserted = new Promise<void>((r) => (appended = r));
    const slow = t.ctx.db.transaction().execute(async (trx) => {
      await appendAudit(trx, { actorKind: 'system', action: 'order.slow' });
      appended();
      await held;
    });
    await inserted;
    await t.ctx.db.transaction().execute((trx) => appendAudit(trx, { actorKind: 'system', action: 'order.fast' }));
    await t.ctx.auditSealer!.sealNow();
    const fast = await t.ctx.db.selectFrom('audit_log').select(['seq', 'leaf_index']).where('action', '=', 'order.fast').executeTakeFirstOrThrow();
    assert.notEqual(fast.leaf_index, null, 'the committed entry is sealed while an earlier seq is still in flight');
    release();
    await slow;
    await sealAuditLog(sealer);
    await waitSealed(t.ctx, 'order.');
    const slowRow = await t.ctx.db.selectFrom('audit_log').select(['seq', 'leaf_index']).where('action', '=', 'order.slow').executeTakeFirstOrThrow();
    assert.ok(Number(slowRow.seq) < Number(fast.seq));
    assert.ok(Number(slowRow.leaf_index) > Number(fast.leaf_index));
    await assertContiguous(t.ctx);
    assert.equal((await verifyAuditChain(t.ctx.db)).ok, true);
  });

  test('a sealer finds the lock held by another process and seals nothing; then seals once it is free', { skip: !onPostgres && 'PGlite has one session' }, async () => {
    await t.ctx.db.transaction().execute((trx) => appendAudit(trx, { actorKind: 'system', action: 'lock.probe' }));
    const other = new pg.Client({ connectionString: t.ctx.database.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock($1)', [SEAL_LOCK]);
      const r = await sealAuditLog({ db: t.ctx.db, vault: t.ctx.vault, now: () => new Date() });
      assert.equal(r.status, 'busy');
      const row = await t.ctx.db.selectFrom('audit_log').select('leaf_index').where('action', '=', 'lock.probe').executeTakeFirstOrThrow();
      assert.equal(row.leaf_index, null);
      await other.query('COMMIT');
    } finally {
      await other.end();
    }
    await t.ctx.auditSealer!.sealNow();
    await waitSealed(t.ctx, 'lock.probe');
  });

  test('sealers in two contexts at once never seal an entry twice', async (tc) => {
    // A second platform context on the same database, as a second process would run (PGlite: a
    // second sealer on the same engine, which only ever has one session).
    let second: AppContext | undefined;
    const sealers: AuditSealer[] = [t.ctx.auditSealer!];
    if (onPostgres) {
      const database = await openDatabase({ databaseUrl: t.ctx.database.url, poolSize: 4 });
      second = await createContext(testConfig(), { database, workers: false, auditSealIntervalMs: 5 });
      sealers.push(second.auditSealer!);
    }
    const extra = startAuditSealer(t.ctx, { intervalMs: 5 });
    sealers.push(extra);
    const before = sealers.map((s) => s.stats());
    const sealedBefore = await assertContiguous(t.ctx).catch(() => 0);
    try {
      for (let wave = 0; wave < 8; wave++) {
        await Promise.all(Array.from({ length: 25 }, (_, i) => t.ctx.db.transaction().execute((trx) => appendAudit(trx, { actorKind: 'system', action: `race.${wave}.${i}` }))));
        if (second) await Promise.all(Array.from({ length: 10 }, (_, i) => second!.db.transaction().execute((trx) => appendAudit(trx, { actorKind: 'system', action: `race.b${wave}.${i}` }))));
        await sleep(7);
      }
      await waitSealed(t.ctx, 'race.');
      await Promise.all(sealers.map((s) => s.sealNow()));
    } finally {
      await extra.stop();
      if (second) await closeContext(second);
    }
    const after = sealers.map((s) => s.stats());
    const delta = after.map((a, i) => ({ sealed: a.sealed - before[i].sealed, errors: a.errors - before[i].errors, busy: a.busy - before[i].busy }));
    tc.diagnostic(`per sealer: ${JSON.stringify(delta)}`);
    assert.deepEqual(delta.map((d) => d.errors), delta.map(() => 0), 'no sealer ever failed (a double seal would collide)');
    const total = await assertContiguous(t.ctx);
    assert.equal(delta.reduce((n, d) => n + d.sealed, 0), total - sealedBefore, 'each entry was sealed by exactly one sealer');
    const r = await verifyAuditChain(t.ctx.db);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.unsealed, 0);
  });
});
