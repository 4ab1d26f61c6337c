// Error messages are in the reader's language: zh-CN by default and for zh Accept-Language, English
// for en; the code and details stay the same, and times are Beijing time with a label.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { ApiClient, demoAccounts, quoteAndSubmit, staffFor } from '../helpers/api.ts';
import { plainLines } from '../helpers/plain-lines.ts';
import { MAX_FAILED_PASSWORDS } from '../../src/identity/sign-in-staff.ts';
import { beijingTime, pickLang } from '../../src/shared/lang.ts';

let t: TestApp;
const HAN = /[\u4e00-\u9fff]/;

before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t?.close();
  await dropTemplate();
});

const client = (lang: 'zh-CN' | 'en') => Object.assign(new ApiClient(t.app), { lang });

describe('error messages by Accept-Language', () => {
  test('pickLang: zh-CN unless the first language is English; Beijing time is labelled', () => {
    assert.equal(pickLang(undefined), 'zh-CN');
    assert.equal(pickLang('en-GB,en;q=0.9'), 'en');
    assert.equal(pickLang('zh-TW,en;q=0.5'), 'zh-CN');
    assert.equal(beijingTime('2026-03-01T16:05:00Z', 'zh-CN'), '2026年3月2日 00:05（北京时间）');
    assert.equal(beijingTime('2026-03-01T16:05:00Z', 'en'), '00:05 Beijing time, 2 Mar 2026');
  });

  test('a bad number: Chinese names the problem, English keeps the check\'s sentence', async () => {
    const zh = await client('zh-CN').post('auth/sms-code', { msisdn: '1380013800' });
    const en = await client('en').post('auth/sms-code', { msisdn: '1380013800' });
    assert.equal(zh.status, 400);
    assert.equal(zh.body.error.code, 'invalid_identifier');
    assert.equal(en.body.error.code, 'invalid_identifier');
    assert.match(zh.body.error.message, /^手机号码不正确：位数不对/);
    assert.match(en.body.error.message, /11 digits/);
    assert.deepEqual(zh.body.error.details, en.body.error.details, 'the details do not depend on the language');
  });

  test('no Accept-Language answers in Chinese; an SMS limit says when to try again', async () => {
    const who = (await demoAccounts(t.app)).subscribers[0];
    const api = client('zh-CN');
    assert.equal((await api.post('auth/sms-code', { msisdn: who.msisdn })).status, 202);
    const again = await api.call('POST', 'auth/sms-code', { msisdn: who.msisdn }, { 'accept-language': '' });
    assert.equal(again.status, 429);
    assert.equal(again.body.error.code, 'rate_limited');
    assert.match(again.body.error.message, /^操作太频繁，请 \d+ 秒后再试。$/);
    const en = await client('en').post('auth/sms-code', { msisdn: who.msisdn });
    assert.doesNotMatch(en.body.error.message, HAN);
  });

  test('a wrong SMS code counts the tries left in Chinese', async () => {
    const who = (await demoAccounts(t.app)).subscribers[1];
    const api = client('zh-CN');
    assert.equal((await api.post('auth/sms-code', { msisdn: who.msisdn })).status, 202);
    const r = await api.post('auth/sign-in', { msisdn: who.msisdn, code: '000000' });
    assert.equal(r.body.error.code, 'invalid_code');
    assert.match(r.body.error.message, /^验证码不正确，还可以再试 \d+ 次。$/);
  });

  test('a staff lock-out names its end in Beijing time, in both languages, never raw UTC', async () => {
    const admin = await staffFor(t.app, 'admin');
    await admin.post('admin/staff', { username: 'i18n-locky', role: 'clerk', storeId: 'cmcc-bj-001' });
    const api = client('zh-CN');
    for (let i = 1; i < MAX_FAILED_PASSWORDS; i++) await api.post('staff/sign-in', { username: 'i18n-locky', password: `wrong-${i}` });
    const zh = await api.post('staff/sign-in', { username: 'i18n-locky', password: 'wrong-last' });
    assert.equal(zh.status, 423);
    assert.equal(zh.body.error.code, 'locked');
    const until = zh.body.error.details.lockedUntil as string;
    assert.ok(zh.body.error.message.includes(beijingTime(until, 'zh-CN')), zh.body.error.message);
    const en = await api.call('POST', 'staff/sign-in', { username: 'i18n-locky', password: 'again' }, { 'accept-language': 'en' });
    assert.equal(en.body.error.code, 'locked');
    assert.match(en.body.error.message, /Beijing time/);
    for (const m of [zh.body.error.message, en.body.error.message]) assert.doesNotMatch(m, /\d{4}-\d\d-\d\dT/, 'no ISO timestamp');
  });

  test('schema validation and unknown things answer in Chinese too', async () => {
    const bad = await client('zh-CN').post('auth/sms-code', {});
    assert.equal(bad.body.error.code, 'validation_failed');
    assert.match(bad.body.error.message, HAN);
    const clerk = await staffFor(t.app, 'clerk');
    clerk.lang = 'zh-CN';
    const missing = await clerk.get('store/cancellations/00000000-0000-4000-8000-000000000000');
    assert.equal(missing.body.error.code, 'not_found');
    assert.match(missing.body.error.message, HAN);
    const noRoute = await client('zh-CN').get('no-such-thing');
    assert.equal(noRoute.status, 404);
    assert.match(noRoute.body.error.message, HAN);
  });
});

describe('the stored quote in the reader\'s language', () => {
  test('submitted in English, a Chinese reviewer reads Chinese bill lines and the acknowledgements as ticked', async () => {
    const [p] = await plainLines(t, 1, new Set());
    p.api.lang = 'en';
    const { quote, submit } = await quoteAndSubmit(p.api, p.lineId, p.msisdn);
    assert.equal(submit.status, 201, JSON.stringify(submit.body));
    const reviewer = await staffFor(t.app, 'reviewer');
    reviewer.lang = 'zh-CN';
    const zh = (await reviewer.get(`review/${submit.body.id}`)).body;
    assert.ok(zh.quote.bill.items.length > 0);
    for (const i of zh.quote.bill.items) assert.match(i.label, HAN, i.code);
    assert.match(zh.quote.refund.note, HAN);
    assert.deepEqual(Object.keys(zh.acknowledgementTexts).sort(), [...zh.acknowledgements].sort(), 'exactly the ones ticked');
    assert.match(zh.acknowledgementTexts.number_frozen, new RegExp(`冻结 ${quote.body.freezeDays} 天`));
    reviewer.lang = 'en';
    const en = (await reviewer.get(`review/${submit.body.id}`)).body;
    for (const i of en.quote.bill.items) assert.doesNotMatch(i.label, HAN, i.code);
    assert.equal(en.acknowledgementTexts.number_frozen, quote.body.acknowledgementTexts.number_frozen, 'the wording the subscriber saw');
  });
});
