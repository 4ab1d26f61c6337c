// The public certificate pages in a browser, against the real API (a test app listening on a free
// port): getting the PDF again with the request reference, checking it by upload, and the check by
// serial, which shows nothing without the verification code and masked facts with it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { DESKTOP, launchBrowser, noHorizontalScroll, onPage, PHONE } from './browser.ts';
import { ensureWebBuilt } from './app.ts';
import { expectAccessible } from './axe.ts';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { quoteAndSubmit, staffFor, subscriberFor, waitForStatus, type DemoSubscriber } from '../helpers/api.ts';
import { readInfoString } from '../../src/certificates/pdf-info.ts';

let t: TestApp;
let url: string;
let browser: Browser;
let who: DemoSubscriber;
let serial: string;
let reference: string;
let pdf: Buffer;
let tmp: string;

before(async () => {
  ensureWebBuilt();
  t = await startTestApp();
  url = (await t.app.listen({ port: 0, host: '127.0.0.1' })).replace(/\/$/, '');
  browser = await launchBrowser();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'zhuxiao-verify-page-'));

  const owner = await subscriberFor(t.app, 'proxy');
  who = owner.who;
  const { submit } = await quoteAndSubmit(owner.api, who.lines[0].id, who.msisdn);
  assert.equal(submit.status, 201, JSON.stringify(submit.body));
  const reviewer = await staffFor(t.app, 'reviewer');
  assert.equal((await reviewer.post(`review/${submit.body.id}/approve`)).status, 200);
  const done = await waitForStatus(owner.api, submit.body.id, ['completed', 'needs_attention']);
  assert.equal(done.status, 'completed', JSON.stringify(done));
  serial = done.certificateSerial;
  const row = await t.ctx.db.selectFrom('cancellation_requests as r').innerJoin('certificates as c', 'c.request_id', 'r.id')
    .select(['r.reference', 'c.pdf']).where('r.id', '=', submit.body.id).executeTakeFirstOrThrow();
  pdf = Buffer.from(row.pdf);
  reference = row.reference ?? 'ZX482109376152';
  if (!row.reference) await t.ctx.db.updateTable('cancellation_requests').set({ reference }).where('id', '=', submit.body.id).execute();
});

after(async () => {
  await browser?.close();
  await t?.close();
  await dropTemplate();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

const grouped = (ref: string) => ref.replace(/^ZX(\d{4})(\d{4})(\d{4})$/, 'ZX $1 $2 $3');

test('the certificate is downloaded again with the reference and ID digits, then checked by upload', async () => {
  await onPage(browser, 'certificate-retrieve', PHONE, async (page) => {
    await page.goto(`${url}/`);
    await page.getByTestId('entry-retrieve').click();
    await page.waitForURL(/\/certificate\/retrieve$/);
    await page.getByRole('heading', { level: 2, name: '找回注销证明' }).waitFor();
    await expectAccessible(page, 'retrieve certificate');

    const last = who.idLast6;
    await page.getByTestId('retrieve-reference').fill(grouped(reference));
    await page.getByTestId('retrieve-id-last6').fill(`${last.slice(0, 5)}${last[5] === '0' ? '1' : '0'}`);
    await page.getByTestId('retrieve-submit').click();
    const refused = page.getByTestId('retrieve-error');
    await refused.waitFor();
    assert.match(await refused.innerText(), /没有与该受理编号和证件号码相符的证明/);
    await noHorizontalScroll(page, 'retrieve page');
    await expectAccessible(page, 'retrieve certificate, refused');

    await page.getByTestId('retrieve-id-last6').fill(last.toLowerCase());
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('retrieve-submit').click()]);
    assert.equal(download.suggestedFilename(), `${serial}.pdf`);
    const saved = path.join(tmp, download.suggestedFilename());
    await download.saveAs(saved);
    const file = await fs.readFile(saved);
    assert.ok(file.equals(pdf), 'the signed certificate as issued');
    await page.getByTestId('retrieve-done').waitFor();
    assert.equal(await page.getByTestId('retrieve-error').count(), 0);
    await expectAccessible(page, 'retrieve certificate, downloaded');

    // The verify page, by upload: the real file passes and shows what it states; a changed one fails.
    await page.getByTestId('retrieve-done').getByRole('link').click();
    await page.waitForURL(/\/verify$/);
    await page.getByTestId('verify-upload').locator('input[type=file]').setInputFiles(saved);
    const ok = page.getByTestId('verify-file-valid');
    await ok.waitFor();
    assert.equal(await ok.getByTestId('verify-msisdn').innerText(), '138 **** 8011', 'masked, grouped as carriers write numbers');
    assert.match(await ok.getByTestId('verify-refund').innerText(), /^¥\d/);
    await noHorizontalScroll(page, 'verify page with a result');
    await expectAccessible(page, 'verify by upload: valid');

    const changed = Buffer.from(file);
    changed[Math.floor(changed.length / 2)] ^= 1;
    await page.getByTestId('verify-upload').locator('input[type=file]').setInputFiles({ name: 'changed.pdf', mimeType: 'application/pdf', buffer: changed });
    const bad = page.getByTestId('verify-file-invalid');
    await bad.waitFor();
    assert.equal(await bad.getAttribute('data-reason'), 'digest_mismatch');
    assert.match(await bad.innerText(), /签名后被改动过/);
    assert.equal(await bad.getByTestId('verify-msisdn').count(), 0, 'a file that fails shows no details');
    await expectAccessible(page, 'verify by upload: changed file');
  });
});

test('by serial: only "it exists" without the code; the QR link shows masked facts and no money', async () => {
  const qr = readInfoString(pdf, 'ZhuxiaoVerifyURL');
  assert.ok(qr);
  const code = new URL(qr).searchParams.get('c')!;
  await onPage(browser, 'verify-by-serial', DESKTOP, async (page) => {
    await page.goto(`${url}/verify/${serial}`);
    await page.getByTestId('verify-exists').waitFor();
    assert.equal(await page.getByTestId('verify-msisdn').count(), 0);
    await expectAccessible(page, 'verify by serial: exists');

    // What the QR code opens (its host is the public URL; the path and query are the same).
    await page.goto(`${url}/verify/${serial}?c=${code}`);
    const valid = page.getByTestId('verify-valid');
    await valid.waitFor();
    assert.equal(await valid.getByTestId('verify-msisdn').innerText(), '138 **** 8011', 'masked, grouped as carriers write numbers');
    assert.equal(await valid.getByTestId('verify-refund').count(), 0, 'no money for a code holder');
    await valid.getByTestId('verify-money-note').waitFor();
    await expectAccessible(page, 'verify by QR link: valid');

    // Typed by hand, as printed (groups, any case).
    await page.goto(`${url}/verify`);
    await page.getByTestId('verify-input').fill(serial.toLowerCase());
    await page.getByTestId('verify-code-input').fill(`${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`.toLowerCase());
    await page.getByTestId('verify-button').click();
    await page.getByTestId('verify-valid').waitFor();

    const key = page.getByTestId('public-key-link');
    assert.equal(await key.getAttribute('href'), '/api/v1/certificates/public-keys.pem');
    const pem = await (await page.request.get(`${url}/api/v1/certificates/public-keys.pem`)).text();
    assert.match(pem, /# carrier=cmcc .*\n-----BEGIN PUBLIC KEY-----/);
    assert.equal(await page.getByTestId('retrieve-link').getAttribute('href'), '/certificate/retrieve');
  }, { locale: 'zh-CN' });
});
