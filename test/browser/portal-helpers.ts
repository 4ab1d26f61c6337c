// What the portal's browser tests share: the app with its demo data, a page per test, signing a demo
// subscriber in through the UI, and staff calls through the API (approve, reject) with a cookie.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, onPage } from './browser.ts';
import { startApp, type RunningApp } from './app.ts';

export interface Demo {
  subscribers: { scenario: string; msisdn: string; idLast6: string }[];
  staff: { username: string; password: string; role: string }[];
}

export interface PortalHarness {
  app: RunningApp;
  browser: Browser | undefined;
  demo: Demo;
}

export async function startPortal(): Promise<PortalHarness> {
  const app = await startApp();
  if (!app.real) return { app, browser: undefined, demo: { subscribers: [], staff: [] } };
  const browser = await launchBrowser();
  const demo = (await (await fetch(`${app.url}/api/v1/dev/demo-accounts`)).json()) as Demo;
  return { app, browser, demo };
}

export async function stopPortal(h: PortalHarness | undefined): Promise<void> {
  await h?.browser?.close();
  await h?.app?.close();
}

export function scenario(h: PortalHarness, name: string) {
  const s = h.demo.subscribers.find((x) => x.scenario === name);
  assert.ok(s, `demo scenario ${name} exists`);
  return s;
}

export async function withPage(
  h: PortalHarness,
  t: TestContext,
  name: string,
  viewport: { width: number; height: number },
  fn: (page: Page, context: BrowserContext) => Promise<void>,
  opts: { locale?: string } = {},
): Promise<void> {
  if (!h.app.real || !h.browser) {
    t.skip('needs the API server (test/helpers/context.ts or ZHUXIAO_TEST_URL)');
    return;
  }
  await onPage(h.browser, name, viewport, fn, opts);
}

/** Signs a demo subscriber in through the portal UI, using the dev outbox for the SMS code. */
export async function signInSubscriber(h: PortalHarness, page: Page, s: { msisdn: string; idLast6: string }) {
  await page.goto(`${h.app.url}/portal`);
  const input = page.getByTestId('msisdn-input');
  const demoButton = page.getByTestId(`demo-${s.msisdn}`);
  // The demo button fills the field through the form's state. Three times in CI's PostgreSQL runs
  // (never on its own) the field read back empty for 5 s after the click, as if the form had been
  // mounted afresh after it: click again (reopening the demo list if it closed), then type it.
  for (let attempt = 0; attempt < 3 && (await input.inputValue()) !== s.msisdn; attempt++) {
    if (!(await demoButton.isVisible())) await page.getByTestId('demo-accounts').getByRole('button').first().click();
    await demoButton.click();
    for (let i = 0; i < 20 && (await input.inputValue()) !== s.msisdn; i++) await page.waitForTimeout(100);
    if (attempt > 0) console.error(`# signInSubscriber: the demo button filled the number on attempt ${attempt + 1}? ${(await input.inputValue()) === s.msisdn}`);
  }
  if ((await input.inputValue()) !== s.msisdn) {
    console.error('# signInSubscriber: the demo button did not fill the number; typing it');
    await input.fill(s.msisdn);
  }
  assert.equal(await input.inputValue(), s.msisdn);
  await page.getByTestId('send-code-button').click();
  const code = await page.getByTestId('dev-outbox-code').innerText();
  assert.match(code, /^\d{6}$/);
  await page.getByTestId('code-input').fill(code);
  await page.getByTestId('sign-in-button').click();
  await page.getByTestId('id-last6-input').fill(s.idLast6);
  await page.getByTestId('real-name-button').click();
  await page.getByTestId(`line-${s.msisdn}`).waitFor();
}

/** A staff member's API session (cookie), for the steps of a test that are not about the console. */
export async function staffApi(h: PortalHarness, role: string) {
  const staff = h.demo.staff.find((x) => x.role === role);
  assert.ok(staff, `a demo ${role}`);
  const res = await fetch(`${h.app.url}/api/v1/staff/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: staff.username, password: staff.password }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const r = await fetch(`${h.app.url}/api/v1/${path}`, {
      method,
      headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };
}
