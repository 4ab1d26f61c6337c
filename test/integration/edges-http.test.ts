// The HTTP edges (issue 9.4): Origin: null refused on cookie writes, security headers everywhere,
// /metrics and /docs closed in production unless configured, body limits per route with a shared
// budget for large uploads, numbers out of URLs, job payloads and logs; and production refuses to
// start without ZHUXIAO_PUBLIC_URL.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { sql } from 'kysely';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { ApiClient, demoAccounts, quoteAndSubmit, staffFor, subscriberFor } from '../helpers/api.ts';
import { buildApp, type App } from '../../src/http/app.ts';
import type { Config } from '../../src/config.ts';
import { isDataPath } from '../../src/http/security.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { STORE_SUBMIT_BODY_LIMIT, STORE_UPLOAD_BUDGET_BYTES } from '../../src/http/routes/store.ts';
import { QUEUES } from '../../src/jobs/queue.ts';
import { LOG_OPTIONS, maskIdentifiersInText } from '../../src/shared/logger.ts';

let t: TestApp;
const extraApps: App[] = [];

before(async () => {
  t = await startTestApp();
});
after(async () => {
  for (const a of extraApps) await a.close();
  await t?.close();
  await dropTemplate();
});

/** The same platform behind another configuration (production mode, an https public URL…). */
async function appWith(config: Partial<Config>): Promise<App> {
  const app = await buildApp({ ...t.ctx, config: { ...t.ctx.config, ...config } }, { logger: false });
  await app.ready();
  extraApps.push(app);
  return app;
}

describe('cross-site guard', () => {
  test('a cookie-bearing write from Origin: null is refused; same-origin and non-browser writes pass', async () => {
    const { api } = await subscriberFor(t.app, 'clean_physical');
    const nul = await api.post('auth/real-name', { idLast6: '000000' }, { origin: 'null' });
    assert.equal(nul.status, 403);
    assert.equal(nul.body.error.code, 'csrf_rejected');
    const other = await api.post('auth/real-name', { idLast6: '000000' }, { origin: 'https://evil.example' });
    assert.equal(other.body.error.code, 'csrf_rejected');
    const same = await api.post('auth/real-name', { idLast6: '000000' }, { origin: 'http://zhuxiao.test', host: 'zhuxiao.test' });
    assert.notEqual(same.body.error?.code, 'csrf_rejected', 'same origin');
    const none = await api.post('auth/real-name', { idLast6: '000000' });
    assert.notEqual(none.body.error?.code, 'csrf_rejected', 'no Origin (not a browser)');
  });
});

