// Shared browser setup for the browser tests: headless Chromium from the system, via playwright-core.
import { mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const RESULTS_DIR = fileURLToPath(new URL('../../test-results/', import.meta.url));

export const PHONE = { width: 375, height: 812 } as const;
export const DESKTOP = { width: 1280, height: 900 } as const;

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH} (set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** Saves a full-page PNG under test-results/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const path = `${RESULTS_DIR}${name.replace(/[^\w./-]+/g, '_')}.png`;
  await mkdir(dirname(path), { recursive: true });
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Page width overflow in CSS pixels (0 means no horizontal scroll). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate<number>(
    '(() => { const d = document.documentElement; return Math.max(d.scrollWidth, document.body.scrollWidth) - d.clientWidth; })()',
  );
}

/**
 * Runs `fn` on a fresh page in its own browser context: it fails on any uncaught error in the page,
 * saves a screenshot to test-results/ when it fails, and always closes the context.
 */
export async function onPage(
  browser: Browser,
  name: string,
  viewport: { width: number; height: number },
  fn: (page: Page, context: BrowserContext) => Promise<void>,
  opts: { locale?: string } = {},
): Promise<void> {
  const context = await browser.newContext({ viewport, ...(opts.locale ? { locale: opts.locale } : {}) });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  try {
    await fn(page, context);
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
  } catch (err) {
    console.error(`screenshot saved: ${await screenshot(page, `${name}-failure`)}`);
    throw err;
  } finally {
    await context.close();
  }
}

export async function noHorizontalScroll(page: Page, where: string): Promise<void> {
  assert.equal(await horizontalOverflow(page), 0, `${where} is wider than the screen`);
}

/**
 * Clicks a dialog's confirm button and waits for the dialog to go away, however long its request
 * takes (the button shows Ant Design's loading state meanwhile). A click that lands while the dialog
 * is still opening can be lost (seen once in CI: the dialog still open 30 s later, its button idle):
 * a button still there, idle, 5 s after the click is clicked once more.
 */
export async function clickConfirm(button: Locator, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  let clickedAt = Date.now();
  let clicks = 1;
  await button.click();
  while (Date.now() < end) {
    if (await button.isHidden()) return;
    const busy = await button.evaluate((el) => el.classList.contains('ant-btn-loading')).catch(() => true);
    if (!busy && clicks < 3 && Date.now() - clickedAt > 5_000) {
      // The button may be on its way out (the request done, the page moving on): a short click, and on.
      await button.click({ timeout: 2_000 }).catch(() => undefined);
      clickedAt = Date.now();
      clicks++;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the dialog's confirm button was still there ${timeoutMs / 1000} s after ${clicks} click(s)`);
}
