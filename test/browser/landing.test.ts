import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { DESKTOP, horizontalOverflow, launchBrowser, onPage, PHONE } from './browser.ts';
import { startApp, type RunningApp } from './app.ts';
import { expectAccessible } from './axe.ts';

let app: RunningApp;
let browser: Browser;

before(async () => {
  app = await startApp();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await app?.close();
});

async function withPage(
  name: string,
  viewport: { width: number; height: number },
  fn: (page: Page) => Promise<void>,
): Promise<void> {
  await onPage(browser, name, viewport, fn, { locale: 'en-US' });
}

const h1Text = (page: Page) => page.locator('h1').first().innerText();

test('landing page is in Chinese by default and switches to English, remembering the choice', async () => {
  await withPage('landing-lang', PHONE, async (page) => {
    await page.goto(`${app.url}/`);
    await page.locator('h1').first().waitFor();
    assert.equal(await h1Text(page), '注销 Zhuxiao');
    await expectAccessible(page, 'landing (zh-CN, phone)');
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    await page.getByRole('link', { name: /用户自助注销/ }).waitFor();

    const toEnglish = page.getByRole('button', { name: 'English' });
    assert.equal(await toEnglish.getAttribute('data-testid'), 'lang-switch');
    await toEnglish.click();

    await page.getByRole('heading', { level: 1, name: 'Zhuxiao: cancel a mobile line' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.getByRole('link', { name: /Subscriber portal/ }).waitFor();
    // the switch now offers Chinese
    await page.getByRole('button', { name: '中文' }).waitFor();
    await expectAccessible(page, 'landing (en, phone)');

    await page.reload();
    await page.locator('h1').first().waitFor();
    assert.equal(await h1Text(page), 'Zhuxiao: cancel a mobile line');

    await page.getByTestId('lang-switch').click();
    await page.getByRole('heading', { level: 1, name: '注销 Zhuxiao' }).waitFor();
  });
});

test('landing page links to the portal, the store console, staff sign-in and certificate checks', async () => {
  await withPage('landing-links', DESKTOP, async (page) => {
    await page.goto(`${app.url}/`);
    const href = (testId: string) => page.getByTestId(testId).getAttribute('href');
    assert.equal(await href('entry-portal'), '/portal');
    assert.equal(await href('entry-store'), '/staff?next=store');
    assert.equal(await href('entry-staff'), '/staff');
    assert.equal(await href('entry-verify'), '/verify');
    await expectAccessible(page, 'landing (desktop)');
    const text = await page.locator('main, .ant-layout-content').first().innerText();
    for (const phrase of ['备份', '解绑', '优惠余额不可退', '错卡', '注销证明']) {
      assert.ok(text.includes(phrase), `landing mentions ${phrase}`);
    }
    await page.getByTestId('entry-verify').click();
    await page.getByRole('heading', { level: 2, name: '验证注销证明' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/verify');
    await expectAccessible(page, 'verify (empty form)');
  });
});

test('no horizontal scroll at 375 px in either language', async () => {
  await withPage('landing-phone', PHONE, async (page) => {
    await page.goto(`${app.url}/`);
    await page.locator('h1').first().waitFor();
    assert.equal(await horizontalOverflow(page), 0, 'zh-CN page is wider than the phone');
    await page.getByTestId('lang-switch').click();
    await page.getByRole('heading', { level: 1, name: 'Zhuxiao: cancel a mobile line' }).waitFor();
    assert.equal(await horizontalOverflow(page), 0, 'English page is wider than the phone');
  });
});

test('the app is sent compressed; hashed assets are cached for good, the page itself is revalidated', async (t) => {
  if (!app.real) return t.skip('needs the API server');
  const page = await fetch(`${app.url}/`, { headers: { 'accept-encoding': 'br, gzip' } });
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('cache-control'), 'no-cache');
  assert.equal(page.headers.get('content-encoding'), 'br', 'the page is compressed');
  const etag = page.headers.get('etag');
  assert.ok(etag, 'the page can be revalidated');
  const again = await fetch(`${app.url}/verify/ZX2026ABCDEFGH?c=123456`, { headers: { 'accept-encoding': 'gzip', 'if-none-match': etag } });
  assert.equal(again.status, 304, 'an app route answers the same shell: unchanged since the build');
  const plain = await fetch(`${app.url}/portal`, { headers: { 'accept-encoding': 'identity' } });
  assert.equal(plain.headers.get('content-encoding'), null);
  const html = await page.text();
  assert.equal(await plain.text(), html, 'the same page in every encoding');
  const script = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  assert.ok(script, 'index.html loads a hashed script');
  const asset = await fetch(`${app.url}${script}`, { headers: { 'accept-encoding': 'br, gzip' } });
  assert.equal(asset.status, 200);
  assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.match(asset.headers.get('content-encoding') ?? '', /^(br|gzip)$/, 'the script is compressed');
  const api = await fetch(`${app.url}/api/v1/dev/demo-accounts`, { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(api.headers.get('content-encoding'), 'gzip', 'API answers are compressed too');
});