describe('security headers', () => {
  test('on every response: pages, API answers, errors, docs', async () => {
    const api = new ApiClient(t.app);
    for (const url of ['/', '/staff/sign-in', '/api/v1/auth/me', '/api/v1/nothing-here', '/healthz', '/docs/', '/openapi.json']) {
      const r = await api.get(url);
      assert.equal(r.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(r.headers['x-frame-options'], 'DENY', url);
      assert.equal(r.headers['referrer-policy'], 'no-referrer', url);
      const csp = String(r.headers['content-security-policy']);
      assert.match(csp, /frame-ancestors 'none'/, url);
      assert.equal(r.headers['cross-origin-resource-policy'], 'same-origin', url);
      if (isDataPath(url)) {
        // An answer for programs: nothing may run in it at all.
        assert.match(csp, /^default-src 'none'(;|$)/, `${url}: no script, style or anything else`);
        assert.equal(r.headers['x-xss-protection'], undefined, `${url}: no page-only headers`);
      } else {
        assert.match(csp, /script-src 'self'(;|$)/, `${url}: no inline or remote scripts`);
        assert.equal(r.headers['cross-origin-opener-policy'], 'same-origin', url);
      }
      assert.equal(r.headers['strict-transport-security'], undefined, `${url}: no HSTS on an http public URL`);
    }
  });

  test('HSTS only when the public URL is https', async () => {
    const app = await appWith({ publicBaseUrl: 'https://zhuxiao.example.cn', publicBaseUrlSet: true });
    const r = await new ApiClient(app).get('/api/v1/auth/me');
    assert.match(String(r.headers['strict-transport-security']), /max-age=31536000/);
    assert.match(String(r.headers['content-security-policy']), /upgrade-insecure-requests/);
  });
});

describe('metrics and docs', () => {
  test('dev mode: both open', async () => {
    const api = new ApiClient(t.app);
    assert.equal((await api.get('/metrics')).status, 200);
    assert.equal((await api.get('/openapi.json')).status, 200);
    assert.ok([200, 302].includes((await api.get('/docs')).status));
  });

  test('production: /metrics needs the bearer token, and is closed without one', async () => {
    const app = await appWith({ dev: false, metricsToken: 'scrape-me-7f3a' });
    const api = new ApiClient(app);
    const none = await api.get('/metrics');
    assert.equal(none.status, 401);
    assert.match(String(none.headers['www-authenticate']), /^Bearer/);
    assert.equal((await api.call('GET', '/metrics', undefined, { authorization: 'Bearer wrong-token' })).status, 401);
    const ok = await api.call('GET', '/metrics', undefined, { authorization: 'Bearer scrape-me-7f3a' });
    assert.equal(ok.status, 200);
    assert.match(String(ok.body), /zhuxiao_/);

    const closed = await appWith({ dev: false, metricsToken: undefined });
    assert.equal((await new ApiClient(closed).call('GET', '/metrics', undefined, { authorization: 'Bearer anything' })).status, 404);
  });

  test('production: /docs and /openapi.json are off unless ZHUXIAO_DOCS=1', async () => {
    const off = new ApiClient(await appWith({ dev: false, docs: undefined }));
    for (const url of ['/openapi.json', '/docs', '/docs/static/index.html']) assert.equal((await off.get(url)).status, 404, url);
    const on = new ApiClient(await appWith({ dev: false, docs: true }));
    assert.equal((await on.get('/openapi.json')).status, 200);
    const dev = new ApiClient(await appWith({ dev: true, docs: false }));
    assert.equal((await dev.get('/openapi.json')).status, 404, 'ZHUXIAO_DOCS=0 turns them off in dev mode too');
  });
});

/** A raw request to the listening app: headers now, the body (if any) when the caller says. */
function rawRequest(port: number, opts: { path: string; cookie: string; contentLength: number }) {
  const req = http.request({
    host: '127.0.0.1', port, method: 'POST', path: opts.path, agent: false,
    headers: { 'content-type': 'application/json', 'content-length': String(opts.contentLength), cookie: opts.cookie },
  });
  const response = new Promise<{ status: number; body: any }>((resolve, reject) => {
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode!, body: text.startsWith('{') ? JSON.parse(text) : text });
      });
    });
    req.on('error', reject);
  });
  response.catch(() => undefined);
  req.flushHeaders();
  return { req, response };
}

