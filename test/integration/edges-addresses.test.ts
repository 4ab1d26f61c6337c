// Client addresses (issue 8.4), over real HTTP on a listening server: 127.0.0.1 and 127.0.0.2 are two
// real clients. X-Forwarded-For is believed only from a proxy listed in ZHUXIAO_TRUSTED_PROXIES, so a
// client cannot step around the per-address SMS limit or forge the audit trail's address; wrong staff
// passwords lock one (username, address) pair, not the account for everyone; admins unlock.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { dropTemplate, startTestApp, testConfig, type TestApp } from '../helpers/context.ts';
import { ApiClient, demoAccounts, staffFor } from '../helpers/api.ts';
import { MAX_FAILED_PASSWORDS, MAX_FAILURES_PER_CLIENT } from '../../src/identity/sign-in-staff.ts';
import { createContext, closeContext } from '../../src/bootstrap.ts';
import { buildApp } from '../../src/http/app.ts';
import { runStaff } from '../../src/cli/staff.ts';
import { runInProcess } from '../helpers/cli.ts';

interface HttpRes { status: number; body: any; headers: http.IncomingHttpHeaders }

/** One client: a source address and its own cookie jar, talking HTTP to the listening app. */
class Client {
  cookies = new Map<string, string>();
  constructor(readonly port: number, readonly from: string) {}

  call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpRes> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1', port: this.port, localAddress: this.from, method, path: url.startsWith('/') ? url : `/api/v1/${url}`,
        agent: false,
        headers: {
          ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
          'accept-language': 'en', // the English sentences below; zh-CN is the default
          ...(this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
          ...headers,
        },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          for (const c of res.headers['set-cookie'] ?? []) {
            const [pair] = c.split(';');
            const [k, v] = pair.split('=');
            if (v) this.cookies.set(k, v);
            else this.cookies.delete(k);
          }
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode!, headers: res.headers, body: String(res.headers['content-type']).includes('json') ? JSON.parse(text) : text });
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  }
  post = (url: string, body: unknown = {}, headers?: Record<string, string>) => this.call('POST', url, body, headers);
  get = (url: string, headers?: Record<string, string>) => this.call('GET', url, undefined, headers);
}

async function listen(t: TestApp): Promise<number> {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return (t.app.server.address() as { port: number }).port;
}

/** Valid mobile numbers with no line behind them: the answer is the same, the limits count the same. */
const strangers = (n: number, base = 13900000000) => Array.from({ length: n }, (_, i) => `+86${base + i * 7}`);
const forged = (i: number) => `203.0.113.${i % 250}, 198.51.100.${(i * 7) % 250}`;

let t: TestApp;
let port: number;
let admin: ApiClient;

before(async () => {
  t = await startTestApp({ workers: false });
  port = await listen(t);
  admin = await staffFor(t.app, 'admin');
});
after(async () => {
  await t?.close();
  await dropTemplate();
});

describe('X-Forwarded-For from a client that is not a trusted proxy', () => {
  test('does not get around the per-address SMS limit: 127.0.0.2 is limited, 127.0.0.1 is not', async () => {
    const two = new Client(port, '127.0.0.2');
    const numbers = strangers(31);
    for (const [i, msisdn] of numbers.slice(0, 30).entries()) {
      const r = await two.post('auth/sms-code', { msisdn }, { 'x-forwarded-for': forged(i) });
      assert.equal(r.status, 202, `request ${i + 1}: ${JSON.stringify(r.body)}`);
    }
    const limited = await two.post('auth/sms-code', { msisdn: numbers[30] }, { 'x-forwarded-for': '192.0.2.77' });
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error.code, 'rate_limited');
    assert.match(limited.body.error.message, /network/);

    const one = new Client(port, '127.0.0.1');
    const other = await one.post('auth/sms-code', { msisdn: numbers[30] });
    assert.equal(other.status, 202, 'another address has its own allowance');

    const buckets = await t.ctx.db.selectFrom('rate_limit_hits').select('bucket').distinct().where('bucket', 'like', 'sms-ip:%').execute();
    assert.deepEqual(buckets.map((b) => b.bucket).sort(), ['sms-ip:127.0.0.1', 'sms-ip:127.0.0.2'], 'counted by the real peer address only');
  });

  test('does not forge the address in the audit trail', async () => {
    const who = (await demoAccounts(t.app)).subscribers.find((s) => s.scenario === 'clean_physical')!;
    const c = new Client(port, '127.0.0.5');
    assert.equal((await c.post('auth/sms-code', { msisdn: who.msisdn }, { 'x-forwarded-for': '198.51.100.23' })).status, 202);
    const outbox = await new ApiClient(t.app).get(`dev/outbox?to=${encodeURIComponent(who.msisdn)}&limit=1`);
    const code = /\b(\d{6})\b/.exec(outbox.body.messages[0].text)![1];
    const signed = await c.post('auth/sign-in', { msisdn: who.msisdn, code }, { 'x-forwarded-for': '198.51.100.23' });
    assert.equal(signed.status, 200, JSON.stringify(signed.body));
    const entry = await t.ctx.db.selectFrom('audit_log').select('ip').where('action', '=', 'subscriber.sign_in').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    assert.equal(entry.ip, '127.0.0.5');
  });
});

