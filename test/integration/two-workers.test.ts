// Two `zhuxiao worker` processes share the execution jobs of one database; one is killed (SIGKILL, no
// shutdown) while it holds jobs in the middle of their steps. Its jobs come back once their heartbeat
// goes stale, the other process finishes them, and nothing is lost or done twice: every request
// completes, each step is recorded done once, the money moves once (one ledger entry per kind, each
// balance down by exactly the bill and the refund), one number-pool entry, one certificate, one
// last notice and one status SMS per key in the outbox.
//
// Each process has its own simulators, so an outside call interrupted by the kill is made again by
// the other process with the same idempotency key (a real outside system answers it once); what
// this checks is that the platform's own effects, the ones the conditional step marking guards,
// happen once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { dropTemplate, onPostgres, startTestApp, type TestApp } from '../helpers/context.ts';
import { quoteAndSubmit, staffFor } from '../helpers/api.ts';
import { plainLines, type PlainLine } from '../helpers/plain-lines.ts';
import { STEP_ORDER } from '../../src/cancellation/execution-steps.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const REQUESTS = 12;
const skip = onPostgres ? false : 'runs on PostgreSQL only (set DATABASE_URL): a worker process of its own needs a database server, and PGlite belongs to one process';

let t: TestApp;
const workers: Array<{ child: ChildProcess; log: string }> = [];
const alive = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;
const logs = () => workers.map((w, i) => `--- worker ${i} ---\n${w.log.slice(-3000)}`).join('\n');

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`${what}: not within ${timeoutMs / 1000} s\n${logs()}`);
    await sleep(200);
  }
}

/** `zhuxiao worker` on the test's database, ready once it says so. */
async function startWorker(): Promise<{ child: ChildProcess; log: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env, DATABASE_URL: t.ctx.database.url, ZHUXIAO_DEV: '1', LOG_LEVEL: 'info',
    ZHUXIAO_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'zhuxiao-worker-')), // ZHUXIAO_MASTER_KEY comes from the test helpers
    // Slow enough outside systems that a request spends time in its steps: the kill lands mid-step.
    ZHUXIAO_SIM_NETWORK_LATENCY_MS: '400', ZHUXIAO_SIM_PAYOUTS_LATENCY_MS: '300',
  };
  delete env.NODE_TEST_CONTEXT;
  const w = { child: spawn(process.execPath, ['--import', 'tsx', 'bin/zhuxiao.js', 'worker', '--concurrency', '4'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }), log: '' };
  for (const s of [w.child.stdout!, w.child.stderr!]) s.on('data', (d: Buffer) => (w.log = (w.log + d.toString()).slice(-50_000)));
  workers.push(w);
  await waitFor('the worker is ready', 60_000, async () => {
    if (!alive(w.child)) throw new Error(`the worker exited (${w.child.exitCode})\n${w.log}`);
    return /Zhuxiao worker ready/.test(w.log) ? true : undefined;
  });
  return w;
}

