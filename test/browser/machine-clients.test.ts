// The machine-clients console end to end, through the real API: an admin opens it from the staff
// accounts page, registers a client with two scopes, sees its secret once, and that client id and
// secret really get a token; revoking it in the console makes the token stop working. Accessible (axe).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { DESKTOP, launchBrowser, onPage } from './browser.ts';
import { startApp, type RunningApp } from './app.ts';
import { expectAccessible } from './axe.ts';

let app: RunningApp;
let browser: Browser | undefined;

before(async () => {
  app = await startApp();
  if (app.real) browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await app?.close();
});

test('an admin registers a machine client, its secret works once shown, and revoking it stops its token', async (t) => {
  if (!app.real || !browser) return t.skip('needs the API server');
  const demo = (await (await fetch(`${app.url}/api/v1/dev/demo-accounts`)).json()) as { staff: { username: string; password: string; role: string }[] };
  const admin = demo.staff.find((s) => s.role === 'admin')!;
  await onPage(browser, 'machine-clients', DESKTOP, async (page) => {
    await page.goto(`${app.url}/staff`);
    await page.getByTestId('staff-username').fill(admin.username);
    await page.getByTestId('staff-password').fill(admin.password);
    await page.getByTestId('staff-sign-in-button').click();
    await page.waitForURL(/\/staff\/ops$/);
    await page.goto(`${app.url}/staff/admin`);
    await page.getByTestId('machine-clients-link').click();
    await page.getByTestId('machine-clients').waitFor();
    await expectAccessible(page, 'machine clients list');

    await page.getByTestId('client-create-open').click();
    await page.getByTestId('client-name').fill('CRM 测试');
    await page.getByTestId('client-scopes').click(); // a multiple select: the list stays open while picking
    for (const scope of ['tmf637:read', 'tmf622:read']) {
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: new RegExp(`^${scope}$`) }).first().click();
    }
    await page.keyboard.press('Escape');
    await expectAccessible(page, 'register a machine client');
    await page.locator('.ant-modal:visible .ant-btn-primary').click();
    const secret = (await page.getByTestId('client-secret-shown').innerText()).trim();
    assert.ok(secret.length >= 32, 'the secret is shown');
    await expectAccessible(page, 'the secret shown once');
    await page.locator('.ant-modal:visible .ant-btn-primary').click();

    const list = (await (await page.request.get(`${app.url}/api/v1/admin/clients`)).json()) as { items: { clientId: string; name: string; scopes: string[] }[] };
    const mine = list.items.find((c) => c.name === 'CRM 测试')!;
    assert.deepEqual([...mine.scopes].sort(), ['tmf622:read', 'tmf637:read']);
    const tokenRes = await fetch(`${app.url}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${mine.clientId}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    assert.equal(tokenRes.status, 200);
    const token = ((await tokenRes.json()) as { access_token: string }).access_token;
    const products = () => fetch(`${app.url}/tmf-api/productInventory/v4/product?limit=1`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal((await products()).status, 200);

    // Closing the dialog removes it (after its closing animation): the secret is nowhere in the page.
    await page.getByTestId('client-secret-shown').waitFor({ state: 'detached' });
    assert.ok(!(await page.content()).includes(secret), 'the secret is gone once the dialog is closed');
    await page.getByTestId(`client-revoke-${mine.clientId}`).click();
    await page.locator('.ant-popconfirm:visible .ant-btn-primary').click();
    await page.getByTestId(`client-revoke-${mine.clientId}`).waitFor({ state: 'detached' });
    assert.equal((await products()).status, 401);
  });
});
