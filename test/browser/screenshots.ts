// Manual look at the pages: `node --import tsx test/browser/screenshots.ts [--en] [page names...]`.
// Saves PNGs at desktop and phone widths under test-results/screens/, against the mock API.
import type { Browser, Page } from 'playwright-core';
import { DESKTOP, horizontalOverflow, launchBrowser, PHONE, screenshot } from './browser.ts';
import { startApp } from './app.ts';
import { createMockApi } from './mock-api.ts';

type Shot = { name: string; path: string; signedIn?: 'subscriber' | 'staff' | null; prepare?: (page: Page) => Promise<void> };

const SHOTS: Shot[] = [
  { name: 'landing', path: '/' },
  {
    name: 'portal-sign-in',
    path: '/portal',
    prepare: async (page) => {
      await page.getByTestId('demo-accounts').getByRole('button').first().click();
      await page.getByTestId('demo-13800138000').click();
      await page.getByTestId('send-code-button').click();
      await page.getByTestId('dev-outbox-code').waitFor();
    },
  },
  { name: 'portal-lines', path: '/portal', signedIn: 'subscriber', prepare: async (p) => void (await p.getByTestId('line-13800138000').waitFor()) },
  {
    name: 'wizard-checks',
    path: '/portal/lines/l1/cancel',
    signedIn: 'subscriber',
    prepare: async (p) => {
      await p.getByTestId('wizard-next').click();
      await p.getByTestId('ack-data_backup').waitFor();
    },
  },
  {
    name: 'wizard-bill',
    path: '/portal/lines/l1/cancel',
    signedIn: 'subscriber',
    prepare: async (p) => {
      await p.getByTestId('wizard-next').click();
      for (const c of ['data_backup', 'unbind_accounts', 'number_frozen', 'companion_devices']) await p.getByTestId(`ack-${c}`).check();
      await p.getByTestId('wizard-next').click();
      await p.getByTestId('bill-table').waitFor();
      await p.getByTestId('route-bank').click();
    },
  },
  {
    name: 'wizard-blocked',
    path: '/portal/lines/l3/cancel',
    signedIn: 'subscriber',
    prepare: async (p) => {
      await p.getByTestId('wizard-next').click();
      await p.getByTestId('remedy-forward_to_mvno').click();
      await p.getByTestId('forward-ticket').waitFor();
    },
  },
  { name: 'request-completed', path: '/portal/requests/done', signedIn: 'subscriber', prepare: async (p) => void (await p.getByTestId('certificate-link').waitFor()) },
  { name: 'staff-sign-in', path: '/staff', prepare: async (p) => void (await p.getByTestId('demo-staff').getByRole('button').first().click()) },
  { name: 'review-queue', path: '/staff/review', signedIn: 'staff', prepare: async (p) => void (await p.getByTestId('review-queue').waitFor()) },
  { name: 'review-decision', path: '/staff/review/r2', signedIn: 'staff', prepare: async (p) => {
    await p.getByTestId('approve-button').click();
    await p.getByTestId('review-conflict').waitFor();
  } },
  { name: 'verify-valid', path: '/verify/ZX-2026-000001', prepare: async (p) => void (await p.getByTestId('verify-valid').waitFor()) },
];

async function run(browser: Browser, shot: Shot, size: 'desktop' | 'phone', only: string[], lang: string) {
  if (only.length && !only.includes(shot.name)) return;
  const app = await startApp({ api: createMockApi({ signedIn: shot.signedIn ?? null }) });
  const context = await browser.newContext({ viewport: size === 'desktop' ? DESKTOP : PHONE });
  if (lang === 'en') await context.addInitScript("localStorage.setItem('zhuxiao.lang', 'en')");
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${shot.name}] page error:`, e.message));
  page.on('console', (m) => m.type() === 'error' || m.type() === 'warning' ? console.error(`[${shot.name}] console ${m.type()}:`, m.text().slice(0, 300)) : undefined);
  try {
    await page.goto(app.url + shot.path);
    await page.locator('h1, h2').first().waitFor();
    await shot.prepare?.(page);
    await page.waitForTimeout(400);
    const overflow = await horizontalOverflow(page);
    const file = await screenshot(page, `screens/${shot.name}-${size}${lang === 'en' ? '-en' : ''}`);
    console.log(`${file}${overflow ? `  OVERFLOW ${overflow}px` : ''}`);
  } catch (err) {
    await screenshot(page, `screens/${shot.name}-${size}-error`);
    console.error(`[${shot.name}/${size}]`, err);
  } finally {
    await context.close();
    await app.close();
  }
}

const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const lang = process.argv.includes('--en') ? 'en' : 'zh-CN';
const browser = await launchBrowser();
try {
  for (const shot of SHOTS) for (const size of ['desktop', 'phone'] as const) await run(browser, shot, size, only, lang);
} finally {
  await browser.close();
}