describe('a proxy listed in ZHUXIAO_TRUSTED_PROXIES', () => {
  test('is believed; anyone else is not', async () => {
    const proxied = await startTestApp({ workers: false, config: { trustedProxies: ['127.0.0.2'] } });
    try {
      const p = await listen(proxied);
      const [a, b] = strangers(2, 13700000000);
      assert.equal((await new Client(p, '127.0.0.2').post('auth/sms-code', { msisdn: a }, { 'x-forwarded-for': '203.0.113.7' })).status, 202);
      assert.equal((await new Client(p, '127.0.0.1').post('auth/sms-code', { msisdn: b }, { 'x-forwarded-for': '203.0.113.8' })).status, 202);
      const buckets = await proxied.ctx.db.selectFrom('rate_limit_hits').select('bucket').distinct().where('bucket', 'like', 'sms-ip:%').execute();
      assert.deepEqual(buckets.map((r) => r.bucket).sort(), ['sms-ip:127.0.0.1', 'sms-ip:203.0.113.7']);
    } finally {
      await proxied.close();
    }
  });
});

describe('wrong staff passwords', () => {
  const username = 'counter.two';
  const password = 'the right passphrase 42';
  let staffId: string;

  before(async () => {
    const r = await admin.post('admin/staff', { username, role: 'reviewer', password });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    staffId = r.body.staff.id;
  });

  test(`lock one address out after ${MAX_FAILED_PASSWORDS}; the account still opens from another; an admin unlocks`, async () => {
    const attacker = new Client(port, '127.0.0.2');
    for (let i = 1; i < MAX_FAILED_PASSWORDS; i++) {
      const r = await attacker.post('staff/sign-in', { username, password: `wrong-${i}` }, { 'x-forwarded-for': forged(i) });
      assert.equal(r.status, 401, `attempt ${i}`);
    }
    const locked = await attacker.post('staff/sign-in', { username, password: 'wrong-last' });
    assert.equal(locked.status, 423);
    assert.equal(locked.body.error.code, 'locked');
    assert.equal((await attacker.post('staff/sign-in', { username, password })).status, 423, 'even the right password waits, from that address');
    assert.equal((await attacker.post('staff/sign-in', { username, password }, { 'x-forwarded-for': '10.9.9.9' })).status, 423, 'a forged X-Forwarded-For does not help');

    const owner = new Client(port, '127.0.0.1');
    const mine = await owner.post('staff/sign-in', { username, password });
    assert.equal(mine.status, 200, `the owner at another address signs in: ${JSON.stringify(mine.body)}`);

    const listed = (await admin.get('admin/staff')).body.items.find((s: any) => s.username === username);
    assert.equal(listed.locked, true);
    assert.equal(listed.lockedAddresses, 1);
    const unlocked = await admin.post(`admin/staff/${staffId}/unlock`);
    assert.equal(unlocked.status, 200, JSON.stringify(unlocked.body));
    assert.equal(unlocked.body.staff.locked, false);
    assert.equal(unlocked.body.unlockedAddresses, 1);
    assert.equal((await attacker.post('staff/sign-in', { username, password })).status, 200, 'unlocked');

    const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'ip', 'actor_kind']).where('subject', '=', `staff:${staffId}`).where('action', '=', 'staff.unlock').execute();
    assert.equal(audit.length, 1);
    assert.equal(audit[0].actor_kind, 'staff');
    const nonAdmin = await staffFor(t.app, 'ops');
    assert.equal((await nonAdmin.post(`admin/staff/${staffId}/unlock`)).status, 403);
  });

  test('sent all at once, at most five are checked', async () => {
    const burst = new Client(port, '127.0.0.3');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => burst.post('staff/sign-in', { username, password: `burst-${i}` })));
    const statuses = results.map((r) => r.status);
    assert.ok(statuses.every((s) => s === 401 || s === 423), statuses.join(','));
    assert.ok(statuses.filter((s) => s === 401).length <= MAX_FAILED_PASSWORDS - 1, statuses.join(','));
    const checked = await t.ctx.db.selectFrom('audit_log').select('action').where('actor_id', '=', staffId).where('ip', '=', '127.0.0.3')
      .where('action', 'in', ['staff.sign_in_failed', 'staff.locked']).execute();
    assert.equal(checked.length, MAX_FAILED_PASSWORDS, 'five passwords were checked, not twenty');
    assert.equal(checked.filter((c) => c.action === 'staff.locked').length, 1);
    assert.equal((await new Client(port, '127.0.0.1').post('staff/sign-in', { username, password })).status, 200, 'the owner is not locked out');
  });

  test(`one address spraying wrong passwords over many usernames is stopped after ${MAX_FAILURES_PER_CLIENT}`, async () => {
    const sprayer = new Client(port, '127.0.0.6');
    const first = await Promise.all(Array.from({ length: MAX_FAILURES_PER_CLIENT }, (_, i) => sprayer.post('staff/sign-in', { username: `spray.${i}`, password: 'Password1!' })));
    assert.ok(first.every((r) => r.status === 401), first.map((r) => r.status).join(','));
    const stopped = await sprayer.post('staff/sign-in', { username, password });
    assert.equal(stopped.status, 429, 'even a right password, from that address');
    assert.equal(stopped.body.error.code, 'rate_limited');
    assert.equal((await new Client(port, '127.0.0.1').post('staff/sign-in', { username, password })).status, 200, 'other addresses are not affected');
  });

  test('an unknown username locks the same way, so a lock tells nothing about which usernames exist', async () => {
    const c = new Client(port, '127.0.0.4');
    const statuses: number[] = [];
    for (let i = 0; i < MAX_FAILED_PASSWORDS + 1; i++) statuses.push((await c.post('staff/sign-in', { username: 'nobody.here', password: `guess-${i}` })).status);
    assert.deepEqual(statuses, [401, 401, 401, 401, 423, 423]);
  });
});

