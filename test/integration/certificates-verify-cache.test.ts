// The public check by serial remembers what it depends on: the second check of a certificate reads
// nothing from the database, and a revocation is seen at once by the process that made it and, on
// PostgreSQL, by another process (a second app context on the same database) as soon as it commits.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KyselyPlugin } from 'kysely';
import { dropTemplate, onPostgres, startTestApp, testConfig, type TestApp } from '../helpers/context.ts';
import { ApiClient, quoteAndSubmit, staffFor, subscriberFor, waitForStatus } from '../helpers/api.ts';
import { readInfoString } from '../../src/certificates/pdf-info.ts';
import { makeSerial } from '../../src/certificates/serial.ts';
import { activeIdentity, revokeCertificate } from '../../src/pki/pki-store.ts';
import type { AppContext } from '../../src/context.ts';
import type { CarrierCode } from '../../src/db/schema.ts';
import { openDatabase } from '../../src/db/database.ts';
import { closeContext, createContext } from '../../src/bootstrap.ts';
import { buildApp, type App } from '../../src/http/app.ts';

let t: TestApp;
let serial: string;
let code: string;
let carrier: CarrierCode;

before(async () => {
  t = await startTestApp();
  // One certificate, issued the way a subscriber gets it: submitted, approved, carried out.
  const { api, who } = await subscriberFor(t.app, 'proxy');
  const { submit } = await quoteAndSubmit(api, who.lines[0].id, who.msisdn);
  const approved = await (await staffFor(t.app, 'reviewer')).post(`review/${submit.body.id}/approve`);
  assert.equal(approved.status, 200, JSON.stringify({ submit: submit.body, approved: approved.body }));
  const done = await waitForStatus(api, submit.body.id, ['completed', 'needs_attention']);
  assert.equal(done.status, 'completed', JSON.stringify(done));
  serial = done.certificateSerial;
  const row = await t.ctx.db.selectFrom('certificates').select(['pdf', 'carrier']).where('serial', '=', serial).executeTakeFirstOrThrow();
  code = new URL(readInfoString(Buffer.from(row.pdf), 'ZhuxiaoVerifyURL')!).searchParams.get('c')!;
  carrier = row.carrier;
});
after(async () => {
  await t?.close();
  await dropTemplate();
});

const TABLES = ['certificates', 'cancellation_requests', 'signing_keys', 'pki_certificates', 'sessions', 'rate_limit_hits'];

/** The statements `fn` sends through ctx.db that read or write what a check by serial could touch (background work has other tables). */
async function statementsDuring(ctx: AppContext, fn: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const counter: KyselyPlugin = {
    transformQuery: (a) => {
      const text = JSON.stringify(a.node);
      const hit = TABLES.filter((name) => text.includes(`"name":"${name}"`));
      if (hit.length) seen.push(`${a.node.kind} ${hit.join(',')}`);
      return a.node;
    },
    transformResult: async (a) => a.result,
  };
  const db = ctx.db;
  ctx.db = db.withPlugin(counter);
  try {
    await fn();
  } finally {
    ctx.db = db;
  }
  return seen;
}

const verify = (app: App, s = serial, c = code) => new ApiClient(app).get(`certificates/${s}/verify?c=${c}`);

describe('the check by serial, remembered', () => {
  test('the second check of a certificate sends no statement; an unknown serial is asked every time', async () => {
    const first = await statementsDuring(t.ctx, async () => assert.equal((await verify(t.app)).body.valid, true));
    assert.ok(first.length >= 1, 'the first check reads the certificate');
    let second: Awaited<ReturnType<typeof verify>> | undefined;
    assert.deepEqual(await statementsDuring(t.ctx, async () => (second = await verify(t.app))), []);
    assert.equal(second!.status, 200);
    assert.equal(second!.body.valid, true);
    assert.equal(second!.body.access, 'code');
    // Without the code: still only whether it exists, from memory too.
    assert.deepEqual((await new ApiClient(t.app).get(`certificates/${serial}/verify`)).body, { serial, exists: true, access: 'none' });

    // A well-formed serial no certificate has (yet): asked every time, so one issued a moment later verifies.
    const unknown = makeSerial(carrier, new Date(), 999_998);
    for (let i = 0; i < 2; i++) {
      let r: Awaited<ReturnType<typeof verify>> | undefined;
      const reads = await statementsDuring(t.ctx, async () => (r = await verify(t.app, unknown)));
      assert.equal(r!.status, 404);
      assert.ok(reads.length >= 1, 'an unknown serial is not remembered');
    }
  });

  test('a check answered from memory carries the same headers and body as a computed one', async () => {
    const fresh = `certificates/${serial}/verify?c=${code}&fresh=${Date.now()}`; // a URL not asked before
    const computed = await new ApiClient(t.app).get(fresh);
    assert.ok(t.ctx.verifyCache?.answer(`/api/v1/${fresh}`), 'the public answer is kept as sent');
    const remembered = await new ApiClient(t.app).get(fresh);
    assert.equal(computed.status, 200);
    assert.deepEqual(remembered.body, computed.body);
    const headers = (r: typeof computed) => Object.fromEntries(Object.entries(r.headers).filter(([k]) => k !== 'date'));
    assert.deepEqual(headers(remembered), headers(computed));
    assert.equal(remembered.headers['cache-control'], 'private, no-store');
    assert.ok(remembered.headers['content-security-policy'], 'the security headers are sent');
    // Signed in, the answer is computed for the person (more facts for the owner or staff), never the public one.
    const staff = await staffFor(t.app, 'reviewer');
    const forStaff = await staff.get(fresh);
    assert.equal(forStaff.body.access, 'staff');
  });

  test(`a revocation of the signing certificate is seen at once${onPostgres ? ', by another process too (NOTIFY on commit)' : ''}`, async () => {
    const other = onPostgres ? await secondApp(t.ctx) : undefined;
    try {
      assert.equal((await verify(t.app)).body.valid, true);
      if (other) assert.equal((await verify(other.app)).body.valid, true);
      const heard = other ? invalidated(other.ctx) : undefined;

      const signer = await activeIdentity(t.ctx, 'carrier', carrier);
      assert.equal(await revokeCertificate(t.ctx.db, signer.serial, new Date()), true);

      const here = await verify(t.app);
      assert.equal(here.body.valid, false);
      assert.equal(here.body.reason, 'certificate_revoked');
      if (other) {
        await heard;
        const there = await verify(other.app);
        assert.equal(there.body.valid, false);
        assert.equal(there.body.reason, 'certificate_revoked');
      }
    } finally {
      await other?.close();
    }
  });
});

/** Resolves when the context's verify cache is dropped (a notification), fails after 5 s. */
function invalidated(ctx: AppContext): Promise<void> {
  const cache = ctx.verifyCache!;
  const original = cache.invalidate.bind(cache);
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no notification within 5 s')), 5_000);
    cache.invalidate = () => {
      original();
      clearTimeout(timer);
      cache.invalidate = original;
      resolve();
    };
  });
}

/** Another process's worth: its own pool, context and app on the same PostgreSQL database, no workers. */
async function secondApp(first: AppContext): Promise<{ ctx: AppContext; app: App; close(): Promise<void> }> {
  const database = await openDatabase({ databaseUrl: first.database.url!, poolSize: 2 });
  const ctx = await createContext(testConfig(), { database, workers: false, seedDemo: false, auditSealIntervalMs: 0 });
  const app = await buildApp(ctx, { logger: false });
  await app.ready();
  return { ctx, app, close: () => app.close().then(() => closeContext(ctx)) };
}
