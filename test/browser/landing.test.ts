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
    // (the Chinese page pre-rendered in the HTML, hidden from the accessibility tree, is replaced)
    await page.getByRole('heading', { level: 1, name: 'Zhuxiao: cancel a mobile line' }).waitFor();
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
  const again = await fetch(`${app.url}/`, { headers: { 'accept-encoding': 'gzip', 'if-none-match': etag } });
  assert.equal(again.status, 304, 'unchanged since the build');
  const shell = await fetch(`${app.url}/verify/ZX2026ABCDEFGH?c=123456`, { headers: { 'accept-encoding': 'br, gzip' } });
  const shellTag = shell.headers.get('etag');
  assert.ok(shellTag && shellTag !== etag, 'an app route answers the shell, not the pre-rendered landing page');
  const same = await fetch(`${app.url}/portal/requests`, { headers: { 'accept-encoding': 'gzip', 'if-none-match': shellTag } });
  assert.equal(same.status, 304, 'every app route answers the same shell');
  const plain = await fetch(`${app.url}/`, { headers: { 'accept-encoding': 'identity' } });
  assert.equal(plain.headers.get('content-encoding'), null);
  const html = await page.text();
  assert.equal(await plain.text(), html, 'the same page in every encoding');
  const shellHtml = await shell.text();
  // (boot.js starts the entry, after the app's initial chunks one task each: web/vite.config.ts)
  const script = /<script defer src="\/assets\/boot-[^"]+\.js" data-now data-entry="(\/assets\/[^"]+\.js)"/.exec(shellHtml)?.[1];
  assert.ok(script, 'the shell loads a hashed script');
  assert.ok(html.includes(`data-entry="${script}"`), 'the landing page starts the same script');
  const asset = await fetch(`${app.url}${script}`, { headers: { 'accept-encoding': 'br, gzip' } });
  assert.equal(asset.status, 200);
  assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.match(asset.headers.get('content-encoding') ?? '', /^(br|gzip)$/, 'the script is compressed');
  const api = await fetch(`${app.url}/api/v1/dev/demo-accounts`, { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(api.headers.get('content-encoding'), 'gzip', 'API answers are compressed too');
});

test('the landing page, verify and the portal sign-in come painted in their HTML, before any script runs', async (t) => {
  if (!app.real) return t.skip('needs the API server');
  const text = (html: string) => html.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ');
  for (const [path, heading] of [
    ['/', /<h1[^>]*>注销 Zhuxiao<\/h1>/],
    ['/verify', /<h2[^>]*>验证注销证明<\/h2>/],
    ['/portal', /<h2[^>]*>登录自助注销<\/h2>/],
  ] as const) {
    const res = await fetch(`${app.url}${path}`, { headers: { 'accept-encoding': 'br, gzip' } });
    assert.equal(res.status, 200, path);
    const html = await res.text();
    const root = html.slice(html.indexOf('<div id="root">'));
    assert.match(root, heading, `${path} carries its heading`);
    assert.match(root, /^<div id="root"><div inert aria-hidden="true">/, `${path}: the pre-rendered page is inert until React draws it`);
    assert.ok(!root.includes('data-testid='), `${path}: tests find React's elements, not the pre-rendered ones`);
    assert.ok(!/<script type="module"/.test(html), `${path}: its scripts start once it has been painted`);
    assert.match(html, /<style>[^<]*\.ant-card[^<]*<\/style>/, `${path}: its styles are in the page`);
    assert.ok(text(root).includes('注销 Zhuxiao'), `${path}: the header`);
  }
  // A path without a page of its own answers the shell, which has no content.
  const shell = await (await fetch(`${app.url}/verify/ZX2026ABCDEFGH`)).text();
  assert.ok(!shell.includes('<div inert'), 'the shell is not pre-rendered');
  // The sign-in card is not shown, even for a moment, to a browser with a session.
  const signedIn = await fetch(`${app.url}/portal`, { headers: { cookie: 'zx_session=anything' } });
  assert.equal(await signedIn.text(), shell, 'with a session the portal answers the shell');
  assert.match(signedIn.headers.get('vary') ?? '', /cookie/);
});

test('with English chosen, the pre-rendered Chinese page is replaced by the English one', async () => {
  await withPage('landing-prerender-en', PHONE, async (page) => {
    await page.addInitScript("localStorage.setItem('zhuxiao.lang', 'en')");
    await page.goto(`${app.url}/verify`);
    await page.getByRole('heading', { level: 2, name: 'Verify a cancellation certificate' }).waitFor();
    assert.equal(await page.locator('[inert]').count(), 0, 'the inert markup is gone');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.goto(`${app.url}/`);
    await page.getByRole('heading', { level: 1, name: 'Zhuxiao: cancel a mobile line' }).waitFor();
    assert.equal(await horizontalOverflow(page), 0);
  });
});