async function statuses(ids: string[]): Promise<Record<string, number>> {
  const rows = await t.ctx.db.selectFrom('cancellation_requests').select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('id', 'in', ids).groupBy('status').execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

describe('two worker processes, one killed mid-step', { skip }, () => {
  before(async () => {
    t = await startTestApp({ workers: false }); // this process only submits and approves; the jobs are the workers'
  });
  after(async () => {
    for (const w of workers) {
      if (!alive(w.child)) continue;
      const exited = new Promise((r) => w.child.once('exit', r));
      w.child.kill('SIGTERM');
      await Promise.race([exited, sleep(15_000)]);
      if (alive(w.child)) w.child.kill('SIGKILL');
    }
    await t?.close();
    await dropTemplate();
  });

  test('the other worker finishes every request; no step, ledger entry or message happens twice', { timeout: 180_000 }, async (tt) => {
    const [a, b] = [await startWorker(), await startWorker()];
    const people: PlainLine[] = await plainLines(t, REQUESTS, new Set());
    const before = new Map<string, number>();
    for (const p of people) {
      const acc = await t.ctx.db.selectFrom('billing_accounts').select('cash_balance_fen').where('id', '=', p.accountId).executeTakeFirstOrThrow();
      before.set(p.accountId, acc.cash_balance_fen);
    }
    const reviewer = await staffFor(t.app, 'reviewer');
    const ids: string[] = [];
    for (const p of people) {
      const { quote, submit } = await quoteAndSubmit(p.api, p.lineId, p.msisdn);
      assert.equal(quote.body.eligible, true, JSON.stringify(quote.body.blockers));
      assert.equal(submit.status, 201, JSON.stringify(submit.body));
      assert.equal((await reviewer.post(`review/${submit.body.id}/approve`)).status, 200);
      ids.push(submit.body.id);
    }

    // More requests executing than one process runs at once (4): some of them are the first worker's.
    await waitFor('five requests executing at once', 60_000, async () => ((await statuses(ids)).executing ?? 0) >= 5 ? true : undefined);
    const exited = new Promise((r) => a.child.once('exit', r));
    a.child.kill('SIGKILL');
    await exited;
    const atKill = await statuses(ids);
    tt.diagnostic(`killed the first worker with ${JSON.stringify(atKill)}`);

    await waitFor('every request terminal', 120_000, async () => {
      const s = await statuses(ids);
      return (s.approved ?? 0) + (s.executing ?? 0) === 0 ? s : undefined;
    });
    assert.ok(alive(b.child), `the second worker is still running\n${logs()}`);
    assert.deepEqual(await statuses(ids), { completed: REQUESTS }, 'every request completed');

    // The kill caught jobs in flight: they failed by lost heartbeat and ran again.
    const retried = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'cancellation-execute' AND retry_count > 0 AND data->>'requestId' = ANY(${ids})`.execute(t.ctx.db);
    assert.ok(retried.rows[0].n >= 1, 'at least one execution job was taken back from the killed worker and run again');

    const db = t.ctx.db;
    const steps = await db.selectFrom('execution_steps').select(['request_id', 'step', 'status']).where('request_id', 'in', ids).execute();
    assert.equal(steps.length, REQUESTS * STEP_ORDER.length, 'one row per step and request');
    assert.deepEqual(steps.filter((s) => s.status !== 'done' && s.status !== 'skipped'), [], 'every step done or skipped');

    const events = await db.selectFrom('request_events').select(['request_id', 'to_status']).where('request_id', 'in', ids).execute();
    for (const id of ids) {
      for (const to of ['executing', 'completed']) {
        assert.equal(events.filter((e) => e.request_id === id && e.to_status === to).length, 1, `request ${id} moved to ${to} once`);
      }
    }

    const requests = await db.selectFrom('cancellation_requests as r').innerJoin('lines as l', 'l.id', 'r.line_id')
      .select(['r.id', 'r.bill_total_fen', 'r.refund_fen', 'l.account_id', 'l.msisdn']).where('r.id', 'in', ids).execute();
    const ledger = await db.selectFrom('ledger_entries').select(['request_id', 'kind', 'amount_fen', 'account_id']).where('request_id', 'in', ids).execute();
    for (const r of requests) {
      const mine = ledger.filter((e) => e.request_id === r.id);
      assert.equal(mine.filter((e) => e.kind === 'final_bill').length, r.bill_total_fen > 0 ? 1 : 0, `one final-bill entry for ${r.id}`);
      assert.equal(mine.filter((e) => e.kind === 'refund').length, r.refund_fen > 0 ? 1 : 0, `one refund entry for ${r.id}`);
      const account = await db.selectFrom('billing_accounts').select('cash_balance_fen').where('id', '=', r.account_id).executeTakeFirstOrThrow();
      assert.equal(account.cash_balance_fen, before.get(r.account_id)! - r.bill_total_fen - r.refund_fen, `the account of ${r.id} was debited once`);
    }

    const pool = await db.selectFrom('number_pool').select(['msisdn']).where('msisdn', 'in', requests.map((r) => r.msisdn)).execute();
    assert.equal(pool.length, REQUESTS, 'one number-pool entry per number');
    const certificates = await db.selectFrom('certificates').select(['serial', 'request_id']).where('request_id', 'in', ids).execute();
    assert.equal(certificates.length, REQUESTS, 'one certificate per request');
    const logged = await db.selectFrom('certificate_log').select('serial').where('serial', 'in', certificates.map((c) => c.serial)).execute();
    assert.equal(logged.length, REQUESTS, 'each certificate in the transparency log once');

    // The outbox keeps one row per idempotency key: the last notice and each status SMS, once.
    // A status SMS is a job of its own: one the killed worker held comes back only once its heartbeat
    // goes stale (10-15 s, plus its retry delay), which can be after every request has completed.
    const keys = ids.flatMap((id) => [`${id}:last_notice`, `${id}:pending_review`, `${id}:approved`]);
    const outbox = () => db.selectFrom('sms_outbox').select('idempotency_key').where('idempotency_key', 'in', keys).execute();
    await waitFor('every notice in the outbox', 60_000, async () => ((await outbox()).length >= keys.length ? true : undefined)).catch(() => undefined);
    const sms = await outbox();
    assert.deepEqual(sms.map((m) => m.idempotency_key).sort(), [...keys].sort(), 'each notice sent once per key');
    tt.diagnostic(`${retried.rows[0].n} execution jobs ran again after the kill`);
  });
});
