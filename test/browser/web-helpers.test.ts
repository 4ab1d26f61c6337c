// The web app's pure helpers, run under node (no browser needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFen, last4, newUuid, pickName } from '../../web/src/format.ts';
import { extractSmsCode, toDemoAccounts } from '../../web/src/api.ts';

test('money in fen is shown as yuan with two decimals', () => {
  assert.equal(formatFen(1234), '¥12.34');
  assert.equal(formatFen(5), '¥0.05');
  assert.equal(formatFen(0), '¥0.00');
  assert.equal(formatFen(-5830), '-¥58.30');
  assert.equal(formatFen(12345678), '¥123,456.78');
});

test('the 6-digit code is found in an SMS text, not in longer numbers', () => {
  assert.equal(extractSmsCode('【注销】您的验证码是 482913，5 分钟内有效。'), '482913');
  assert.equal(extractSmsCode('Your code is 007123. Do not share it.'), '007123');
  assert.equal(extractSmsCode('Call 10086 about line 13800138000'), null);
});

test('the last 4 digits ignore the +86 prefix and separators', () => {
  assert.equal(last4('+8613800138001'), '8001');
  assert.equal(last4('138 0013 8001'), '8001');
});

test('localized names follow the language', () => {
  assert.equal(pickName({ zh: '中国移动', en: 'China Mobile' }, 'zh-CN'), '中国移动');
  assert.equal(pickName({ zh: '中国移动', en: 'China Mobile' }, 'en'), 'China Mobile');
  assert.equal(pickName('蜗牛移动', 'en'), '蜗牛移动');
});

test('idempotency keys are distinct v4 UUIDs', () => {
  const a = newUuid();
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(a, newUuid());
});

test("the server's demo-accounts payload becomes scenarios and staff", () => {
  const demo = toDemoAccounts({
    subscribers: [
      { scenario: 'arrears', msisdn: '+8613800138003', idLast6: '12345X', idNumber: '11010519491231002X', carrier: 'cmcc', description: { zh: '欠费', en: 'Arrears' }, lines: [] },
    ],
    staff: [{ username: 'reviewer', password: 'reviewer-demo-1', role: 'reviewer', storeId: null }],
  });
  assert.deepEqual(demo.subscribers, [
    { msisdn: '+8613800138003', label: 'arrears', description: { zh: '欠费', en: 'Arrears' }, idLast6: '12345X' },
  ]);
  assert.deepEqual(demo.staff, [{ username: 'reviewer', password: 'reviewer-demo-1', role: 'reviewer', storeId: null }]);
});

test('phone numbers are grouped as carriers write them, masked ones too; others are left alone', async () => {
  const { formatMsisdn, telHref } = await import('../../web/src/format.ts');
  assert.equal(formatMsisdn('+8613800138001'), '138 0013 8001');
  assert.equal(formatMsisdn('13800138001'), '138 0013 8001');
  assert.equal(formatMsisdn('86 138-0013-8001'), '138 0013 8001');
  assert.equal(formatMsisdn('138****8001'), '138 **** 8001');
  assert.equal(formatMsisdn('4006-171-171'), '4006-171-171');
  assert.equal(formatMsisdn('10086'), '10086');
  assert.equal(formatMsisdn(''), '');
  assert.equal(telHref('4006-171-171'), 'tel:4006171171');
  assert.equal(telHref('+86 10 1234 5678'), 'tel:+861012345678');
});

test('dates and times are in Beijing time, labelled, whatever the machine zone', async () => {
  const { formatDate, formatDateTime } = await import('../../web/src/format.ts');
  // 16:30 UTC on 1 March is 00:30 on 2 March in Beijing
  assert.equal(formatDate('2026-03-01T16:30:00Z', 'zh-CN'), '2026年3月2日（北京时间）');
  assert.equal(formatDate('2026-03-01T16:30:00Z', 'en'), '2 March 2026 (Beijing time)');
  assert.match(formatDateTime('2026-03-01T16:30:00Z', 'zh-CN'), /2026年3月2日 00:30（北京时间）/);
  assert.match(formatDateTime('2026-03-01T16:30:00Z', 'en'), /2 Mar 2026, 00:30 \(Beijing time\)/);
});