describe('body limits', () => {
  test('small JSON routes take 64 KB; the store submission takes documents and signature at their largest', async () => {
    const big = { msisdn: '13800138001', pad: 'x'.repeat(100 * 1024) };
    const sms = await new ApiClient(t.app).post('auth/sms-code', big);
    assert.equal(sms.status, 413);
    const signIn = await new ApiClient(t.app).post('staff/sign-in', { username: 'clerk', password: 'y'.repeat(70 * 1024) });
    assert.equal(signIn.status, 413);

    const clerk = await staffFor(t.app, 'clerk');
    const mb = await clerk.post('store/cancellations', { pad: 'z'.repeat(1024 * 1024) }, { 'idempotency-key': 'body-limit-1' });
    assert.equal(mb.status, 400, 'a 1 MB submission is read and validated, not refused for its size');
    assert.equal(mb.body.error.code, 'validation_failed');
    assert.ok(STORE_SUBMIT_BODY_LIMIT >= 8 * Math.ceil((5 * 1024 * 1024) / 3) * 4, 'room for eight 5 MB documents in base64');
  });

  test('concurrent large uploads share one budget: over it, 503 at once; one at a time per clerk', async (t2) => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.server.address() as { port: number }).port;
    const cookieOf = (c: ApiClient) => [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const clerkA = cookieOf(await staffFor(t.app, 'clerk'));
    const cucc = (await demoAccounts(t.app)).staff.find((s) => s.username === 'clerk-cucc')!;
    const b = new ApiClient(t.app);
    assert.equal((await b.post('staff/sign-in', { username: cucc.username, password: cucc.password })).status, 200);
    const clerkB = cookieOf(b);
    const small = (cookie: string) => {
      const r = rawRequest(port, { path: '/api/v1/store/cancellations', cookie, contentLength: 2 });
      r.req.end('{}');
      return r.response;
    };

    // Clerk A starts a large upload and stalls half-way.
    const held = rawRequest(port, { path: '/api/v1/store/cancellations', cookie: clerkA, contentLength: 40 * 1024 * 1024 });
    held.req.write(Buffer.alloc(256 * 1024, 0x20));
    t2.after(() => held.req.destroy());
    // Once A's upload holds its share, A's second submission is refused (one at a time per clerk).
    let second = await small(clerkA);
    for (let i = 0; i < 100 && second.status !== 429; i++) {
      await sleep(50);
      second = await small(clerkA);
    }
    assert.equal(second.status, 429, JSON.stringify(second.body));
    assert.equal(second.body.error.code, 'rate_limited');

    // Clerk B's 20 MB upload does not fit next to A's 40 MB: refused before its body is read.
    assert.ok(40 + 20 > STORE_UPLOAD_BUDGET_BYTES / 1024 / 1024);
    const tooMuch = rawRequest(port, { path: '/api/v1/store/cancellations', cookie: clerkB, contentLength: 20 * 1024 * 1024 });
    const refused = await tooMuch.response;
    tooMuch.req.destroy();
    assert.equal(refused.status, 503);
    assert.equal(refused.body.error.code, 'unavailable');
    assert.equal(refused.body.error.details.retryAfterSeconds > 0, true);
    // Small ones still fit.
    assert.equal((await small(clerkB)).status, 400);

    // A gives up (connection dropped): the budget comes back.
    held.req.destroy();
    let again = await small(clerkA);
    for (let i = 0; i < 100 && again.status === 429; i++) {
      await sleep(50);
      again = await small(clerkA);
    }
    assert.equal(again.status, 400, 'A may submit again');
    const body = Buffer.from(JSON.stringify({ pad: 'q'.repeat(20 * 1024 * 1024) }));
    const retry = rawRequest(port, { path: '/api/v1/store/cancellations', cookie: clerkB, contentLength: body.length });
    retry.req.end(body);
    const accepted = await retry.response;
    assert.equal(accepted.status, 400, 'B\'s 20 MB upload is now read (and validated)');

    const over = rawRequest(port, { path: '/api/v1/store/cancellations', cookie: clerkB, contentLength: STORE_SUBMIT_BODY_LIMIT + 1 });
    const tooLarge = await over.response;
    over.req.destroy();
    assert.equal(tooLarge.status, 413);
  });
});

