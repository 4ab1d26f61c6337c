// The fleet console end to end, through the real API (dev mode, demo data, workers running): the demo
// company's administrator signs in and lands on /staff/fleet, uploads a CSV with two of the company's
// free lines, a blank row, an ICCID whose check digit is wrong, another customer's line and a line with
// a port-out in flight; sees each row's reason in words and the totals per carrier, filters the rows,
// confirms in a dialog that names how many lines go, watches the job reach 100 %, downloads the
// results CSV and reads its rows; the job is in the company's list once (a double click made one job).
// Accessible (axe) in the dry-run and progress states; usable at 390×844. Another company's
// administrator sees none of it: an empty list, and the job's link gives not found. A job waiting for its
// effective date is followed live and stopped; with the event stream cut the console polls, and a line
// the network refuses shows its reason and is retried to the end. A job whose end e-mail the relay
// refused to the last retry says so with the last error, and the administrator sends it again.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page, Response } from 'playwright-core';
import { clickConfirm, DESKTOP, launchBrowser, noHorizontalScroll, onPage } from './browser.ts';
import { ensureWebBuilt } from './app.ts';
import { expectAccessible } from './axe.ts';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { freshFleetLines } from '../helpers/fleet.ts';
import type { NetworkSimulator } from '../../src/adapters/network.ts';
import argon2 from 'argon2';
import { DEMO_COMPANY, FLEET_COMPANY, seedDemoCompany } from '../../src/db/seed/companies.ts';
import { DEMO_STAFF } from '../../src/db/seed/demo-data.ts';
import { noteFleetEndEmailError, recordFleetEndEmailFailure } from '../../src/fleet/record-fleet-end-email-failure.ts';

const PHONE_390 = { width: 390, height: 844 } as const;
const catalogue = async (lang: string) => JSON.parse(await readFile(new URL(`../../web/src/locales/${lang}.json`, import.meta.url), 'utf8')) as Record<string, string>;
const zh = await catalogue('zh-CN');
const en = await catalogue('en');

let t: TestApp;
let url = '';
let browser: Browser;
let jobId = '';
const rows: { input: string; state: string; reason: string }[] = [];

before(async () => {
  ensureWebBuilt();
  t = await startTestApp();
  url = (await t.app.listen({ port: 0, host: '127.0.0.1' })).replace(/\/$/, '');
  browser = await launchBrowser();

  const [a, b] = await freshFleetLines(t.ctx, 2);
  const portOut = await t.ctx.db.selectFrom('lines').select('iccid').where('company_id', '=', DEMO_COMPANY.id).where('port_out_status', '=', 'pending').executeTakeFirstOrThrow();
  const someoneElses = await t.ctx.db.selectFrom('lines').select('iccid').where('company_id', 'is', null).where('status', '=', 'active').executeTakeFirstOrThrow();
  rows.push(
    { input: a.iccid, state: 'ready', reason: '' },
    { input: b.msisdn.replace('+86', ''), state: 'ready', reason: '' }, // by its number
    { input: '', state: 'rejected', reason: 'blank' },
    { input: '8986001234567890121', state: 'rejected', reason: 'bad_check_digit' }, // a 19-digit ICCID whose Luhn digit is off
    { input: someoneElses.iccid, state: 'rejected', reason: 'not_yours' },
    { input: portOut.iccid, state: 'blocked', reason: 'blocked' },
  );
});

after(async () => {
  await browser?.close();
  await t?.close();
  await dropTemplate();
});

async function signIn(page: Page, admin = DEMO_COMPANY.admin) {
  await page.goto(`${url}/staff`);
  await page.getByTestId('staff-username').fill(admin.username);
  await page.getByTestId('staff-password').fill(admin.password);
  await page.getByTestId('staff-sign-in-button').click();
  await page.waitForURL(/\/staff\/fleet$/);
  await page.getByTestId('fleet-new').waitFor();
}

/** The rows table as it stands: row number → [state, reason attribute, reason text]. */
async function shownRows(page: Page): Promise<Record<string, [string, string, string]>> {
  return page.evaluate(`Object.fromEntries([...document.querySelectorAll('[data-testid^="fleet-row-"][data-state]')].map((tr) =>
    [tr.getAttribute('data-testid').slice('fleet-row-'.length), [tr.getAttribute('data-state'), tr.getAttribute('data-reason'), tr.querySelector('[data-testid="fleet-row-reason"]').textContent]]))`);
}

