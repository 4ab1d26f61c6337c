// Subscriber sign-in through the HTTP API: the SMS code (5 minutes, 5 tries, rate limits, stored
// hashed), the real-name step, the session cookie, cross-site writes and sign-out.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { ApiClient, demoAccounts, type DemoSubscriber } from '../helpers/api.ts';

let t: TestApp;
let people: DemoSubscriber[];
const realNow = () => new Date();

before(async () => {
  t = await startTestApp();
  people = (await demoAccounts(t.app)).subscribers;
});
afterEach(() => {
  t.ctx.now = realNow;
});
after(async () => {
  await t?.close();
  await dropTemplate();
});

const person = (scenario: string) => people.find((p) => p.scenario === scenario)!;

/** Asks for a code and reads it from the dev outbox, as the phone would receive it. */
async function requestCode(api: ApiClient, msisdn: string): Promise<string> {
  const sent = await api.post('auth/sms-code', { msisdn });
  assert.equal(sent.status, 202, JSON.stringify(sent.body));
  const outbox = await api.get(`dev/outbox?to=${encodeURIComponent(msisdn)}&limit=1`);
  const code = /\b(\d{6})\b/.exec(outbox.body.messages[0].text)?.[1];
  assert.ok(code, 'the SMS carries a 6-digit code');
  return code;
}

const setCookieHeader = (headers: Record<string, unknown>) => [headers['set-cookie'] ?? []].flat().join('\n');

describe('subscriber sign-in', () => {
  test('the SMS code signs in, is stored only hashed, and sets an httpOnly SameSite=Lax session cookie', async () => {
    const who = person('clean_physical');
    const api = new ApiClient(t.app);
    const code = await requestCode(api, who.msisdn);

    const stored = await t.ctx.db.selectFrom('sms_codes').selectAll().where('msisdn', '=', who.msisdn).execute();
    assert.equal(stored.length, 1);
    assert.ok(!JSON.stringify(stored).includes(code), 'the clear code is not in sms_codes');

    const signed = await api.post('auth/sign-in', { msisdn: who.msisdn, code });
    assert.equal(signed.status, 200, JSON.stringify(signed.body));
    assert.equal(signed.body.subscriber.realNameVerified, false);
    const cookie = setCookieHeader(signed.headers);
    assert.match(cookie, /zx_session=/);
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);

    const me = await api.get('auth/me');
    assert.equal(me.body.kind, 'subscriber');
    assert.equal(me.body.msisdn, who.msisdn);
    // A code is good for one sign-in only.
    assert.equal((await new ApiClient(t.app).post('auth/sign-in', { msisdn: who.msisdn, code })).body.error.code, 'invalid_code');
  });

  test('a code expires after 5 minutes', async () => {
    const who = person('arrears');
    const api = new ApiClient(t.app);
    const first = await requestCode(api, who.msisdn);
    const sent = await t.ctx.db.selectFrom('sms_codes').select(['created_at', 'expires_at']).where('msisdn', '=', who.msisdn).executeTakeFirstOrThrow();
    assert.equal(sent.expires_at.getTime() - sent.created_at.getTime(), 5 * 60_000);
    t.ctx.now = () => new Date(sent.expires_at.getTime() + 1_000);
    const late = await api.post('auth/sign-in', { msisdn: who.msisdn, code: first });
    assert.equal(late.status, 401);
    assert.equal(late.body.error.code, 'code_expired');

    // A new code (the one-a-minute limit has passed by now) still works 4:50 after it was sent.
    const later = sent.expires_at.getTime() + 60_000;
    t.ctx.now = () => new Date(later);
    const second = await requestCode(api, who.msisdn);
    t.ctx.now = () => new Date(later + 4 * 60_000 + 50_000);
    const inTime = await api.post('auth/sign-in', { msisdn: who.msisdn, code: second });
    assert.equal(inTime.status, 200, JSON.stringify(inTime.body));
  });

  test('five wrong codes use the code up: even the right one is then refused', async () => {
    const who = person('port_out_pending');
    const api = new ApiClient(t.app);
    const code = await requestCode(api, who.msisdn);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let left = 4; left >= 0; left--) {
      const r = await api.post('auth/sign-in', { msisdn: who.msisdn, code: wrong });
      assert.equal(r.status, 401);
      assert.equal(r.body.error.code, 'invalid_code');
      assert.equal(r.body.error.details.triesLeft, left);
    }
    const right = await api.post('auth/sign-in', { msisdn: who.msisdn, code });
    assert.equal(right.status, 429);
    assert.equal(right.body.error.code, 'too_many_attempts');
    assert.equal(api.cookies.size, 0, 'no session was opened');
  });

  test('guesses sent all at once still get five tries in total', async () => {
    const who = person('deceased_owner');
    const api = new ApiClient(t.app);
    const code = await requestCode(api, who.msisdn);
    const guesses = Array.from({ length: 20 }, (_, i) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'));
    const answers = await Promise.all(guesses.map((g) => new ApiClient(t.app).post('auth/sign-in', { msisdn: who.msisdn, code: g })));
    assert.equal(answers.filter((r) => r.body.error?.code === 'invalid_code').length, 5, JSON.stringify(answers.map((r) => r.body.error?.code)));
    assert.ok(answers.every((r) => r.status === 401 || r.body.error?.code === 'too_many_attempts'));
    const right = await api.post('auth/sign-in', { msisdn: who.msisdn, code });
    assert.equal(right.body.error?.code, 'too_many_attempts');
  });

  test('codes for one number are rate limited (429 rate_limited with a retry time)', async () => {
    const who = person('bundle_primary');
    const api = new ApiClient(t.app);
    // Five requests at the same moment: one code is sent, the others are refused.
    const burst = await Promise.all(Array.from({ length: 5 }, () => new ApiClient(t.app).post('auth/sms-code', { msisdn: who.msisdn })));
    assert.deepEqual(burst.map((r) => r.status).sort(), [202, 429, 429, 429, 429]);
    const sent = await api.get(`dev/outbox?to=${encodeURIComponent(who.msisdn)}`);
    assert.equal(sent.body.messages.length, 1);
    const again = await api.post('auth/sms-code', { msisdn: who.msisdn });
    assert.equal(again.status, 429);
    assert.equal(again.body.error.code, 'rate_limited');
    assert.ok(again.body.error.details.retryAfterSeconds > 0 && again.body.error.details.retryAfterSeconds <= 60);
    // Another number is not affected.
    assert.equal((await api.post('auth/sms-code', { msisdn: person('lost_or_suspended').msisdn })).status, 202);
  });

  test('an invalid number is refused with the identifier check\'s message', async () => {
    const r = await new ApiClient(t.app).post('auth/sms-code', { msisdn: '1380013800' });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'invalid_identifier');
    assert.match(r.body.error.message, /11 digits/);
  });
});

