// The platform through database outages, as a real server process (`zhuxiao serve`) on a private
// PostgreSQL server of the test's own (test/helpers/private-postgres.ts), so the machine's shared
// server is never stopped. Connections cut by pg_terminate_backend, then the server stopped and
// started again: the process stays up, calls in flight get 503 `unavailable` with a Retry-After (or
// succeed), /healthz says 503 while the database is away, and once it is back everything works,
// including the approved requests whose jobs were running when it went away. Nothing is lost.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import argon2 from 'argon2';
import { openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { seedReferenceData } from '../../src/db/seed/reference-data.ts';
import { seedDemoData, seedDemoStaff } from '../../src/db/seed/demo-data.ts';
import { createPiiVault } from '../../src/identity/pii.ts';
import { privatePostgresUnavailable, startPrivatePostgres, type PrivatePostgres } from '../helpers/private-postgres.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DB_NAME = 'zhuxiao';
const SUBSCRIBERS = 8;

const skip = !process.env.DATABASE_URL
  ? 'runs on PostgreSQL only (set DATABASE_URL): the embedded database has no connections to lose'
  : privatePostgresUnavailable();

interface Res { status: number; body: any; retryAfter: string | null }

/** A cookie-keeping HTTP client for the server process; `ip` goes in X-Forwarded-For (one per person, for the per-network rate limits). */
class Http {
  cookies = new Map<string, string>();
  constructor(readonly base: string, readonly ip: string) {}
  async call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> {
    const res = await fetch(`${this.base}${url.startsWith('/') ? url : `/api/v1/${url}`}`, {
      method,
      headers: {
        'accept-language': 'en',
        'x-forwarded-for': this.ip,
        ...(this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(20_000), // a call that hangs through an outage fails the test
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (!value || /max-age=0/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch { /* not JSON */ }
    return { status: res.status, body: parsed, retryAfter: res.headers.get('retry-after') };
  }
  get = (url: string) => this.call('GET', url);
  post = (url: string, body: unknown = {}, headers?: Record<string, string>) => this.call('POST', url, body, headers);
}

/** Every answer the server gave during an outage, to check none was a 500. */
const answers: Array<{ what: string; status: number; code?: string; retryAfter: string | null }> = [];
function record(what: string, r: Res): Res {
  answers.push({ what, status: r.status, code: r.body?.error?.code, retryAfter: r.retryAfter });
  return r;
}
const isUnavailable = (r: Res) => r.status === 503 && r.body?.error?.code === 'unavailable' && !!r.retryAfter && Number(r.retryAfter) > 0;

/** Calls until the answer is not a 503 `unavailable` (a client honouring Retry-After, but quicker). */
async function untilAvailable(what: string, call: () => Promise<Res>): Promise<Res> {
  for (let i = 0; ; i++) {
    const r = record(what, await call());
    if (!isUnavailable(r) || i >= 40) return r;
    await sleep(250);
  }
}

let pgServer: PrivatePostgres | undefined;
let server: ChildProcess | undefined;
let serverLog = '';
let base = '';
let reviewer: Http;
let people: Array<{ http: Http; lineId: string; msisdn: string }> = [];

const alive = () => server?.exitCode === null && server.signalCode === null;
const logTail = () => serverLog.slice(-3000);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** /healthz's status once it is 200, or the last one after `ms`. */
async function healthyWithin(ms: number): Promise<number> {
  const until = Date.now() + ms;
  for (;;) {
    const status = await healthz();
    if (status === 200 || Date.now() > until) return status;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function healthz(): Promise<number> {
  try {
    return (await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(10_000) })).status;
  } catch {
    return 0;
  }
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`${what}: not within ${timeoutMs / 1000} s\n--- server log ---\n${logTail()}`);
    await sleep(200);
  }
}

/** The steps of a request that has not finished, for the failure message. */
async function stepsOf(id: string): Promise<string> {
  const r = await pgServer!.query('SELECT step, status, attempts, last_error FROM execution_steps WHERE request_id = $1 ORDER BY position', [id], DB_NAME).catch((e) => ({ rows: [String(e)] }));
  return JSON.stringify(r.rows);
}

/** Waits until the request is completed or needs attention; returns which. */
async function finished(id: string, who: Http, what: string): Promise<string> {
  try {
    return await waitFor(what, 30_000, async () => {
      const s = await statusOf(id, who);
      return s === 'completed' || s === 'needs_attention' ? s : undefined;
    });
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- its steps ---\n${await stepsOf(id)}`, { cause: err });
  }
}

async function statusOf(id: string, who: Http): Promise<string | undefined> {
  const r = await who.get(`cancellations/${id}`);
  return r.status === 200 ? r.body.status : undefined;
}

/** Quote, submit (the same Idempotency-Key on every try) and approve, each retried through 503s. */
async function submitAndApprove(p: { http: Http; lineId: string; msisdn: string }): Promise<string> {
  const quote = await untilAvailable('quote', () => p.http.post('cancellations/quote', { lineId: p.lineId }));
  assert.equal(quote.status, 200, JSON.stringify(quote.body));
  assert.equal(quote.body.eligible, true, JSON.stringify(quote.body.blockers));
  const key = crypto.randomUUID();
  const submit = await untilAvailable('submit', () => p.http.post('cancellations', {
    lineId: p.lineId, quoteVersion: quote.body.version, acknowledgements: quote.body.requiredAcknowledgements,
    confirmLast4: p.msisdn.slice(-4), refundRoute: { type: 'original' },
  }, { 'idempotency-key': key }));
  assert.equal(submit.status, 201, JSON.stringify(submit.body));
  if (submit.body.status === 'pending_review') {
    const ok = await untilAvailable('approve', () => reviewer.post(`review/${submit.body.id}/approve`));
    // A 503 whose transaction did commit leaves the request approved: the retry is then a 409.
    assert.ok(ok.status === 200 || (ok.status === 409 && (await statusOf(submit.body.id, p.http)) !== 'pending_review'), JSON.stringify(ok.body));
  }
  return submit.body.id;
}

async function signIn(msisdn: string, idLast6: string, ip: string): Promise<Http> {
  const http = new Http(base, ip);
  assert.equal((await http.post('auth/sms-code', { msisdn })).status, 202);
  const outbox = await http.get(`dev/outbox?to=${encodeURIComponent(msisdn)}&limit=1`);
  const code = /\b(\d{6})\b/.exec(outbox.body.messages[0].text)![1];
  assert.equal((await http.post('auth/sign-in', { msisdn, code })).status, 200);
  const rn = await http.post('auth/real-name', { idLast6 });
  assert.equal(rn.status, 200, JSON.stringify(rn.body));
  return http;
}

describe('database outages', { skip }, () => {
  before(async () => {
    pgServer = await startPrivatePostgres();
    await pgServer.query(`CREATE DATABASE ${DB_NAME}`);
    const key = crypto.randomBytes(32);
    const vault = createPiiVault(key);

    // Demo data seeded here (cheap staff password hashes), so the server starts on it at once.
    const database = await openDatabase({ databaseUrl: pgServer.url(DB_NAME), poolSize: 4 });
    await migrateToLatest(database.db);
    await seedReferenceData(database.db);
    await seedDemoData(database.db, vault, { customers: 150, seed: 1 });
    await seedDemoStaff(database.db, (p) => argon2.hash(p, { type: argon2.argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 }));
    // Plain lines: one per person, nothing in the way of an online cancellation, funded.
    const rows = await database.db.selectFrom('lines as l').innerJoin('billing_accounts as a', 'a.id', 'l.account_id')
      .innerJoin('customers as cu', 'cu.id', 'l.customer_id')
      .select(['l.id', 'l.msisdn', 'l.customer_id', 'l.account_id', 'cu.id_number_enc'])
      .where('l.status', '=', 'active').where('l.sold_by', '=', 'carrier').where('l.form_factor', '=', 'physical')
      .where('l.bundle_role', '=', 'none').where('l.has_broadband', '=', false).where('l.port_out_status', '=', 'none')
      .where('l.store_only_reason', 'is', null).where('a.arrears_fen', '=', 0).where('l.contract_end', 'is', null)
      .where('cu.kind', '=', 'person').where('cu.deceased', '=', false)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('companion_devices as c').select('c.id').whereRef('c.line_id', '=', 'l.id'))))
      .where((eb) => eb.not(eb.exists(eb.selectFrom('demo_scenarios as s').select('s.scenario').whereRef('s.customer_id', '=', 'l.customer_id'))))
      .orderBy('l.msisdn').execute();
    const picked = rows.filter((r, i) => rows.findIndex((x) => x.customer_id === r.customer_id) === i).slice(0, SUBSCRIBERS + 3);
    assert.equal(picked.length, SUBSCRIBERS + 3, 'enough plain lines in the demo data');
    await database.db.updateTable('billing_accounts').set({ cash_balance_fen: 50_000 }).where('id', 'in', picked.map((p) => p.account_id)).execute();
    await database.close();

    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: pgServer.url(DB_NAME), ZHUXIAO_DEV: '1', PORT: String(port), HOST: '127.0.0.1',
      ZHUXIAO_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'zhuxiao-outage-')), ZHUXIAO_MASTER_KEY: key.toString('base64'),
      LOG_LEVEL: 'warn', ZHUXIAO_WORKERS: '1',
      ZHUXIAO_TRUSTED_PROXIES: '127.0.0.1', // the per-person X-Forwarded-For below
    };
    delete env.NODE_TEST_CONTEXT;
    server = spawn(process.execPath, ['--import', 'tsx', 'bin/zhuxiao.js', 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const s of [server.stdout!, server.stderr!]) s.on('data', (d: Buffer) => (serverLog = (serverLog + d.toString()).slice(-100_000)));
    await waitFor('the server answers /healthz', 60_000, async () => {
      if (!alive()) throw new Error(`the server exited\n${logTail()}`);
      return (await healthz()) === 200 ? true : undefined;
    });

    const staff = (await new Http(base, '10.9.0.1').get('dev/demo-accounts')).body.staff.find((s: any) => s.role === 'reviewer');
    reviewer = new Http(base, '10.9.0.2');
    assert.equal((await reviewer.post('staff/sign-in', { username: staff.username, password: staff.password })).status, 200);
    people = await Promise.all(picked.map(async (r, i) => ({
      http: await signIn(r.msisdn, vault.decrypt(r.id_number_enc).slice(-6), `10.9.1.${i + 1}`), lineId: r.id, msisdn: r.msisdn,
    })));
  });

  after(async () => {
    if (server && alive()) {
      const exited = new Promise((r) => server!.once('exit', r));
      server.kill('SIGTERM');
      await Promise.race([exited, sleep(15_000)]);
      if (alive()) server.kill('SIGKILL');
    }
    await pgServer?.destroy();
  });

  test('connections cut under load: the process stays up, calls in flight get 503 unavailable or succeed, and every request completes', async (t) => {
    const batch = people.slice(0, SUBSCRIBERS);
    let cutting = true;
    // Background readers keep queries in flight the whole time the connections are being cut.
    // Settled at once (allSettled), so a call that fails is reported below, not as an unhandled rejection.
    const readers = Promise.allSettled(batch.slice(0, 4).map(async (p) => {
      while (cutting) {
        record('quote (reader)', await p.http.post('cancellations/quote', { lineId: p.lineId }));
        record('my lines (reader)', await p.http.get('me/lines'));
      }
    }));
    const flows = Promise.allSettled(batch.map(async (p, i) => {
      await sleep(i * 120);
      return submitAndApprove(p);
    }));
    let cut = 0;
    for (let i = 0; i < 6; i++) {
      await sleep(200);
      cut += await pgServer!.terminateBackends(DB_NAME);
    }
    const settled = await flows;
    cutting = false;
    const readersDone = await readers;

    assert.ok(cut > 0, 'connections were cut');
    assert.ok(alive(), `the server process is still running\n--- server log ---\n${logTail()}`);
    assert.doesNotMatch(serverLog, /Unhandled 'error' event|uncaught/i);
    const failures = [...settled, ...readersDone].filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    assert.deepEqual(failures, [], 'every call got an answer');
    const ids = settled.map((r) => (r as PromiseFulfilledResult<string>).value);
    const wrong = answers.filter((a) => !(a.status < 500 || (a.status === 503 && a.code === 'unavailable' && a.retryAfter)));
    assert.deepEqual(wrong, [], 'every answer is a success, a client error, or 503 unavailable with Retry-After');
    t.diagnostic(`${cut} connections cut; ${answers.filter((a) => a.status === 503).length} of ${answers.length} answers were 503 unavailable`);
    // The last cut may have killed an idle pooled connection that the next query meets first: healthy again within seconds.
    assert.equal(await healthyWithin(5_000), 200);

    for (const [i, id] of ids.entries()) {
      assert.equal(await finished(id, batch[i].http, `request ${id} completes`), 'completed', await stepsOf(id));
    }
    // One request per line, and it is the one we were told about: retried submissions were applied once.
    const rows = await pgServer!.query('SELECT id, line_id FROM cancellation_requests WHERE line_id = ANY($1)', [batch.map((p) => p.lineId)], DB_NAME);
    assert.deepEqual(rows.rows.map((r) => r.id).sort(), [...ids].sort());
  });

  test('the database stopped and started again: 503 while it is away, and within seconds of its return everything works, the interrupted jobs included', async (t) => {
    const batch = people.slice(SUBSCRIBERS, SUBSCRIBERS + 2);
    const last = people[SUBSCRIBERS + 2];
    // A slow network system keeps the execution jobs running when the database goes away.
    assert.equal((await reviewer.call('PUT', 'dev/simulators/network', { latencyMs: 1500 })).status, 200);
    const ids: string[] = [];
    for (const p of batch) ids.push(await submitAndApprove(p));
    await waitFor('the execution jobs are running', 15_000, async () =>
      (await Promise.all(ids.map((id, i) => statusOf(id, batch[i].http)))).every((s) => s === 'executing') ? true : undefined);

    await pgServer!.stop('fast');
    const downAt = Date.now();
    const quote = record('quote (database down)', await last.http.post('cancellations/quote', { lineId: last.lineId }));
    assert.ok(isUnavailable(quote), `503 unavailable with Retry-After while the database is down: ${quote.status} ${JSON.stringify(quote.body)} retry-after=${quote.retryAfter}`);
    assert.equal(await healthz(), 503);
    const view = record('request view (database down)', await batch[0].http.get(`cancellations/${ids[0]}`));
    assert.ok(isUnavailable(view), `${view.status} ${JSON.stringify(view.body)}`);
    await sleep(Math.max(0, 3000 - (Date.now() - downAt))); // workers poll, heartbeats fail, for a few seconds
    assert.ok(alive(), `the server survived the database going away\n${logTail()}`);

    await pgServer!.start();
    const backAt = Date.now();
    await waitFor('/healthz is 200 again', 15_000, async () => ((await healthz()) === 200 ? true : undefined));
    const healthyAfter = Date.now() - backAt;
    await reviewer.call('PUT', 'dev/simulators/network', { latencyMs: 0 });
    for (const [i, id] of ids.entries()) {
      assert.equal(await finished(id, batch[i].http, `interrupted request ${id} completes`), 'completed', await stepsOf(id));
    }
    t.diagnostic(`after the database came back: /healthz 200 in ${healthyAfter} ms, the interrupted requests completed in ${Date.now() - backAt} ms`);
    // New work goes through as before.
    const id = await submitAndApprove(last);
    assert.equal(await finished(id, last.http, 'a new request completes'), 'completed', await stepsOf(id));
    assert.ok(alive());
    const wrong = answers.filter((a) => !(a.status < 500 || (a.status === 503 && a.code === 'unavailable' && a.retryAfter)));
    assert.deepEqual(wrong, []);
  });
});