async function waitForRows(page: Page, n: number) {
  for (const until = Date.now() + 30_000; Date.now() < until && Object.keys(await shownRows(page)).length !== n;) await page.waitForTimeout(100);
  return shownRows(page);
}

test('a company administrator uploads a list, reads every row\'s reason, confirms, watches it finish and downloads the results', async () => {
  await onPage(browser, 'fleet-console', DESKTOP, async (page) => {
    await signIn(page);
    const csv = `iccid\n${rows.map((r) => r.input).join('\n')}\n`;
    await page.getByTestId('fleet-csv-input').setInputFiles({ name: 'lines.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByTestId('fleet-csv-chosen').waitFor();
    // Two clicks on one draft send one Idempotency-Key: one job.
    await page.getByTestId('fleet-dry-run').dblclick();
    await page.locator('[data-testid="fleet-job"][data-status="dry_run"]').waitFor();
    jobId = new URL(page.url()).searchParams.get('job') ?? '';
    assert.match(jobId, /^[0-9a-f-]{36}$/, 'the job is in the address');

    assert.equal(await page.getByTestId('fleet-fig-rows').getAttribute('data-value'), '6');
    assert.equal(await page.getByTestId('fleet-fig-ready').getAttribute('data-value'), '2');
    assert.equal(await page.getByTestId('fleet-fig-blocked').getAttribute('data-value'), '1');
    assert.equal(await page.getByTestId('fleet-fig-rejected').getAttribute('data-value'), '3');
    const shown = await waitForRows(page, 6);
    rows.forEach((r, i) => {
      const [state, reason, text] = shown[String(i + 1)];
      assert.equal(state, r.state, `row ${i + 1} state`);
      assert.equal(reason, r.reason, `row ${i + 1} reason`);
      if (r.reason && r.reason !== 'blocked') assert.equal(text, zh[`fleet.reason.${r.reason}`], `row ${i + 1} reason in words`);
    });
    assert.equal(shown['6'][2], zh['blocker.port_out_pending'], 'a blocked line names its blocker');
    // The money of the ready lines, in yuan, per carrier and in total; the total row counts both lines.
    const total = page.getByTestId('fleet-carrier-total');
    assert.match(await total.getByTestId('fleet-carrier-bill').innerText(), /^-?¥[\d,]+\.\d{2}$/);
    const [, ownLines, ready, blocked] = (await total.innerText()).split('\t').map((c) => c.trim());
    assert.deepEqual([ownLines, ready, blocked], ['3', '2', '1'], 'the total row: lines of the company, ready, blocked');

    await page.getByTestId('fleet-rows-filter').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: zh['fleet.state.rejected'] }).first().click();
    assert.deepEqual(Object.keys(await waitForRows(page, 3)).sort(), ['3', '4', '5'], 'the filter shows the refused rows only');
    await expectAccessible(page, 'fleet dry run');

    await page.getByTestId('fleet-confirm-open').click();
    const body = page.getByTestId('fleet-confirm-body');
    await body.waitFor();
    assert.equal(await body.innerText(), zh['fleet.confirm.body'].replace('{n}', '2'), 'the dialog says how many lines go, for good');
    await expectAccessible(page, 'fleet confirmation dialog');
    await page.getByTestId('fleet-confirm-ok').click();

    await page.locator('[data-testid="fleet-job"][data-status="completed"]').waitFor({ timeout: 90_000 });
    await page.locator('[data-testid="fleet-progress"][data-percent="100"]').waitFor();
    assert.equal(await page.getByTestId('fleet-count-completed').getAttribute('data-value'), '2');
    assert.equal(await page.getByTestId('fleet-count-failed').getAttribute('data-value'), '0');
    // The proofs behind the two links: a PDF, and the signed manifest of this job with its two cancelled lines.
    const pdf = await page.request.get(new URL((await page.getByTestId('fleet-download-pdf').getAttribute('href'))!, url).href);
    assert.equal(pdf.status(), 200);
    assert.equal((await pdf.body()).subarray(0, 5).toString('latin1'), '%PDF-');
    const manifest = await page.request.get(new URL((await page.getByTestId('fleet-download-manifest').getAttribute('href'))!, url).href);
    assert.equal(manifest.status(), 200);
    const head = ((await manifest.json()) as { head: { jobId: string; counts: Record<string, number> } }).head;
    assert.equal(head.jobId, jobId);
    assert.equal(head.counts.completed, 2);
    await expectAccessible(page, 'fleet job finished');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('fleet-download-csv').click()]);
    assert.equal(download.suggestedFilename(), `fleet-${jobId}.csv`);
    const saved = path.join(mkdtempSync(path.join(os.tmpdir(), 'fleet-csv-')), 'results.csv');
    await download.saveAs(saved);
    const lines = (await readFile(saved, 'utf8')).replace(/^\uFEFF/, '').trim().split(/\r\n/);
    const header = lines[0].split(',');
    assert.deepEqual(header.slice(0, 6), ['row', 'input', 'kind', 'carrier', 'state', 'reason']);
    const byRow = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
    assert.equal(byRow.length, 6);
    const expected = rows.map((r) => ({ ...r, state: r.state === 'ready' ? 'completed' : r.state }));
    expected.forEach((r, i) => {
      assert.equal(byRow[i].state, r.state, `CSV row ${i + 1} state`);
      assert.equal(byRow[i].reason, r.reason, `CSV row ${i + 1} reason`);
      assert.equal(byRow[i].input, r.input, `CSV row ${i + 1} input`);
    });
    for (const r of byRow.slice(0, 2)) assert.match(r.reference, /^ZX\d{12}$/, 'a cancelled line has its request reference');

    await page.getByTestId('fleet-back').click();
    await page.getByTestId(`fleet-job-${jobId}`).waitFor();
    assert.equal(await page.locator('[data-testid^="fleet-job-"][data-row-key]').count(), 1, 'one job for the double click');
  });
});