describe('real-name and session', () => {
  test('the wrong ID tail is refused (422 identity_mismatch) and nothing can be quoted before real-name', async () => {
    const who = person('companion_devices');
    const api = new ApiClient(t.app);
    const code = await requestCode(api, who.msisdn);
    assert.equal((await api.post('auth/sign-in', { msisdn: who.msisdn, code })).status, 200);
    const line = who.lines[0];

    const early = await api.post('cancellations/quote', { lineId: line.id });
    assert.equal(early.status, 403);
    assert.equal(early.body.error.code, 'real_name_required');
    assert.equal((await api.get('me/lines')).status, 403);

    const wrongTail = who.idLast6 === '000000' ? '111111' : '000000';
    const mismatch = await api.post('auth/real-name', { idLast6: wrongTail });
    assert.equal(mismatch.status, 422);
    assert.equal(mismatch.body.error.code, 'identity_mismatch');
    assert.equal((await api.post('cancellations/quote', { lineId: line.id })).status, 403);

    const ok = await api.post('auth/real-name', { idLast6: who.idLast6.toLowerCase() });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.realNameVerified, true);
    assert.match(ok.body.maskedName, /\*/);
    assert.equal((await api.post('cancellations/quote', { lineId: line.id })).status, 200);
  });

  test('a cross-site POST carrying the session cookie is refused; a same-site one is not', async () => {
    const who = person('multi_line');
    const api = new ApiClient(t.app);
    const code = await requestCode(api, who.msisdn);
    await api.post('auth/sign-in', { msisdn: who.msisdn, code });

    const cross = await api.post('auth/real-name', { idLast6: who.idLast6 }, { host: 'zhuxiao.test', origin: 'https://evil.example' });
    assert.equal(cross.status, 403);
    assert.equal(cross.body.error.code, 'csrf_rejected');
    const fetchMeta = await api.post('auth/real-name', { idLast6: who.idLast6 }, { 'sec-fetch-site': 'cross-site' });
    assert.equal(fetchMeta.body.error.code, 'csrf_rejected');
    assert.equal((await api.get('auth/me')).body.realNameVerified, false, 'the refused request changed nothing');

    const same = await api.post('auth/real-name', { idLast6: who.idLast6 }, { host: 'zhuxiao.test', origin: 'http://zhuxiao.test' });
    assert.equal(same.status, 200, JSON.stringify(same.body));
  });

  test('sign-out ends the session on the server, not just in the browser', async () => {
    const who = person('proxy');
    const api = new ApiClient(t.app);
    const code = await requestCode(api, who.msisdn);
    await api.post('auth/sign-in', { msisdn: who.msisdn, code });
    await api.post('auth/real-name', { idLast6: who.idLast6 });
    assert.equal((await api.get('me/lines')).status, 200);
    const stolen = new ApiClient(t.app);
    stolen.cookies = new Map(api.cookies);

    const out = await api.post('auth/sign-out');
    assert.equal(out.status, 200);
    assert.match(setCookieHeader(out.headers), /zx_session=;/);
    assert.equal((await api.get('auth/me')).body.kind, null);

    const replay = await stolen.get('me/lines');
    assert.equal(replay.status, 401);
    assert.equal(replay.body.error.code, 'unauthenticated');
  });
});
