// The review console end to end, through the real API (dev mode, demo data): two subscribers submit
// online; a reviewer filters and searches the queue (by reference; the whole number goes in a POST
// body, never the URL), claims a request from the queue, sees the countdown and the claim, releases
// it, picks preset rejection reasons for one and approves the other after a confirmation with the
// amounts. Axe-clean in Chinese and English.
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { clickConfirm, DESKTOP, launchBrowser, onPage, PHONE } from './browser.ts';
import { startApp, type RunningApp } from './app.ts';
import { expectAccessible } from './axe.ts';

interface Demo {
  subscribers: { scenario: string; msisdn: string; idLast6: string; lines: { id: string; msisdn: string }[] }[];
  staff: { username: string; password: string; role: string }[];
}

let app: RunningApp;
let browser: Browser | undefined;
let demo: Demo;
const submitted: { id: string; reference: string; msisdn: string }[] = [];

function client(base: string) {
  let cookie = '';
  return async <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), origin: base, ...(cookie ? { cookie } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const set = res.headers.getSetCookie?.() ?? [];
    if (set.length) cookie = set.map((c) => c.split(';')[0]).join('; ');
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

/** A demo subscriber signs in (SMS code from the dev outbox, ID tail) and submits their line online. */
async function submitOnline(scenario: string): Promise<void> {
  const s = demo.subscribers.find((x) => x.scenario === scenario);
  assert.ok(s, scenario);
  const api = client(app.url);
  await api('POST', '/auth/sms-code', { msisdn: s.msisdn });
  const outbox = await api<{ messages: { text: string }[] }>('GET', `/dev/outbox?to=${encodeURIComponent(s.msisdn)}&limit=1`);
  const code = /\b(\d{6})\b/.exec(outbox.messages[0].text)![1];
  await api('POST', '/auth/sign-in', { msisdn: s.msisdn, code });
  await api('POST', '/auth/real-name', { idLast6: s.idLast6 });
  const line = s.lines.find((l) => l.msisdn === s.msisdn)!;
  const quote = await api<{ version: string; eligible: boolean; requiredAcknowledgements: string[]; blockers: unknown[] }>('POST', '/cancellations/quote', { lineId: line.id });
  assert.ok(quote.eligible, `${scenario}: ${JSON.stringify(quote.blockers)}`);
  const r = await api<{ id: string; reference: string }>('POST', '/cancellations', {
    lineId: line.id, quoteVersion: quote.version, acknowledgements: quote.requiredAcknowledgements,
    confirmLast4: s.msisdn.slice(-4), refundRoute: { type: 'original' },
  }, { 'idempotency-key': `review-browser-${scenario}` });
  submitted.push({ id: r.id, reference: r.reference, msisdn: s.msisdn });
}

before(async () => {
  app = await startApp();
  if (!app.real) return;
  browser = await launchBrowser();
  demo = (await (await fetch(`${app.url}/api/v1/dev/demo-accounts`)).json()) as Demo;
  await submitOnline('clean_physical');
  await submitOnline('multi_line');
});

after(async () => {
  await browser?.close();
  await app?.close();
});

async function withPage(t: TestContext, name: string, viewport: { width: number; height: number }, fn: (page: Page, context: BrowserContext) => Promise<void>) {
  if (!app.real || !browser) {
    t.skip('needs the API server');
    return;
  }
  await onPage(browser, name, viewport, fn);
}

async function signInReviewer(page: Page) {
  const r = demo.staff.find((s) => s.role === 'reviewer')!;
  await page.goto(`${app.url}/staff`);
  await page.getByTestId('staff-username').fill(r.username);
  await page.getByTestId('staff-password').fill(r.password);
  await page.getByTestId('staff-sign-in-button').click();
  await page.waitForURL(/\/staff\/review$/);
  await page.getByTestId('queue-count').waitFor();
}

test('a reviewer searches, claims, releases, rejects with preset reasons and approves after confirming', async (t) => {
  await withPage(t, 'review-console', DESKTOP, async (page) => {
    const [first, second] = submitted;
    await signInReviewer(page);
    await page.getByTestId(`queue-row-${first.id}`).waitFor();
    assert.ok(Number(await page.getByTestId('queue-count').getAttribute('data-total')) >= 2);
    const countdown = page.getByTestId(`queue-row-${first.id}`).getByTestId('countdown');
    assert.match(await countdown.innerText(), /剩余 .*(天|小时|分钟)/, 'a countdown to the deadline');
    await expectAccessible(page, 'review queue with filters');

    // The reference goes in the URL, any spacing; the whole number does not.
    await page.getByTestId('queue-search').fill(first.reference.replace(/\s/g, ''));
    await page.getByTestId('queue-search-go').click();
    await page.waitForURL(/[?&]q=/);
    await page.getByTestId(`queue-row-${second.id}`).waitFor({ state: 'detached' });
    assert.equal(await page.locator('[data-testid^="queue-row-"]').count(), 1, 'one request has this reference');
    await page.getByTestId('queue-search').fill('');
    await page.getByTestId(`queue-row-${second.id}`).waitFor();
    const posted: string[] = [];
    page.on('request', (r) => { if (r.url().includes('/review/queue')) posted.push(`${r.method()} ${r.url()} ${r.postData() ?? ''}`); });
    await page.getByTestId('queue-number').fill(second.msisdn.replace('+86', ''));
    await page.getByTestId('queue-number-go').click();
    await page.getByTestId('number-filter').waitFor();
    await page.getByTestId(`queue-row-${first.id}`).waitFor({ state: 'detached' });
    const digits = second.msisdn.replace('+86', '');
    assert.ok(posted.some((p) => p.startsWith('POST') && p.includes(digits)), 'the number is sent in a POST body');
    assert.ok(!posted.some((p) => p.split(' ')[1].includes(digits)) && !page.url().includes(digits), 'the number is in no URL');
    await page.getByTestId('number-filter').locator('.ant-tag-close-icon').click();

    // Claim from the queue: the decision screen shows the claim; release gives it back.
    await page.getByTestId(`review-claim-${first.id}`).click();
    await page.waitForURL(new RegExp(`/staff/review/${first.id}$`));
    await page.locator('[data-testid="claim-state"][data-mine="true"]').waitFor();
    await expectAccessible(page, 'review decision, claimed');
    await page.getByTestId('release-button').click();
    await page.locator('[data-testid="claim-state"][data-mine="false"]').waitFor();

    // Reject with preset reasons plus a word of one's own.
    await page.getByTestId('reject-button').click();
    await page.getByTestId('preset-documents').click();
    await page.getByTestId('reject-reason').fill('请携带身份证原件。');
    assert.match(await page.getByTestId('reject-preview').innerText(), /证件资料不清晰.*请携带身份证原件/s);
    await expectAccessible(page, 'reject dialog with preset reasons');
    await page.getByTestId('reject-confirm').click();
    await page.waitForURL(/\/staff\/review(\?.*)?$/);
    const rejected = (await (await page.request.get(`${app.url}/api/v1/review/${first.id}`)).json()) as { status: string; rejectionReason: string };
    assert.equal(rejected.status, 'rejected');
    assert.match(rejected.rejectionReason, /证件资料不清晰.*请携带身份证原件/);

    // Approve asks first, with the amounts.
    await page.getByTestId(`review-open-${second.id}`).click();
    await page.getByTestId('approve-button').click();
    const summary = page.getByTestId('approve-summary');
    await summary.waitFor();
    assert.match(await summary.innerText(), /¥\d+\.\d\d/);
    await expectAccessible(page, 'approve confirmation');
    assert.equal(((await (await page.request.get(`${app.url}/api/v1/review/${second.id}`)).json()) as { status: string }).status, 'pending_review', 'nothing happens before the confirmation');
    await clickConfirm(page.getByTestId('approve-confirm'));
    await page.waitForURL(/\/staff\/review(\?.*)?$/);
    assert.notEqual(((await (await page.request.get(`${app.url}/api/v1/review/${second.id}`)).json()) as { status: string }).status, 'pending_review');
  });
});

test('the queue in English on a phone, filters in the URL survive a reload', async (t) => {
  await withPage(t, 'review-phone-en', PHONE, async (page) => {
    await signInReviewer(page);
    await page.getByTestId('lang-switch').click();
    await page.getByText('Review queue').first().waitFor();
    await page.goto(`${app.url}/staff/review?status=rejected`);
    await page.getByTestId('queue-count').waitFor();
    await page.getByText(/\d+ requests?/).first().waitFor();
    await expectAccessible(page, 'review queue, rejected, English, phone');
    await page.reload();
    await page.getByTestId('queue-count').waitFor();
    assert.match(page.url(), /status=rejected/);
    assert.equal(await page.getByTestId('filter-status').innerText().then((x) => x.includes('Rejected')), true, 'the filter is shown as set');
  });
});