test('on a 390×844 phone the console and a finished job fit the screen and stay accessible', async (ctx) => {
  if (!jobId) return ctx.skip('needs the job of the first test');
  await onPage(browser, 'fleet-console-phone', PHONE_390, async (page) => {
    await signIn(page);
    await page.getByTestId('lang-switch').click();
    await page.getByRole('heading', { level: 2, name: en['fleet.title'] }).waitFor();
    await noHorizontalScroll(page, 'the fleet console on a phone');
    await expectAccessible(page, 'fleet console on a phone');
    // A dry run on the phone, in English: another customer's line only, so nothing can be confirmed.
    await page.getByTestId('fleet-rows-input').fill(rows[4].input);
    await page.getByTestId('fleet-dry-run').click();
    await page.locator('[data-testid="fleet-job"][data-status="dry_run"]').waitFor();
    assert.equal((await waitForRows(page, 1))['1'][2], en['fleet.reason.not_yours']);
    assert.equal(await page.getByTestId('fleet-confirm-open').isDisabled(), true, 'nothing to confirm');
    await noHorizontalScroll(page, 'a dry run on a phone');
    await expectAccessible(page, 'a dry run on a phone');
    await page.getByTestId('fleet-back').click();
    await page.getByTestId(`fleet-job-${jobId}`).getByTestId('fleet-job-open').click();
    await page.locator('[data-testid="fleet-job"][data-status="completed"]').waitFor();
    await waitForRows(page, 6);
    await noHorizontalScroll(page, 'a finished fleet job on a phone');
    await expectAccessible(page, 'a finished fleet job on a phone');
  });
});

/** A one-line job made in the console from a pasted ICCID, confirmed; returns when it runs. */
async function confirmOneLine(page: Page, iccid: string, effectiveDate?: string) {
  await page.getByTestId('fleet-rows-input').fill(iccid);
  if (effectiveDate) await page.getByTestId('fleet-effective-date').fill(effectiveDate);
  await page.getByTestId('fleet-dry-run').click();
  await page.locator('[data-testid="fleet-job"][data-status="dry_run"]').waitFor();
  await page.getByTestId('fleet-confirm-open').click();
  await clickConfirm(page.getByTestId('fleet-confirm-ok'));
  await page.locator('[data-testid="fleet-job"]:not([data-status="dry_run"])').waitFor();
}