// The command's own function, in-process (test/integration/staff-cli.test.ts runs the binary), on an
// embedded database whichever database the suite is on: it runs once, in the embedded run.
describe('zhuxiao staff unlock', { skip: process.env.DATABASE_URL ? 'runs in the embedded-database run (the command always uses PGlite here)' : false }, () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhuxiao-unlock-'));
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const config = testConfig({ dataDir, dev: false, databaseUrl: undefined });
  const zhuxiao = (args: string[]) => runInProcess((io) => runStaff(config, args, io));

  test('lifts the locks an address earned', async () => {
    const created = await zhuxiao(['create', '--username', 'cli.locked', '--role', 'ops']);
    assert.equal(created.code, 0, created.stderr);
    const ctx = await createContext(config, { workers: false });
    const app = await buildApp(ctx, { logger: false });
    try {
      await app.ready();
      const api = new ApiClient(app);
      for (let i = 0; i < MAX_FAILED_PASSWORDS; i++) await api.post('staff/sign-in', { username: 'cli.locked', password: `nope-${i}` });
    } finally {
      await app.close();
      await closeContext(ctx);
    }
    const listed = await zhuxiao(['list']);
    assert.match(listed.stdout, /^cli\.locked\s+ops\s+-\s+locked \(1 address\) until /m, listed.stdout);
    const unlocked = await zhuxiao(['unlock', 'cli.locked']);
    assert.equal(unlocked.code, 0, unlocked.stderr);
    assert.match(unlocked.stdout, /cli\.locked is unlocked \(1 address may sign in again\)/);
    assert.match((await zhuxiao(['list'])).stdout, /^cli\.locked\s+ops\s+-\s+active/m);
    assert.equal((await zhuxiao(['unlock'])).code, 2, 'unlock takes a USERNAME');
    assert.equal((await zhuxiao(['unlock', 'no.such.user'])).code, 1);
  });
});
