// The store console end to end, through the real API (dev mode, demo data): a clerk finds a customer
// by ID number, picks the line, scans its card, checks identity, takes payment if any is due, reads the reminders,
// gets the agreement signed on the canvas and submits; the request is carried out at once and the
// certificate and the signed agreement can be printed. Also the pure helpers of the console.
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DESKTOP, launchBrowser, noHorizontalScroll, onPage, PHONE } from './browser.ts';
import { startApp, type RunningApp } from './app.ts';
import { expectAccessible } from './axe.ts';
import { amountToPay, buildRefundRoute, matchesMask, missingKinds, sniffType } from '../../web/src/pages/store/store-rules.ts';

interface DemoLine { id: string; msisdn: string; iccid: string; homeProvince: string; carrier?: string }
interface Demo {
  subscribers: { scenario: string; msisdn: string; idNumber: string; carrier: string; lines: DemoLine[] }[];
  staff: { username: string; password: string; role: string }[];
}

let app: RunningApp;
let browser: Browser | undefined;
let demo: Demo;

before(async () => {
  app = await startApp();
  if (!app.real) return;
  browser = await launchBrowser();
  demo = (await (await fetch(`${app.url}/api/v1/dev/demo-accounts`)).json()) as Demo;
});

after(async () => {
  await browser?.close();
  await app?.close();
});

function scenario(name: string) {
  const s = demo.subscribers.find((x) => x.scenario === name);
  assert.ok(s, `demo scenario ${name} exists`);
  const line = s.lines.find((l) => l.msisdn === s.msisdn);
  assert.ok(line, `scenario ${name} has its main line`);
  return { ...s, line };
}

async function withPage(
  t: TestContext,
  name: string,
  viewport: { width: number; height: number },
  fn: (page: Page, context: BrowserContext) => Promise<void>,
): Promise<void> {
  if (!app.real || !browser) {
    t.skip('needs the API server (test/helpers/context.ts or ZHUXIAO_TEST_URL)');
    return;
  }
  await onPage(browser, name, viewport, fn);
}

async function signInClerk(page: Page) {
  const clerk = demo.staff.find((s) => s.role === 'clerk');
  assert.ok(clerk, 'a demo clerk exists');
  await page.goto(`${app.url}/staff`);
  await page.getByTestId('staff-username').fill(clerk.username);
  await page.getByTestId('staff-password').fill(clerk.password);
  await page.getByTestId('staff-sign-in-button').click();
  await page.waitForURL(/\/staff\/store$/);
}

/** Draws a signature-like scribble on the pad with the mouse. */
async function sign(page: Page) {
  const pad = page.getByTestId('signature-pad');
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  assert.ok(box && box.width > 100 && box.height > 50, 'the signature pad is on screen');
  const y0 = box.y + box.height * 0.55;
  await page.mouse.move(box.x + 30, y0);
  await page.mouse.down();
  for (let i = 1; i <= 30; i++) {
    await page.mouse.move(box.x + 30 + i * 8, y0 + Math.sin(i / 2.5) * 25, { steps: 2 });
  }
  await page.mouse.up();
}

