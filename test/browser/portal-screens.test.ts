// The portal's screens beyond the happy path, through the real API (dev mode, demo data): recovering
// a number during its freeze, an MVNO line after "we'll forward it", applying again after a
// rejection, and a store-only line pointing to the carrier's stores. Each checked with axe, in
// Chinese and in English.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { Page } from 'playwright-core';
import { DESKTOP, noHorizontalScroll, PHONE } from './browser.ts';
import { expectAccessible } from './axe.ts';
import * as portal from './portal-helpers.ts';
import { ICCID_ISSUERS, makeIccid } from '../../src/identifiers/index.ts';

let h: portal.PortalHarness;
before(async () => {
  h = await portal.startPortal();
});
after(async () => {
  await portal.stopPortal(h);
});

const api = async (page: Page, method: 'GET' | 'POST', path: string, data?: unknown, headers?: Record<string, string>) => {
  const res = method === 'GET'
    ? await page.request.get(`${h.app.url}/api/v1/${path}`)
    : await page.request.post(`${h.app.url}/api/v1/${path}`, { data: data ?? {}, headers });
  return { status: res.status(), body: await res.json() };
};

/** The subscriber (signed in on `page`) submits a cancellation of a line through the API. */
async function submitThroughApi(page: Page, msisdn: string): Promise<string> {
  const lines = (await api(page, 'GET', 'me/lines')).body.lines as { id: string; msisdn: string }[];
  const line = lines.find((l) => l.msisdn === msisdn);
  assert.ok(line, `line ${msisdn} listed`);
  const q = (await api(page, 'POST', 'cancellations/quote', { lineId: line.id })).body;
  assert.equal(q.eligible, true, JSON.stringify(q.blockers));
  const r = await api(page, 'POST', 'cancellations', {
    lineId: line.id, quoteVersion: q.version, acknowledgements: q.requiredAcknowledgements, confirmLast4: msisdn.slice(-4), refundRoute: { type: 'original' },
  }, { 'idempotency-key': crypto.randomUUID() });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id as string;
}

async function waitForStatus(page: Page, id: string, status: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if ((await api(page, 'GET', `cancellations/${id}`)).body.status === status) return;
    await page.waitForTimeout(500);
  }
  assert.fail(`request ${id} did not reach ${status}`);
}

test('a cancelled number shows its freeze and is recovered on a new SIM during it', async (t) => {
  await portal.withPage(h, t, 'portal-recover', PHONE, async (page) => {
    const s = portal.scenario(h, 'multi_line');
    await portal.signInSubscriber(h, page, s);
    const unicom = '+8618600138010';
    const id = await submitThroughApi(page, unicom);
    const reviewer = await portal.staffApi(h, 'reviewer');
    const approved = await reviewer('POST', `review/${id}/approve`);
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    await waitForStatus(page, id, 'completed');

    await page.goto(`${h.app.url}/portal`);
    const frozen = page.getByTestId(`frozen-until-${unicom}`);
    await frozen.waitFor();
    const frozenText = await frozen.innerText();
    assert.match(frozenText, /^\d{4}年\d{1,2}月\d{1,2}日（北京时间）$/);
    assert.match(await page.getByTestId(`line-${unicom}`).innerText(), /186 0013 8010/);
    await expectAccessible(page, 'my lines with a frozen number');
    await page.getByTestId(`recover-${unicom}`).click();
    await page.waitForURL(/\/portal\/recover\?line=[0-9a-f-]+$/);
    assert.ok(!page.url().includes('8618600138010'), 'the number itself is not in the URL');
    assert.equal(await page.getByTestId('recover-frozen-until').innerText(), frozenText);
    await expectAccessible(page, 'recovery');
    await noHorizontalScroll(page, 'recovery');

    await page.getByTestId('recover-send-code').click();
    await page.getByTestId('recover-code-sent').waitFor();
    const code = await page.getByTestId('recover-dev-code').innerText();
    assert.match(code, /^\d{6}$/);
    // a wrong ID is refused in words, and the number stays frozen
    await page.getByTestId('recover-code').fill(code);
    await page.getByTestId('recover-id-last6').fill(s.idLast6 === '000000' ? '111111' : '000000');
    const iccid = makeIccid(ICCID_ISSUERS.find((i) => i.carrier === 'cucc')!.prefix, String(crypto.randomInt(0, 1e12)).padStart(13, '7'));
    await page.getByTestId('recover-iccid').fill(iccid);
    await page.getByTestId('recover-submit').click();
    const error = page.getByTestId('recover-error');
    await error.waitFor();
    assert.match(await error.innerText(), /证件信息与登记信息不一致/);
    await expectAccessible(page, 'recovery with a wrong ID');

    await page.getByTestId('recover-id-last6').fill(s.idLast6);
    await page.getByTestId('recover-submit').click();
    const done = page.getByTestId('recover-done');
    await done.waitFor();
    assert.match(await done.innerText(), /186 0013 8010 已恢复/);
    await page.goto(`${h.app.url}/portal`);
    await page.getByTestId(`cancel-${unicom}`).waitFor(); // the number is live again, on the new SIM
  });
});

