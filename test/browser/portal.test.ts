// End-to-end through the real API (dev mode, demo data): a subscriber cancels a line, a reviewer
// approves it, the certificate verifies. Skipped when only the static fallback server is available.
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { clickConfirm, DESKTOP, noHorizontalScroll, PHONE } from './browser.ts';
import { expectAccessible } from './axe.ts';
import * as portal from './portal-helpers.ts';

let h: portal.PortalHarness;
let app: portal.PortalHarness['app'];
let demo: portal.Demo;

before(async () => {
  h = await portal.startPortal();
  app = h.app;
  demo = h.demo;
});

after(async () => {
  await portal.stopPortal(h);
});

const scenario = (name: string) => portal.scenario(h, name);
const withPage = (t: TestContext, name: string, viewport: { width: number; height: number }, fn: (page: Page, context: BrowserContext) => Promise<void>) =>
  portal.withPage(h, t, name, viewport, fn);
const signInSubscriber = (page: Page, s: { msisdn: string; idLast6: string }) => portal.signInSubscriber(h, page, s);

test('a wrong SMS code is refused with a message, in Chinese', async (t) => {
  await withPage(t, 'portal-wrong-code', PHONE, async (page) => {
    const s = scenario('multi_line');
    await page.goto(`${app.url}/portal`);
    await page.getByTestId('msisdn-input').waitFor();
    await expectAccessible(page, 'portal sign-in');
    await page.getByTestId('msisdn-input').fill(s.msisdn);
    await page.getByTestId('send-code-button').click();
    const real = await page.getByTestId('dev-outbox-code').innerText();
    const wrong = real === '000000' ? '111111' : '000000';
    await page.getByTestId('code-input').fill(wrong);
    await page.getByTestId('sign-in-button').click();
    const alert = page.getByTestId('sign-in-error');
    await alert.waitFor();
    assert.match(await alert.innerText(), /验证码错误或已过期/);
    await expectAccessible(page, 'portal sign-in with a wrong code');
    await noHorizontalScroll(page, 'sign-in page');
  });
});