test('a clerk cancels a physical line at the counter: card, identity, settlement, reminders, signature, certificate', async (t) => {
  await withPage(t, 'store-cancel', DESKTOP, async (page) => {
    const s = scenario('multi_line');
    await signInClerk(page);
    await page.getByTestId('lookup-input').waitFor();
    await expectAccessible(page, 'store console');

    // Find the customer by the ID number: every line at every carrier, only this carrier's cancellable here.
    await page.getByTestId('lookup-input').fill(s.idNumber);
    await page.getByTestId('lookup-button').click();
    await page.getByTestId(`store-line-${s.line.id}`).waitFor();
    const cards = page.locator('[data-testid^="store-line-"]');
    assert.equal(await cards.count(), s.lines.length, 'every line under the ID is listed');
    for (const other of s.lines.filter((l) => l.carrier && l.carrier !== s.carrier)) {
      assert.equal(await page.getByTestId(`store-line-${other.id}`).getAttribute('data-cancellable'), 'false', 'another carrier\'s line is not cancellable here');
    }
    assert.match(await page.getByTestId('customer-name').innerText(), /\*/, 'the name is masked');
    await expectAccessible(page, 'store console, customer found');
    await page.getByTestId(`pick-line-${s.line.id}`).click();

    // (1) checks: the card's ICCID and the ID number, typed; the face check ticked.
    const next = page.getByTestId('flow-next');
    assert.equal(await next.isDisabled(), true, 'cannot go on before the checks');
    await page.getByTestId('iccid-input').fill(s.line.iccid);
    await page.getByTestId('iccid-match').waitFor();
    await page.getByTestId('id-number-input').fill(s.idNumber);
    await page.getByTestId('id-match').waitFor();
    assert.equal(await next.isDisabled(), true, 'the face check is still missing');
    await page.getByTestId('face-matched').check();
    await expectAccessible(page, 'store flow: checks');
    await next.click();

    // (2) the quote: take payment at the counter when the bill exceeds the balance.
    await page.locator('[data-testid="eligible"], [data-testid="not-eligible"]').first().waitFor();
    if (await page.getByTestId('pay-box').count()) {
      assert.match(await page.getByTestId('pay-amount').innerText(), /^¥\d+\.\d\d$/);
      await page.getByTestId('pay-store_cash').click();
      await page.getByTestId('pay-confirm-store_cash').click();
    }
    await page.getByTestId('eligible').waitFor();
    assert.match(await page.getByTestId('bill-total').innerText(), /^¥\d+\.\d\d$/);
    await expectAccessible(page, 'store flow: quote');
    await page.getByTestId('flow-next').click();

    // (3) reminders read to the customer.
    const acks = page.locator('[data-testid^="ack-"]');
    const codes = await acks.evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    assert.ok(codes.includes('ack-data_backup') && codes.includes('ack-number_frozen'), 'the reminders are listed');
    for (const c of codes) await page.getByTestId(c!).check();
    await expectAccessible(page, 'store flow: reminders');
    await page.getByTestId('flow-next').click();

    // (4) the agreement, and the signature drawn on the canvas.
    const agreement = page.getByTestId('agreement');
    await agreement.waitFor();
    assert.equal(await agreement.getAttribute('data-lang'), 'zh-CN');
    assert.match(await agreement.innerText(), /移动电话号码注销协议/);
    const submit = page.getByTestId('store-submit');
    assert.equal(await submit.isDisabled(), true, 'cannot submit before the customer signs');
    await expectAccessible(page, 'store flow: agreement');
    await sign(page);
    assert.equal(await page.getByTestId('signature-pad').getAttribute('data-signed'), 'true');
    await submit.click();

    // Progress until completed; then the certificate and the agreement.
    await page.waitForURL(/\/staff\/store\/requests\/[^/]+$/);
    const requestId = page.url().split('/').pop()!;
    await page.getByTestId('store-completed').waitFor({ timeout: 60_000 });
    await page.getByTestId('card-returned').waitFor();
    await expectAccessible(page, 'store request, completed');

    // The cash refund is handed over and confirmed, once.
    const view = (await (await page.request.get(`${app.url}/api/v1/store/cancellations/${requestId}`)).json()) as { refundRoute: { type: string }; refundFen: number };
    assert.equal(view.refundRoute.type, 'cash', 'the counter offers cash first');
    assert.ok(view.refundFen > 0, 'this customer gets money back');
    await page.getByTestId('cash-to-hand').waitFor();
    await page.getByTestId('cash-confirm-open').click();
    await page.getByTestId('cash-confirm-ok').waitFor();
    await expectAccessible(page, 'store request, cash hand-over confirmation');
    await page.getByTestId('cash-confirm-ok').click();
    await page.getByTestId('cash-handed-over').waitFor();
    assert.equal(await page.getByTestId('cash-confirm-open').count(), 0, 'confirmed once: the button is gone');
    await page.reload();
    await page.getByTestId('cash-handed-over').waitFor();
    const certHref = await page.getByTestId('certificate-link').getAttribute('href');
    assert.match(certHref!, /^\/api\/v1\/certificates\/[^/]+\.pdf$/);
    const cert = await page.request.get(`${app.url}${certHref}`);
    assert.equal(cert.status(), 200);
    assert.equal((await cert.body()).subarray(0, 4).toString('latin1'), '%PDF', 'the certificate is a PDF');
    const agreementHref = await page.getByTestId('agreement-link').getAttribute('href');
    const pdf = await page.request.get(`${app.url}${agreementHref}`);
    assert.equal(pdf.status(), 200);
    assert.equal((await pdf.body()).subarray(0, 4).toString('latin1'), '%PDF', 'the signed agreement is a PDF');

    // The clerk's day lists it.
    await page.goto(`${app.url}/staff/store?tab=history`);
    await page.getByTestId(`history-open-${requestId}`).waitFor();
    await expectAccessible(page, 'store history');
  });
});