describe('numbers out of URLs, job payloads and logs', () => {
  test('finding a line is a POST with the number in the body', async () => {
    const { api, who } = await subscriberFor(t.app, 'multi_line');
    assert.equal((await api.get(`me/lines/find?q=${encodeURIComponent(who.msisdn)}`)).status, 404, 'no GET with the number in the URL');
    const found = await api.post('me/lines/find', { q: who.msisdn });
    assert.equal(found.status, 200, JSON.stringify(found.body));
    assert.equal(found.body.line.msisdn, who.msisdn);
  });

  test('status SMS jobs carry the request id, not the number; the SMS still reaches the number', async () => {
    const { api, who } = await subscriberFor(t.app, 'clean_esim');
    const line = who.lines.find((l) => l.msisdn === who.msisdn)!;
    const { submit } = await quoteAndSubmit(api, line.id, who.msisdn);
    assert.equal(submit.status, 201, JSON.stringify(submit.body));
    const jobs = await sql<{ data: Record<string, unknown> }>`SELECT data FROM pgboss.job WHERE name = ${QUEUES.sms}`.execute(t.ctx.db);
    const mine = jobs.rows.filter((j) => j.data.requestId === submit.body.id);
    assert.ok(mine.length >= 1, 'the job names the request');
    const digits = who.msisdn.replace(/^\+86/, '');
    for (const j of jobs.rows) {
      assert.equal(j.data.to, undefined);
      assert.ok(!JSON.stringify(j.data).includes(digits), 'no full number in any SMS job');
    }
    for (let i = 0; i < 100; i++) {
      const sent = await t.ctx.db.selectFrom('sms_outbox').select('text').where('to_msisdn', '=', who.msisdn).where('idempotency_key', '=', `${submit.body.id}:pending_review`).executeTakeFirst();
      if (sent) return assert.match(sent.text, new RegExp(who.msisdn.slice(-4)));
      await sleep(100);
    }
    assert.fail('the status SMS was not sent');
  });

  test('logs keep only masked numbers: fields, request URLs, error messages', () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    const log = pino({ level: 'info', ...LOG_OPTIONS }, sink);
    log.info({ msisdn: '+8613800138001', job: { to: '+8618600138010', iccid: '89860012345678901234', imsi: '460001234567890' } }, 'sending');
    log.info({ req: { method: 'GET', url: '/api/v1/ops/numbers?msisdn=%2B8613912345678&state=frozen', ip: '127.0.0.1' } }, 'incoming request');
    log.error({ err: new Error('duplicate key value violates unique constraint: Key (msisdn)=(+8613700001111) already exists.') }, 'unhandled error');
    const out = lines.join('');
    for (const full of ['13800138001', '18600138010', '89860012345678901234', '460001234567890', '13912345678', '13700001111']) {
      assert.ok(!out.includes(full), `${full} is not in the log`);
    }
    assert.match(out, /138\*\*\*\*8001/);
    assert.match(out, /msisdn=%2B139\*\*\*\*5678&state=frozen/);
    assert.match(out, /137\*\*\*\*1111/);
    assert.equal(maskIdentifiersInText('request 8d2c… at 2024-06-01'), 'request 8d2c… at 2024-06-01', 'short digit runs stay');
  });
});

describe('configuration', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const serve = (env: Record<string, string>) => {
    const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'silent', PORT: '0', ZHUXIAO_DATA_DIR: '/nonexistent/zhuxiao-edges' };
    return spawnSync(process.execPath, ['bin/zhuxiao.js', 'serve'], { cwd: root, env: { ...base, ...env }, encoding: 'utf8', timeout: 60_000 });
  };

  test('production refuses to start without ZHUXIAO_PUBLIC_URL (exit 2, says why)', () => {
    const r = serve({});
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /ZHUXIAO_PUBLIC_URL is not set/);
    const bad = serve({ ZHUXIAO_PUBLIC_URL: 'https://zhuxiao.example.cn', ZHUXIAO_TRUSTED_PROXIES: '10.0.0.0/8, not-an-address' });
    assert.equal(bad.status, 2, bad.stderr);
    assert.match(bad.stderr, /ZHUXIAO_TRUSTED_PROXIES: "not-an-address"/);
    const ftp = serve({ ZHUXIAO_PUBLIC_URL: 'ftp://zhuxiao.example.cn' });
    assert.equal(ftp.status, 2);
    assert.match(ftp.stderr, /not an http:\/\/ or https:\/\/ URL/);
  });

  test('the variables are read as documented', () => {
    const c = loadConfig({ ZHUXIAO_TRUSTED_PROXIES: '10.0.0.5, 10.1.0.0/16,::1,loopback', ZHUXIAO_METRICS_TOKEN: 'tok', ZHUXIAO_DOCS: '1' });
    assert.deepEqual(c.trustedProxies, ['10.0.0.5', '10.1.0.0/16', '::1', 'loopback']);
    assert.equal(c.metricsToken, 'tok');
    assert.equal(c.docs, true);
    assert.equal(c.publicBaseUrlSet, false);
    assert.equal(loadConfig({}).docs, undefined, 'unset: follows dev mode');
    assert.deepEqual(loadConfig({}).trustedProxies, [], 'no proxy is trusted by default');
    assert.throws(() => loadConfig({ ZHUXIAO_TRUSTED_PROXIES: '10.0.0.0/33' }), ConfigError);
    assert.throws(() => loadConfig({ ZHUXIAO_DOCS: 'yes' }), ConfigError);
  });
});