test('a job waiting for its effective date shows live progress and stops, after a confirm, before it starts', async () => {
  const [line] = await freshFleetLines(t.ctx, 1);
  await onPage(browser, 'fleet-console-stop', DESKTOP, async (page) => {
    await signIn(page);
    // Collected, not awaited with a timer of its own: a slow dry run or confirm fails as itself.
    const streams: Response[] = [];
    page.on('response', (r) => { if (/\/fleet\/jobs\/[^/]+\/events$/.test(r.url())) streams.push(r); });
    await confirmOneLine(page, line.iccid, '2099-01-01');
    for (const until = Date.now() + 30_000; streams.length === 0 && Date.now() < until;) await page.waitForTimeout(200);
    const opened = streams[0];
    assert.ok(opened, 'the console opened the job\'s event stream');
    assert.equal(opened.status(), 200);
    assert.match(opened.headers()['content-type'] ?? '', /^text\/event-stream/, 'progress comes from the event stream');
    await page.getByTestId('fleet-live').getByText(zh['fleet.progress.live']).waitFor();
    await page.getByTestId('fleet-progress-text').getByText('2099-01-01').waitFor();
    assert.equal(await page.getByTestId('fleet-count-queued').getAttribute('data-value'), '1');
    await expectAccessible(page, 'fleet job running');
    await page.getByTestId('fleet-stop').click();
    await page.locator('.ant-popconfirm:visible .ant-btn-dangerous').click();
    await page.locator('[data-testid="fleet-job"][data-status="completed"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="fleet-count-stopped"][data-value="1"]').waitFor();
    const shown = await waitForRows(page, 1);
    assert.deepEqual(shown['1'].slice(0, 2), ['stopped', 'stopped']);
    assert.equal(shown['1'][2], zh['fleet.reason.stopped']);
  });
  const after = await t.ctx.db.selectFrom('cancellation_requests').select('status').where('line_id', '=', line.id).executeTakeFirstOrThrow();
  assert.equal(after.status, 'withdrawn', 'the stopped line\'s request is withdrawn, the line not cancelled');
});

test('with the event stream cut the console polls; a line the network refuses fails with its reason and retrying it finishes it', async () => {
  const [line] = await freshFleetLines(t.ctx, 1);
  const network = t.ctx.adapters.network as NetworkSimulator;
  const deprovision = network.deprovisionSubscriber;
  // The network holds each call until the test has seen the page poll (a loaded machine can take
  // longer to show the job than any fixed delay the far side would answer in).
  // A gate: a call waits while it is shut; opening it lets through the calls waiting and any after.
  let open = false;
  const waiting: (() => void)[] = [];
  const shut = () => { open = false; };
  const letThrough = () => {
    open = true;
    for (const go of waiting.splice(0)) go();
  };
  network.deprovisionSubscriber = async (input) => {
    if (!open) await new Promise<void>((resolve) => waiting.push(resolve));
    return deprovision.call(network, input);
  };
  await onPage(browser, 'fleet-console-retry', DESKTOP, async (page) => {
    let cut = 0;
    await page.route(/\/fleet\/jobs\/[^/]+\/events$/, (route) => {
      cut++;
      return route.abort();
    });
    await signIn(page);
    network.control.permanentFailNext = 1;
    await confirmOneLine(page, line.iccid);
    await page.getByTestId('fleet-live').getByText(zh['fleet.progress.polling']).waitFor();
    letThrough();
    await page.locator('[data-testid="fleet-count-failed"][data-value="1"]').waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="fleet-job"][data-status="completed"]').waitFor({ timeout: 30_000 });
    // Only polling can have brought the end: every stream the page opened was cut.
    assert.ok(cut >= 1, 'the page opened the event stream');
    const failed = await waitForRows(page, 1);
    assert.deepEqual(failed['1'].slice(0, 2), ['failed', 'refused_by_far_side']);
    assert.equal(failed['1'][2], zh['fleet.reason.refused_by_far_side']);
    shut(); // the retry's call waits in its turn
    await page.getByTestId('fleet-retry').click();
    await page.getByTestId('fleet-live').getByText(zh['fleet.progress.polling']).waitFor();
    letThrough();
    await page.locator('[data-testid="fleet-count-completed"][data-value="1"]').waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="fleet-job"][data-status="completed"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="fleet-row-1"][data-state="completed"]').waitFor();
  }).finally(() => {
    letThrough();
    network.deprovisionSubscriber = deprovision;
    network.control.permanentFailNext = 0;
  });
});