test('on a phone the console fits the screen, a wrong card is caught before submitting, and English works', async (t) => {
  await withPage(t, 'store-phone', PHONE, async (page) => {
    const s = scenario('clean_physical');
    await signInClerk(page);
    await noHorizontalScroll(page, 'store console');
    await page.getByTestId('lookup-by').getByText('手机号码').click();
    await page.getByTestId('lookup-input').fill(s.msisdn);
    await page.getByTestId('lookup-button').click();
    await page.getByTestId(`pick-line-${s.line.id}`).click();
    await noHorizontalScroll(page, 'checks step');

    // A card whose number differs from the line's is flagged at once and keeps Next disabled.
    const wrong = `${s.line.iccid.slice(0, -4)}${s.line.iccid.slice(-4) === '0000' ? '1111' : '0000'}`;
    await page.getByTestId('iccid-input').fill(wrong);
    await page.getByTestId('iccid-mismatch').waitFor();
    await page.getByTestId('id-number-input').fill(s.idNumber);
    await page.getByTestId('face-matched').check();
    assert.equal(await page.getByTestId('flow-next').isDisabled(), true);

    await page.getByTestId('lang-switch').click();
    await page.getByText("Not this line's card: check the card handed back").waitFor();
    await page.getByTestId('iccid-input').fill(s.line.iccid);
    await page.getByTestId('iccid-match').waitFor();
    await page.getByTestId('flow-next').click();
    await page.getByTestId('bill-table').waitFor();
    await noHorizontalScroll(page, 'settlement step');
    await expectAccessible(page, 'store flow: settlement (phone, English)');

    // The step is in the URL: reload stays there, Back returns to the checks as typed, Forward comes back.
    assert.match(page.url(), new RegExp(`line=${s.line.id}.*step=1|step=1.*line=${s.line.id}`));
    await page.reload();
    await page.getByTestId('bill-table').waitFor();
    await page.goBack();
    await page.getByTestId('flow-step-0').waitFor();
    assert.equal(await page.getByTestId('iccid-input').inputValue(), s.line.iccid, 'what was typed survives');
    assert.equal(await page.getByTestId('face-matched').isChecked(), true);
    await page.goForward();
    await page.getByTestId('bill-table').waitFor();
    const kept = await page.evaluate<string>('JSON.stringify(sessionStorage)');
    assert.ok(!kept.includes('contentBase64') && !kept.includes('signature'), 'no scans or signature kept');
  });
});

test('arrears are taken in cash at the counter, and then the line can be cancelled', async (t) => {
  await withPage(t, 'store-arrears', DESKTOP, async (page) => {
    const s = scenario('arrears');
    await signInClerk(page);
    await page.getByTestId('lookup-input').fill(s.idNumber);
    await page.getByTestId('lookup-button').click();
    await page.getByTestId(`pick-line-${s.line.id}`).click();
    // What stands in the way shows before the card is scanned.
    await page.getByTestId('early-blocker-arrears').waitFor();
    assert.equal(await page.getByTestId('iccid-input').inputValue(), '', 'nothing scanned yet');
    await expectAccessible(page, 'store flow: blockers shown at the first step');
    await page.getByTestId('iccid-input').fill(s.line.iccid);
    await page.getByTestId('id-number-input').fill(s.idNumber);
    await page.getByTestId('face-matched').check();
    await page.getByTestId('flow-next').click();

    await page.getByTestId('not-eligible').waitFor();
    await page.getByTestId('blocker-arrears').waitFor();
    await expectAccessible(page, 'store flow: arrears to pay');
    assert.equal(await page.getByTestId('flow-next').isDisabled(), true, 'blocked until paid');
    const amount = await page.getByTestId('pay-amount').innerText();
    assert.match(amount, /^¥\d+\.\d\d$/);
    assert.notEqual(amount, '¥0.00');
    await page.getByTestId('pay-store_cash').click();
    await page.getByTestId('pay-confirm-store_cash').click();
    await page.getByTestId('eligible').waitFor();
    assert.equal(await page.getByTestId('blocker-arrears').count(), 0, 'the arrears are gone');
    assert.equal(await page.getByTestId('flow-next').isDisabled(), false);
  });
});