test('a subscriber cancels an eSIM line, a reviewer approves it, and the certificate verifies', async (t) => {
  let requestUrl = '';

  await withPage(t, 'portal-cancel', PHONE, async (page) => {
    const s = scenario('clean_esim');
    await signInSubscriber(page, s);
    await noHorizontalScroll(page, 'my lines');
    await expectAccessible(page, 'my lines');
    await page.getByTestId(`cancel-${s.msisdn}`).click();
    await page.getByTestId('wizard-next').waitFor();
    await expectAccessible(page, 'wizard: facts');

    // (a) facts, (b) checks
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('eligible').waitFor();
    const acks = page.locator('[data-testid^="ack-"]');
    const codes = await acks.evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    for (const required of ['ack-data_backup', 'ack-unbind_accounts', 'ack-number_frozen', 'ack-esim_profile']) {
      assert.ok(codes.includes(required), `reminder ${required} is shown`);
    }
    assert.equal(await page.getByTestId('wizard-next').isDisabled(), true, 'cannot continue before ticking the reminders');
    for (const c of codes) await page.getByTestId(c!).check();
    await noHorizontalScroll(page, 'checks step');
    await expectAccessible(page, 'wizard: checks');
    await page.getByTestId('wizard-next').click();

    // (c) bill and refund: promotional credit is shown as not refundable
    await page.getByTestId('bill-table').waitFor();
    assert.match(await page.getByTestId('promo-credit').innerText(), /不可退/);
    assert.match(await page.getByTestId('refundable').innerText(), /^¥\d+\.\d\d$/);
    await page.getByTestId('route-original').click();
    await noHorizontalScroll(page, 'bill step');
    await expectAccessible(page, 'wizard: bill and refund');
    await page.getByTestId('wizard-next').click();

    // (d) typed confirmation: a wrong number keeps Next disabled
    await page.getByTestId('confirm-last4').fill('0000');
    await page.getByTestId('confirm-mismatch').waitFor();
    await expectAccessible(page, 'wizard: typed confirmation');
    assert.equal(await page.getByTestId('wizard-next').isDisabled(), true);
    await page.getByTestId('confirm-last4').fill(s.msisdn.slice(-4));
    await page.getByTestId('wizard-next').click();

    // (e) submit → status page
    await page.getByTestId('wizard-submit').waitFor();
    await expectAccessible(page, 'wizard: submit');
    await page.getByTestId('wizard-submit').click();
    // submitting asks first, with the refund and where it goes
    const dialog = page.getByTestId('submit-confirm-dialog');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /退款 ¥\d+\.\d\d：原路退回/);
    await expectAccessible(page, 'wizard: submit confirmation');
    await page.getByTestId('submit-confirm').click();
    await page.waitForURL(/\/portal\/requests\/[^/]+$/);
    requestUrl = new URL(page.url()).pathname;
    const tag = page.getByTestId('status-tag').first();
    await tag.waitFor();
    assert.ok(['pending_review', 'approved', 'executing', 'completed'].includes((await tag.getAttribute('data-status'))!));
    await noHorizontalScroll(page, 'request status');
    await expectAccessible(page, 'request status');

    // the line now links to its live request instead of offering a second cancellation
    await page.goto(`${app.url}/portal`);
    await page.getByTestId(`view-request-${s.msisdn}`).waitFor();
    assert.equal(await page.getByTestId(`cancel-${s.msisdn}`).count(), 0);
  });

  if (!requestUrl) return; // skipped above
  await withPage(t, 'review-approve', DESKTOP, async (page) => {
    const reviewer = demo.staff.find((x) => x.role === 'reviewer');
    assert.ok(reviewer);
    const requestId = requestUrl.split('/').pop()!;
    await page.goto(`${app.url}/staff`);
    await page.getByTestId('staff-username').fill(reviewer.username);
    await page.getByTestId('staff-password').fill(reviewer.password);
    await page.getByTestId('staff-sign-in-button').click();
    await page.waitForURL(/\/staff\/review$/);
    await page.getByTestId('queue-count').waitFor();
    await expectAccessible(page, 'review queue');
    const status = await (await page.request.get(`${app.url}/api/v1/cancellations/${requestId}`)).json();
    if (status.status === 'pending_review') {
      await page.getByTestId(`review-open-${requestId}`).click();
      await page.getByTestId('approve-button').waitFor();
      await expectAccessible(page, 'review decision');
      await page.getByTestId('approve-button').click();
      await clickConfirm(page.getByTestId('approve-confirm')); // approve asks first: execution starts
      await page.waitForURL(/\/staff\/review$/);
      await page.getByTestId('queue-count').waitFor();
      // the list may show its cached rows until the refetch lands: the approved request must leave within a few seconds
      await page.getByTestId(`review-open-${requestId}`).waitFor({ state: 'detached', timeout: 10_000 });
      assert.equal(await page.getByTestId(`review-open-${requestId}`).count(), 0, 'approved request left the queue');
    }

    // staff may follow the request too; execution runs in the background
    await page.goto(`${app.url}${requestUrl}`);
    await page.locator('[data-testid="status-tag"][data-status="completed"]').first().waitFor({ timeout: 60_000 });
    await expectAccessible(page, 'request status, completed');
    const link = page.getByTestId('certificate-link');
    assert.match((await link.getAttribute('href'))!, /^\/api\/v1\/certificates\/[^/]+\.pdf$/);
    await page.getByTestId('verify-link').click();
    await page.getByTestId('verify-valid').waitFor();
    await expectAccessible(page, 'verify: valid certificate');
  });
});