test('another company\'s administrator sees no job of the first company, not even by its link', async (ctx) => {
  if (!jobId) return ctx.skip('needs the job of the first test');
  await seedDemoCompany(t.ctx.db, t.ctx.vault, (p) => argon2.hash(p, { type: argon2.argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 }), { ...FLEET_COMPANY, lines: 5 });
  await onPage(browser, 'fleet-console-other-company', DESKTOP, async (page) => {
    await signIn(page, FLEET_COMPANY.admin);
    await page.getByTestId('fleet-jobs').getByText(zh['fleet.list.none']).waitFor();
    const list = (await (await page.request.get(`${url}/api/v1/fleet/jobs`)).json()) as { items: unknown[] };
    assert.deepEqual(list.items, []);
    await page.goto(`${url}/staff/fleet?job=${jobId}`);
    const error = page.getByTestId('error-alert');
    await error.waitFor();
    assert.match(await error.innerText(), new RegExp(zh['err.not_found']));
  });
});

test('the carrier\'s admin, who has no company, is told the fleet console is not for their role and sees no job', async () => {
  const carrierAdmin = DEMO_STAFF.find((s) => s.role === 'admin')!;
  await onPage(browser, 'fleet-console-carrier-admin', DESKTOP, async (page) => {
    await page.goto(`${url}/staff`);
    await page.getByTestId('staff-username').fill(carrierAdmin.username);
    await page.getByTestId('staff-password').fill(carrierAdmin.password);
    await page.getByTestId('staff-sign-in-button').click();
    await page.waitForURL(/\/staff\/ops$/);
    assert.equal(await page.getByTestId('nav-fleet').count(), 0, 'no fleet link in the header');
    await page.goto(`${url}/staff/fleet`);
    await page.getByText(zh['staff.wrongRole']).waitFor();
    assert.equal(await page.getByTestId('fleet-new').count(), 0, 'no upload form');
  });
});

test('a job whose end e-mail was given up shows it, with the last error, and the administrator sends it again', async () => {
  const [line] = await freshFleetLines(t.ctx, 1);
  await onPage(browser, 'fleet-console-end-email', DESKTOP, async (page) => {
    await signIn(page);
    await confirmOneLine(page, line.iccid);
    const job = page.locator('[data-testid="fleet-job"][data-status="completed"]');
    await job.waitFor({ timeout: 60_000 });
    const id = new URL(page.url()).searchParams.get('job')!;
    assert.ok(id, 'the job is in the URL');
    assert.equal(await page.getByTestId('fleet-end-email-failed').count(), 0, 'no warning while nothing failed');
    // What the queue's dead letter does when the relay refused every retry (dev mode's outbox never refuses).
    await noteFleetEndEmailError(t.ctx, id, 'email: relay answered 554 mailbox unavailable');
    await recordFleetEndEmailFailure(t.ctx, id);
    await page.reload();
    const warning = page.getByTestId('fleet-end-email-failed');
    await warning.waitFor();
    const text = await warning.innerText();
    assert.ok(text.includes(zh['fleet.endEmail.error'].replace('{error}', 'email: relay answered 554 mailbox unavailable')), text);
    assert.match(text, /（北京时间）/, 'when it was given up, in Beijing time');
    await expectAccessible(page, 'fleet job with a failed end e-mail');
    await page.getByTestId('fleet-end-email-resend').click();
    await page.getByText(zh['fleet.endEmail.resent']).waitFor();
    await warning.waitFor({ state: 'detached', timeout: 30_000 });
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('subject', '=', id).where('action', 'like', 'fleet.end_email%').orderBy('seq').execute();
    assert.deepEqual(audit.map((a) => a.action), ['fleet.end_email_failed', 'fleet.end_email_resend']);
  });
});