test('an MVNO line after "we\'ll forward it": tracked in My requests by the ticket, no second cancel, the hotline a tel: link', async (t) => {
  await portal.withPage(h, t, 'portal-mvno', DESKTOP, async (page) => {
    const s = portal.scenario(h, 'mvno');
    await portal.signInSubscriber(h, page, s);
    // the MVNO's hotline can be called from the card
    const hotline = page.getByTestId(`line-${s.msisdn}`).getByTestId('hotline-link');
    assert.match((await hotline.getAttribute('href'))!, /^tel:\d+$/);
    assert.doesNotMatch(await page.getByTestId(`line-${s.msisdn}`).innerText(), /由 |\s销售/);
    await page.getByTestId(`cancel-${s.msisdn}`).click();
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('remedy-forward_to_mvno').click();
    const ticket = page.getByTestId('forward-ticket');
    await ticket.waitFor();
    const number = /工单号：(\S+)/.exec(await ticket.innerText())?.[1];
    assert.ok(number, 'the ticket is shown');
    await expectAccessible(page, 'wizard: forwarded to the MVNO');
    await page.getByTestId('forwarded-to-requests').click();
    await page.waitForURL(/\/portal\/requests$/);
    const card = page.getByTestId(`forwarded-${s.msisdn}`);
    await card.waitFor();
    assert.equal(await page.getByTestId(`forwarded-ticket-${s.msisdn}`).first().innerText(), number);
    assert.match(await page.getByTestId(`forwarded-status-${s.msisdn}`).innerText(), /已转交阿里通信/);
    assert.match((await card.getByTestId('hotline-link').getAttribute('href'))!, /^tel:/);
    await expectAccessible(page, 'my requests with a forwarded request');
    // the line no longer offers to cancel; it points to the forwarded request
    await page.goto(`${h.app.url}/portal`);
    await page.getByTestId(`view-forwarded-${s.msisdn}`).waitFor();
    assert.equal(await page.getByTestId(`cancel-${s.msisdn}`).count(), 0);
    // in English too
    await page.getByTestId('lang-switch').click();
    await page.goto(`${h.app.url}/portal/requests`);
    await card.waitFor();
    assert.match(await page.getByTestId(`forwarded-status-${s.msisdn}`).innerText(), /With Alibaba Communications/);
    await expectAccessible(page, 'my requests with a forwarded request (English)');
  });
});

test('after a rejection the request page says why and offers to apply again; no refund is shown', async (t) => {
  await portal.withPage(h, t, 'portal-apply-again', PHONE, async (page) => {
    const s = portal.scenario(h, 'clean_physical');
    await portal.signInSubscriber(h, page, s);
    const id = await submitThroughApi(page, s.msisdn);
    const reviewer = await portal.staffApi(h, 'reviewer');
    const rejected = await reviewer('POST', `review/${id}/reject`, { reason: '身份证照片不清晰，请重新提交。' });
    assert.equal(rejected.status, 200, JSON.stringify(rejected.body));
    await page.goto(`${h.app.url}/portal/requests/${id}`);
    const box = page.getByTestId('rejection');
    await box.waitFor();
    assert.match(await box.innerText(), /身份证照片不清晰/);
    assert.doesNotMatch(await page.locator('main, .ant-layout-content').first().innerText(), /退款金额|待退款/);
    assert.match(await page.getByTestId('status-tag').first().innerText(), /驳回/);
    await expectAccessible(page, 'rejected request');
    await page.getByTestId('apply-again').click();
    await page.waitForURL(/\/portal\/lines\/[^/]+\/cancel$/);
    await page.getByTestId('wizard-step-0').waitFor();
  });
});

test('a store-only line lists the carrier\'s stores in its home province', async (t) => {
  await portal.withPage(h, t, 'portal-store-only', PHONE, async (page) => {
    const s = portal.scenario(h, 'lost_or_suspended');
    await portal.signInSubscriber(h, page, s);
    await page.getByTestId(`cancel-${s.msisdn}`).click();
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('not-eligible').waitFor();
    const list = page.getByTestId('store-list');
    await list.waitFor();
    const text = await list.innerText();
    assert.match(text, /北京.*中国移动营业厅/);
    assert.match(text, /中国移动北京西单营业厅/);
    assert.doesNotMatch(text, /联通|电信/);
    await expectAccessible(page, 'checks: store-only line with stores');
    await noHorizontalScroll(page, 'checks: store list');
  });
});