test('arrears block the cancellation until paid from the checklist', async (t) => {
  await withPage(t, 'portal-arrears', PHONE, async (page) => {
    const s = scenario('arrears');
    await signInSubscriber(page, s);
    await page.getByTestId(`cancel-${s.msisdn}`).click();
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('not-eligible').waitFor();
    await expectAccessible(page, 'wizard: checks with a blocker');
    const blocker = page.locator('[data-testid^="blocker-"]').first();
    const cjk = /[\u4e00-\u9fff]/;
    assert.match(await blocker.innerText(), cjk, 'server messages come in Chinese by default');
    // switching language re-asks the server, which answers in English
    await page.getByTestId('lang-switch').click();
    await page.getByRole('button', { name: 'Pay now online' }).waitFor();
    await page.waitForFunction(
      (el) => !!el && !/[\u4e00-\u9fff]/.test((el as { textContent: string | null }).textContent ?? ''),
      await blocker.elementHandle(),
    );
    // pay now asks first: the amount the quote says, and the method
    const lines = (await (await page.request.get(`${app.url}/api/v1/me/lines`)).json()).lines as { id: string; msisdn: string }[];
    const lineId = lines.find((l) => l.msisdn === s.msisdn)!.id;
    const q = await (await page.request.post(`${app.url}/api/v1/cancellations/quote`, { data: { lineId } })).json();
    const yuan = (fen: number) => `¥${Math.floor(fen / 100).toLocaleString('en-US')}.${String(fen % 100).padStart(2, '0')}`;
    await page.getByTestId('remedy-pay_arrears').click();
    const dialog = page.getByTestId('pay-dialog');
    await dialog.waitFor();
    assert.equal(await page.getByTestId('pay-amount').innerText(), yuan(q.payment.online.chargeFen));
    for (const method of ['wechat_pay', 'alipay', 'unionpay']) await page.getByTestId(`pay-method-${method}`).waitFor();
    assert.match(await dialog.innerText(), /WeChat Pay[\s\S]*Alipay[\s\S]*UnionPay/);
    assert.match(await page.getByTestId('pay-confirm').innerText(), new RegExp(`Pay ${yuan(q.payment.online.chargeFen).replace(/[.$]/g, '\\$&')}`));
    await expectAccessible(page, 'pay confirmation (English)');
    // cancelling the dialog charges nothing
    await page.getByTestId('pay-cancel').click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByTestId('not-eligible').waitFor();
    await page.getByTestId('remedy-pay_arrears').click();
    await page.getByTestId('pay-method-alipay').click();
    await page.getByTestId('pay-confirm').click();
    await page.getByTestId('eligible').waitFor();
    await noHorizontalScroll(page, 'checks step after paying');
  });
});

test('reload, Back and Forward keep the wizard where it was, with the ticks and the bank details', async (t) => {
  await withPage(t, 'portal-wizard-url', PHONE, async (page) => {
    const s = scenario('clean_physical');
    await signInSubscriber(page, s);
    // numbers as carriers write them
    assert.match(await page.getByTestId(`line-${s.msisdn}`).innerText(), /\b1\d{2} \d{4} \d{4}\b/);
    await page.getByTestId(`cancel-${s.msisdn}`).click();
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('eligible').waitFor();
    assert.match(page.url(), /[?&]step=checks\b/);
    const codes = await page.locator('[data-testid^="ack-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!));
    for (const c of codes) await page.getByTestId(c).check();
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('bill-table').waitFor();
    assert.match(page.url(), /[?&]step=bill\b/);
    const bank = page.getByTestId('route-bank');
    await bank.click();
    {
      await page.getByTestId('bank-account-name').fill('张三');
      await page.getByTestId('bank-account-number').fill('6222020200112233445');
      await page.getByTestId('bank-name').fill('中国工商银行');
    }
    assert.ok(!/6222020200112233445/.test(page.url()), 'bank details never in the URL');

    await page.reload();
    await page.getByTestId('wizard-step-2').waitFor();
    await page.getByTestId('bill-table').waitFor();
    {
      assert.equal(await page.getByTestId('bank-account-number').inputValue(), '6222020200112233445', 'the bank details survive a reload');
      const stored = await page.evaluate<string>('JSON.stringify(sessionStorage)');
      assert.match(stored, /6222020200112233445/, 'kept in this tab only (sessionStorage)');
      const local = await page.evaluate<string>('JSON.stringify(localStorage)');
      assert.ok(!/6222020200112233445/.test(local), 'never in localStorage');
    }

    await page.goBack();
    await page.getByTestId('wizard-step-1').waitFor();
    for (const c of codes) assert.equal(await page.getByTestId(c).isChecked(), true, `${c} still ticked after reload and Back`);
    await page.goForward();
    await page.getByTestId('wizard-step-2').waitFor();
    await expectAccessible(page, 'wizard: bill after reload');

    // a step the answers do not allow yet (the typed digits are not kept) falls back to it
    await page.goto(page.url().replace(/step=\w+/, 'step=submit'));
    await page.getByTestId('wizard-step-3').waitFor();
  });
});
