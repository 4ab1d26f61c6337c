// The quote and the submission read the subscriber session inside their own first statement (the
// facts, the account lock) instead of a statement of its own: they must still answer as the session
// guard does. No session, an expired or signed-out one, a staff one: 401; before the real-name step:
// 403, even for a line id nobody has; someone else's line or no line: 404. A stored answer is kept
// per customer, not per session: a retry after signing in again gets it back.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { ApiClient, demoAccounts, staffFor, type DemoSubscriber } from '../helpers/api.ts';
import { SESSION_COOKIE, SUBSCRIBER_SESSION_MINUTES, createSession, hashToken } from '../../src/identity/sessions.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t?.close();
  await dropTemplate();
});

/**
 * A client signed in as the demo subscriber of `scenario`: a session written as sign-in writes it
 * (a new one each time: sign-in's SMS codes are rate limited per number), real-name verified unless told.
 */
async function subscriberFor(app: TestApp['app'], scenario: string, opts: { realName?: boolean } = {}): Promise<{ api: ApiClient; who: DemoSubscriber }> {
  const who = (await demoAccounts(app)).subscribers.find((x) => x.scenario === scenario)!;
  const line = await t.ctx.db.selectFrom('lines').select('customer_id').where('id', '=', who.lines[0].id).executeTakeFirstOrThrow();
  const token = await createSession(t.ctx.db, { kind: 'subscriber', subjectId: who.msisdn, customerId: line.customer_id, minutes: SUBSCRIBER_SESSION_MINUTES });
  if (opts.realName !== false) await t.ctx.db.updateTable('sessions').set({ real_name_verified: true }).where('id_hash', '=', hashToken(token)).execute();
  const api = new ApiClient(app);
  api.cookies.set(SESSION_COOKIE, token);
  return { api, who };
}

const NOBODYS_LINE = '00000000-0000-4000-8000-00000000abcd';

/** A quote and a submission of `lineId` (the submission with a made-up version: only its refusal is looked at). */
async function both(api: ApiClient, lineId: string) {
  const quote = await api.post('cancellations/quote', { lineId });
  const submit = await api.post('cancellations', {
    lineId, quoteVersion: 'v-unseen', acknowledgements: [], confirmLast4: '0000', refundRoute: { type: 'original' },
  }, { 'idempotency-key': crypto.randomUUID() });
  return [quote, submit].map((r) => `${r.status} ${r.body.error?.code ?? 'ok'}`);
}

describe('the session checked in the first statement of a quote and a submission', () => {
  let who: DemoSubscriber;
  let api: ApiClient;
  before(async () => {
    ({ api, who } = await subscriberFor(t.app, 'clean_physical'));
  });

  test('without a session, with an expired, unknown or staff session: 401', async () => {
    const line = who.lines[0].id;
    assert.deepEqual(await both(new ApiClient(t.app), line), ['401 unauthenticated', '401 unauthenticated'], 'no cookie');

    const stale = await subscriberFor(t.app, 'clean_physical');
    const token = stale.api.cookies.get(SESSION_COOKIE)!;
    await t.ctx.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('id_hash', '=', hashToken(token)).execute();
    assert.deepEqual(await both(stale.api, line), ['401 unauthenticated', '401 unauthenticated'], 'expired');
    assert.deepEqual(await both(stale.api, NOBODYS_LINE), ['401 unauthenticated', '401 unauthenticated'], 'expired, and no such line');

    const forged = new ApiClient(t.app);
    forged.cookies.set(SESSION_COOKIE, crypto.randomBytes(32).toString('base64url'));
    assert.deepEqual(await both(forged, line), ['401 unauthenticated', '401 unauthenticated'], 'a token no session has');

    const staff = await staffFor(t.app, 'reviewer');
    assert.deepEqual(await both(staff, line), ['401 unauthenticated', '401 unauthenticated'], 'staff');
  });

  test('signed out: the same cookie is refused at once', async () => {
    const s = await subscriberFor(t.app, 'clean_physical');
    const token = s.api.cookies.get(SESSION_COOKIE)!;
    assert.equal((await s.api.post('cancellations/quote', { lineId: who.lines[0].id })).status, 200);
    await s.api.post('auth/sign-out');
    const again = new ApiClient(t.app);
    again.cookies.set(SESSION_COOKIE, token);
    assert.deepEqual(await both(again, who.lines[0].id), ['401 unauthenticated', '401 unauthenticated']);
  });

  test('before the real-name step: 403, for an own line and for a line id nobody has', async () => {
    const early = await subscriberFor(t.app, 'clean_physical', { realName: false });
    assert.deepEqual(await both(early.api, who.lines[0].id), ['403 real_name_required', '403 real_name_required']);
    assert.deepEqual(await both(early.api, NOBODYS_LINE), ['403 real_name_required', '403 real_name_required']);
  });

  test('verified: someone else\'s line and a line id nobody has are 404; an own line is quoted', async () => {
    const other = await subscriberFor(t.app, 'multi_line');
    assert.deepEqual(await both(api, other.who.lines[0].id), ['404 not_found', '404 not_found']);
    assert.deepEqual(await both(api, NOBODYS_LINE), ['404 not_found', '404 not_found']);
    const [quote, submit] = await both(api, who.lines[0].id);
    assert.equal(quote, '200 ok');
    assert.equal(submit, '409 quote_stale', 'past the session and the owner, the made-up version is what is refused');
  });

  test('a submission retried after signing in again gets its stored answer; the same key with another body is refused', async () => {
    const { api: first, who: person } = await subscriberFor(t.app, 'multi_line');
    const line = person.lines[0];
    const quote = await first.post('cancellations/quote', { lineId: line.id });
    assert.equal(quote.status, 200, JSON.stringify(quote.body));
    const key = crypto.randomUUID();
    const body = { lineId: line.id, quoteVersion: quote.body.version, acknowledgements: quote.body.requiredAcknowledgements, confirmLast4: line.msisdn.slice(-4), refundRoute: { type: 'original' } };
    const made = await first.post('cancellations', body, { 'idempotency-key': key });
    assert.equal(made.status, 201, JSON.stringify(made.body));

    const { api: later } = await subscriberFor(t.app, 'multi_line');
    const replay = await later.post('cancellations', body, { 'idempotency-key': key });
    assert.equal(replay.status, 201, JSON.stringify(replay.body));
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    assert.deepEqual(replay.body, made.body);

    const reused = await later.post('cancellations', { ...body, confirmLast4: '9999' }, { 'idempotency-key': key });
    assert.equal(reused.status, 422, JSON.stringify(reused.body));
    assert.equal(reused.body.error.code, 'idempotency_key_reused');

    const fresh = await later.post('cancellations', body, { 'idempotency-key': crypto.randomUUID() });
    assert.equal(fresh.status, 409);
    assert.equal(fresh.body.error.code, 'already_requested');
  });
});