test('someone applying for the owner must give their name, ID number and relationship', async (t) => {
  await withPage(t, 'store-mandate', DESKTOP, async (page) => {
    const s = scenario('clean_physical');
    await signInClerk(page);
    await page.getByTestId('lookup-input').fill(s.idNumber);
    await page.getByTestId('lookup-button').click();
    await page.getByTestId(`pick-line-${s.line.id}`).click();
    await page.getByTestId('iccid-input').fill(s.line.iccid);
    await page.getByTestId('id-number-input').fill(s.idNumber);
    await page.getByTestId('face-matched').check();
    assert.equal(await page.getByTestId('applicant-fields').count(), 0, 'the owner needs no applicant fields');
    await page.getByTestId('mandate-proxy').click();
    await page.getByTestId('applicant-fields').waitFor();
    await page.getByTestId('applicant-missing').waitFor();
    assert.equal(await page.getByTestId('flow-next').isDisabled(), true, 'not without the applicant');
    await expectAccessible(page, 'store flow: proxy applicant fields');
    await page.getByTestId('applicant-name').fill('王代办');
    await page.getByTestId('applicant-id').fill('110105198707140488');
    assert.ok(await page.getByTestId('applicant-missing').isVisible(), 'the relationship is still missing');
    await page.locator('input#applicant-relationship').fill('朋友');
    await page.getByTestId('applicant-missing').waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('flow-next').isDisabled(), true, 'the proxy documents are still missing');
  });
});

test('early checks compare typed identifiers with the masked ones', () => {
  assert.equal(matchesMask('89860026009913801017', '898600**********1017'), 'match');
  assert.equal(matchesMask('8986 0026 0099 1380 1017', '898600**********1017'), 'match', 'spaces from a scanner are ignored');
  assert.equal(matchesMask('89860026009913801018', '898600**********1017'), 'mismatch');
  assert.equal(matchesMask('8986', '898600**********1017'), 'unknown', 'too short to tell');
  assert.equal(matchesMask('1234', '898600**********1017'), 'mismatch', 'a wrong prefix shows at once');
  assert.equal(matchesMask('11010519920315042x', '1101**********042X'), 'match', 'the check letter is compared in upper case');
});

test('the documents each mandate needs, the amount to take, the refund route', () => {
  assert.deepEqual(missingKinds('owner', []), []);
  assert.deepEqual(missingKinds('proxy', [{ kind: 'agent_id' }]), ['authorisation_letter']);
  assert.deepEqual(missingKinds('deceased_owner', []), ['death_certificate', 'relationship_proof']);
  assert.equal(sniffType(new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31])), 'application/pdf');
  assert.equal(sniffType(new Uint8Array([0x47, 0x49, 0x46, 0x38])), null, 'a GIF is refused');

  const refund = { cashBalanceFen: 0, promotionalCreditFen: 0, owedFen: 6277, refundableFen: 0, shortfallFen: 6277 };
  const blockers = [{ code: 'arrears', message: '', remedy: '', params: { totalFen: 6652 } }];
  assert.equal(amountToPay({ blockers, refund }), 6652 + 6277, 'arrears and the bill shortfall are taken together');

  const quote = { refund: { ...refund, refundableFen: 1200, shortfallFen: 0 } };
  const draft = { type: 'bank' as const, accountName: '张三', bankAccount: '6222 0000 1111 2222', bankName: '工商银行' };
  assert.deepEqual(buildRefundRoute(draft, quote), { type: 'bank', accountName: '张三', bankAccount: '6222000011112222', bankName: '工商银行' });
  assert.equal(buildRefundRoute({ ...draft, bankAccount: '123' }, quote), null);
  assert.deepEqual(buildRefundRoute({ ...draft, type: 'cash' }, quote), { type: 'cash' });
});
