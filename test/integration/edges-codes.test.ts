// One-time codes (issue 9.4): every try is counted with one conditional UPDATE before it is checked,
// so twenty wrong guesses sent at the same moment get five checks between them, not twenty; after
// that even the right code is refused until a new one is sent.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { testAppForFile, type TestApp } from '../helpers/context.ts';
import { ApiClient, demoAccounts, subscriberFor } from '../helpers/api.ts';
import { MAX_CODE_ATTEMPTS } from '../../src/identity/request-sign-in-code.ts';
import { MAX_RECOVERY_ATTEMPTS } from '../../src/numbers/recoverable-number.ts';
import { ICCID_ISSUERS, makeIccid } from '../../src/identifiers/index.ts';

let t: TestApp;
testAppForFile({ workers: false }, (app) => (t = app));

const BURST = 20;
/** Twenty different 6-digit codes, none of them the right one. */
const wrongCodes = (right: string) => Array.from({ length: BURST + 1 }, (_, i) => String(100000 + i * 37_111).slice(0, 6)).filter((c) => c !== right).slice(0, BURST);

async function lastCode(to: string): Promise<string> {
  const outbox = await new ApiClient(t.app).get(`dev/outbox?to=${encodeURIComponent(to)}&limit=1`);
  return /\b(\d{6})\b/.exec(outbox.body.messages[0].text)![1];
}

describe('the SMS sign-in code', () => {
  test(`${BURST} wrong guesses at once: at most ${MAX_CODE_ATTEMPTS} are checked, then the code is spent`, async () => {
    const who = (await demoAccounts(t.app)).subscribers.find((s) => s.scenario === 'clean_esim')!;
    const api = new ApiClient(t.app);
    assert.equal((await api.post('auth/sms-code', { msisdn: who.msisdn })).status, 202);
    const code = await lastCode(who.msisdn);

    const results = await Promise.all(wrongCodes(code).map((c) => new ApiClient(t.app).post('auth/sign-in', { msisdn: who.msisdn, code: c })));
    const checked = results.filter((r) => r.body.error?.code === 'invalid_code');
    const refused = results.filter((r) => r.body.error?.code === 'too_many_attempts');
    assert.equal(checked.length + refused.length, BURST, JSON.stringify(results.map((r) => r.body.error?.code)));
    assert.ok(checked.length <= MAX_CODE_ATTEMPTS, `${checked.length} guesses were checked`);
    assert.deepEqual(checked.map((r) => r.body.error.details.triesLeft).sort(), [0, 1, 2, 3, 4].slice(0, checked.length), 'each check used its own try');
    const row = await t.ctx.db.selectFrom('sms_codes').select('attempts').where('msisdn', '=', who.msisdn).executeTakeFirstOrThrow();
    assert.equal(row.attempts, MAX_CODE_ATTEMPTS);

    const right = await api.post('auth/sign-in', { msisdn: who.msisdn, code });
    assert.equal(right.status, 429, 'even the right code is refused once the tries are spent');
    assert.equal(right.body.error.code, 'too_many_attempts');
  });
});

describe('the number-recovery code', () => {
  const frozen = '+8618600138010';
  const newIccid = () => makeIccid(ICCID_ISSUERS.find((i) => i.carrier === 'cucc')!.prefix, String(crypto.randomInt(0, 1e12)).padStart(13, '7'));

  before(async () => {
    // The multi_line owner's China Unicom line was cancelled yesterday: its number is frozen.
    const db = t.ctx.db;
    const line = await db.selectFrom('lines').selectAll().where('msisdn', '=', frozen).where('status', '<>', 'cancelled').executeTakeFirstOrThrow();
    const yesterday = new Date(Date.now() - 86_400_000);
    await db.updateTable('lines').set({ status: 'cancelled', cancelled_at: yesterday }).where('id', '=', line.id).execute();
    await db.updateTable('number_pool').set({ state: 'frozen', line_id: line.id, former_customer_id: line.customer_id, frozen_until: new Date(yesterday.getTime() + 90 * 86_400_000) })
      .where('msisdn', '=', frozen).execute();
  });

  test(`${BURST} wrong answers at once: at most ${MAX_RECOVERY_ATTEMPTS} are checked, then the code is spent`, async () => {
    const { api, who } = await subscriberFor(t.app, 'multi_line');
    assert.equal((await api.post('numbers/recover/code', { msisdn: frozen })).status, 202);
    const code = await lastCode(who.msisdn);
    const good = { msisdn: frozen, code, idLast6: who.idLast6, iccid: newIccid() };

    const results = await Promise.all(wrongCodes(code).map((c) => api.post('numbers/recover', { ...good, code: c })));
    const checked = results.filter((r) => r.body.error?.code === 'invalid_code');
    const refused = results.filter((r) => r.body.error?.code === 'too_many_attempts');
    // The person's own limit (10 recovery tries an hour) stops half of them before the code is looked at.
    const limited = results.filter((r) => r.body.error?.code === 'rate_limited');
    assert.equal(limited.length, 10, JSON.stringify(results.map((r) => r.body.error?.code)));
    assert.equal(checked.length + refused.length, BURST - 10, JSON.stringify(results.map((r) => r.body.error?.code)));
    assert.ok(checked.length <= MAX_RECOVERY_ATTEMPTS, `${checked.length} answers were checked`);
    const wrongAudited = await t.ctx.db.selectFrom('audit_log').select('seq').where('action', '=', 'number.recover_wrong_code').execute();
    assert.equal(wrongAudited.length, checked.length);
    const row = await t.ctx.db.selectFrom('number_recovery_codes').select('attempts').where('msisdn', '=', frozen).executeTakeFirstOrThrow();
    assert.equal(row.attempts, MAX_RECOVERY_ATTEMPTS);

    await t.ctx.db.deleteFrom('rate_limit_hits').where('bucket', 'like', 'recover:%').execute(); // an hour later
    const right = await api.post('numbers/recover', good);
    assert.equal(right.status, 429, JSON.stringify(right.body));
    assert.equal(right.body.error.code, 'too_many_attempts');
    const pool = await t.ctx.db.selectFrom('number_pool').select('state').where('msisdn', '=', frozen).executeTakeFirstOrThrow();
    assert.equal(pool.state, 'frozen', 'the number was not recovered');
  });
});
