// The operations dashboard end to end, through the real API (dev mode, demo data). Two store
// cancellations are made through the API first: one completes, one stops on a network failure and
// waits in the needs-attention queue. An ops user then sees the figures and the charts drawn, exports
// the CSV, retries the stopped request from the queue and reads its audit trail (staff by name, actions
// in words, details as labelled lines, filters). An admin is refused an out-of-range setting (not
// clamped), confirms a change from its diff, and creates a clerk by picking the store by name.
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DESKTOP, horizontalOverflow, launchBrowser, onPage, PHONE } from './browser.ts';
import { startApp, type RunningApp } from './app.ts';
import { expectAccessible } from './axe.ts';
import { signaturePng } from '../helpers/png.ts';
import { addDays, chinaToday, daysBetween } from '../../web/src/pages/ops/ops-rules.ts';

interface DemoLine { id: string; msisdn: string; iccid: string }
interface Demo {
  subscribers: { scenario: string; msisdn: string; idNumber: string; lines: DemoLine[] }[];
  staff: { username: string; password: string; role: string }[];
}

let app: RunningApp;
let browser: Browser | undefined;
let demo: Demo;
let completedId = '';
let stoppedId = '';
let resolvedId = '';

/** A tiny API client with a cookie, as a browser would be. */
function client(base: string) {
  let cookie = '';
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        origin: base,
        ...(cookie ? { cookie } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const set = res.headers.getSetCookie?.() ?? [];
    if (set.length) cookie = set.map((c) => c.split(';')[0]).join('; ');
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

type Quote = { version: string; eligible: boolean; requiredAcknowledgements: string[]; refund: { refundableFen: number }; blockers: { code: string }[] };

/** Takes a store cancellation of a demo scenario's line through the API; returns the request id. */
async function cancelAtStore(api: ReturnType<typeof client>, name: string): Promise<string> {
  const s = demo.subscribers.find((x) => x.scenario === name);
  assert.ok(s, `demo scenario ${name}`);
  const line = s.lines.find((l) => l.msisdn === s.msisdn)!;
  const found = await api<{ lines: { id: string; formFactor: string }[] }>('POST', '/store/customers/lookup', { idNumber: s.idNumber });
  const view = found.lines.find((l) => l.id === line.id)!;
  let quote = await api<Quote>('POST', '/store/quote', { lineId: line.id });
  if (!quote.eligible) {
    await api('POST', '/store/pay', { lineId: line.id, method: 'store_cash' });
    quote = await api<Quote>('POST', '/store/quote', { lineId: line.id });
  }
  assert.ok(quote.eligible, `${name} can be cancelled: ${JSON.stringify(quote.blockers)}`);
  const r = await api<{ id: string }>('POST', '/store/cancellations', {
    lineId: line.id,
    quoteVersion: String(quote.version),
    ...(view.formFactor === 'physical' ? { iccidScanned: line.iccid } : { esimProfileDeleted: true }),
    identityCheck: { idNumber: s.idNumber, faceMatched: true },
    mandate: { type: 'owner' },
    acknowledgements: quote.requiredAcknowledgements,
    refundRoute: { type: quote.refund.refundableFen > 0 ? 'cash' : 'original' },
    signaturePng: signaturePng().toString('base64'),
  });
  return r.id;
}

async function waitForStatus(api: ReturnType<typeof client>, id: string, want: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    const r = await api<{ status: string }>('GET', `/store/cancellations/${id}`);
    if (r.status === want) return;
    await new Promise((ok) => setTimeout(ok, 500));
  }
  assert.fail(`request ${id} did not reach ${want}`);
}

before(async () => {
  app = await startApp();
  if (!app.real) return;
  browser = await launchBrowser();
  demo = (await (await fetch(`${app.url}/api/v1/dev/demo-accounts`)).json()) as Demo;
  const clerk = demo.staff.find((s) => s.role === 'clerk')!;
  const api = client(app.url);
  await api('POST', '/staff/sign-in', { username: clerk.username, password: clerk.password });
  // A quote that is blocked (arrears) is remembered for the "most frequent blocking conditions" chart.
  const arrears = demo.subscribers.find((x) => x.scenario === 'arrears')!;
  const blocked = await api<Quote>('POST', '/store/quote', { lineId: arrears.lines.find((l) => l.msisdn === arrears.msisdn)!.id });
  assert.ok(blocked.blockers.some((b) => b.code === 'arrears'), 'the arrears line is blocked');
  completedId = await cancelAtStore(api, 'clean_physical');
  await waitForStatus(api, completedId, 'completed');
  await api('PUT', '/dev/simulators/network', { permanentFailNext: 1 });
  stoppedId = await cancelAtStore(api, 'clean_esim');
  await waitForStatus(api, stoppedId, 'needs_attention');
  await api('PUT', '/dev/simulators/network', { permanentFailNext: 1 });
  resolvedId = await cancelAtStore(api, 'multi_line');
  await waitForStatus(api, resolvedId, 'needs_attention');
});

after(async () => {
  await browser?.close();
  await app?.close();
});

async function withPage(
  t: TestContext,
  name: string,
  viewport: { width: number; height: number },
  fn: (page: Page, context: BrowserContext) => Promise<void>,
): Promise<void> {
  if (!app.real || !browser) {
    t.skip('needs the API server (test/helpers/context.ts or ZHUXIAO_TEST_URL)');
    return;
  }
  await onPage(browser, name, viewport, fn);
}

async function signInOps(page: Page, role: 'ops' | 'admin' = 'ops') {
  const ops = demo.staff.find((s) => s.role === role);
  assert.ok(ops, `a demo ${role} user exists`);
  await page.goto(`${app.url}/staff`);
  await page.getByTestId('staff-username').fill(ops.username);
  await page.getByTestId('staff-password').fill(ops.password);
  await page.getByTestId('staff-sign-in-button').click();
  await page.waitForURL(/\/staff\/ops$/);
}

/** Picks an option of an antd Select by its visible text. */
async function pick(page: Page, testId: string, text: string | RegExp) {
  await page.getByTestId(testId).click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: text }).first().click();
}

/** The chart's drawing (SVG) once ECharts has rendered it, with its size (a chart is drawn once it comes near the screen). */
async function chartSize(page: Page, testId: string): Promise<{ width: number; height: number; marks: number }> {
  await page.getByTestId(testId).scrollIntoViewIfNeeded();
  const svg = page.getByTestId(testId).locator('svg').first();
  await svg.waitFor();
  const box = await svg.boundingBox();
  const marks = await page.getByTestId(testId).locator('svg path, svg rect').count();
  return { width: box?.width ?? 0, height: box?.height ?? 0, marks };
}

test('an ops user sees the figures and the charts drawn, and can export the CSV', async (t) => {
  await withPage(t, 'ops-dashboard', DESKTOP, async (page) => {
    await signInOps(page);
    await page.getByTestId('ops-overview').waitFor();
    await page.getByTestId('fig-total').waitFor();

    // The arrears quote made above gives the blocker chart a bar.
    for (const id of ['chart-per-day', 'chart-by-status', 'chart-blockers']) {
      const c = await chartSize(page, id);
      assert.ok(c.width > 100 && c.height > 100, `${id} is drawn with a real size (${c.width}×${c.height})`);
      assert.ok(c.marks > 0, `${id} has marks`);
    }
    assert.equal(await page.locator('[role="alert"][data-testid$="error"], [data-testid="error-alert"]').count(), 0, 'no error alert');
    assert.ok(Number(await page.getByTestId('fig-total').locator('.ant-statistic-content-value').innerText()) >= 2, 'both requests are counted');
    assert.match(await page.getByTestId('fig-attention').innerText(), /[1-9]/, 'the stopped request is counted as needing attention');
    await page.getByTestId('ops-attention-alert').waitFor();
    await expectAccessible(page, 'ops overview');

    // Per channel, the store shows in the legend.
    await page.getByTestId('ops-dimension').getByText('渠道').click();
    await page.getByTestId('chart-per-day').getByText('营业厅').first().waitFor();

    // The CSV of the rows behind the figures.
    const href = await page.getByTestId('ops-csv').getAttribute('href');
    assert.match(href!, /^\/api\/v1\/ops\/stats\.csv\?from=\d{4}-\d\d-\d\d&to=\d{4}-\d\d-\d\d$/);
    const csv = await page.request.get(`${app.url}${href}`);
    assert.equal(csv.status(), 200);
    const text = await csv.text();
    assert.match(text.split(/\r?\n/)[0], /^id,created_at,carrier,channel,status/);
    assert.ok(text.includes(completedId), 'the completed request is a row of the export');
    assert.ok(!/\+86\d{11}|1[3-9]\d{9}/.test(text), 'no full phone number in the export');
  });
});

test('the stopped request is retried from the needs-attention queue and its audit trail is shown', async (t) => {
  await withPage(t, 'ops-needs-attention', DESKTOP, async (page) => {
    await signInOps(page);
    await page.goto(`${app.url}/staff/ops?tab=attention`);
    const row = page.getByTestId(`na-row-${stoppedId}`);
    await row.waitFor();
    assert.match(await row.innerText(), /网络侧注销/, 'the failed step is named');
    await expectAccessible(page, 'ops needs attention');

    await page.getByTestId(`na-retry-${stoppedId}`).click();
    await page.getByTestId(`na-retry-confirm-${stoppedId}`).waitFor();
    await expectAccessible(page, 'ops needs attention, retry confirmation');
    await page.getByTestId(`na-retry-confirm-${stoppedId}`).click();
    await row.waitFor({ state: 'detached', timeout: 30_000 });
    const status = async () => (await (await page.request.get(`${app.url}/api/v1/store/cancellations/${stoppedId}`)).json()).status;
    for (let i = 0; i < 60 && (await status()) !== 'completed'; i++) await page.waitForTimeout(500);
    assert.equal(await status(), 'completed', 'the retried request completes');

    await page.goto(`${app.url}/staff/ops?tab=audit&requestId=${stoppedId}`);
    await page.getByTestId('audit-table').waitFor();
    const tags = page.getByTestId('audit-table').locator('[data-action]');
    // read in one step in the page: rows re-rendered between listing and reading would leave a locator waiting
    const actionsOf = () => tags.evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
    const actions = await actionsOf();
    assert.ok(actions.length >= 3, 'the request has several audit entries');
    assert.ok(actions.includes('request.retry'), `the retry is in the trail: ${actions.join(', ')}`);
    const words = await tags.allInnerTexts();
    assert.ok(words.includes('重试执行'), `actions are in words: ${words.join(', ')}`);
    assert.ok(!words.some((w) => /^[a-z_]+\.[a-z_]+$/.test(w)), `no raw action code: ${words.join(', ')}`);
    const ops = demo.staff.find((x) => x.role === 'ops')!;
    const clerk = demo.staff.find((x) => x.role === 'clerk')!;
    const actors = await page.getByTestId('audit-actor-name').allInnerTexts();
    assert.ok(actors.some((a) => a.includes(`(${ops.username})`)), `the retry names the ops user: ${actors.join(' | ')}`);
    assert.ok(actors.some((a) => a.includes(`(${clerk.username})`)), `the store steps name the clerk: ${actors.join(' | ')}`);
    assert.ok(!actors.some((a) => /员工 [0-9a-f]{8}$/.test(a)), 'no staff shown by id');
    const details = await page.getByTestId('audit-table').locator('[data-testid^="audit-details-"]').allInnerTexts();
    assert.ok(details.length > 0, 'entries have readable details');
    assert.ok(!details.some((d) => d.includes('{"')), 'details are not raw JSON');
    assert.ok(details.some((d) => d.includes('原状态') && d.includes('需人工处理')), `status moves in words: ${details.join(' | ')}`);
    await expectAccessible(page, 'ops audit trail of one request');

    // Every entry of one action, then of one person.
    await page.getByTestId('audit-id').fill('');
    await page.getByTestId('audit-search').click();
    await pick(page, 'audit-action', '重试执行');
    const onlyRetries = async () => {
      const shown = await actionsOf();
      return shown.length > 0 && shown.every((a) => a === 'request.retry');
    };
    // The filtered page comes from the server: on a loaded machine that can take longer than a few seconds.
    for (const until = Date.now() + 30_000; Date.now() < until && !(await onlyRetries());) await page.waitForTimeout(200);
    assert.ok(await onlyRetries(), `only retries are listed: ${(await actionsOf()).join(', ')}`);
    assert.match(await page.getByTestId('audit-total').innerText(), /共 1 条记录/);
    await pick(page, 'audit-actor', `(${clerk.username})`);
    await page.getByText('没有审计记录').or(page.getByTestId('audit-empty')).or(page.locator('.ant-empty')).first().waitFor();
    await expectAccessible(page, 'ops audit trail, filtered to nothing');
    await page.goto(`${app.url}/staff/ops?tab=audit&requestId=${stoppedId}`);
    await page.getByTestId('audit-table').waitFor();
    await page.getByTestId('audit-verify').click();
    assert.match(await page.getByTestId('audit-verify-result').innerText(), /审计日志完整/, 'the hash chain is intact');
    await expectAccessible(page, 'ops audit trail, verified');
  });
});

test('a stopped request is resolved by hand with a note, and gets its certificate', async (t) => {
  await withPage(t, 'ops-resolve', PHONE, async (page) => {
    await signInOps(page);
    await page.goto(`${app.url}/staff/ops?tab=attention`);
    const row = page.getByTestId(`na-row-${resolvedId}`);
    await row.waitFor();
    await page.getByTestId(`na-resolve-${resolvedId}`).click();
    assert.equal(await page.getByTestId('na-resolve-ok').isDisabled(), true, 'a note is required');
    await expectAccessible(page, 'ops resolve by hand dialog (phone)');
    await page.getByTestId('na-note').fill('已在 BOSS 系统手工完成网络侧注销，工单 OPS-1234');
    await page.getByTestId('na-resolve-ok').click();
    await row.waitFor({ state: 'detached' });
    const r = (await (await page.request.get(`${app.url}/api/v1/store/cancellations/${resolvedId}`)).json()) as {
      status: string;
      certificateSerial?: string;
      timeline: { note?: string }[];
    };
    assert.equal(r.status, 'completed');
    assert.ok(r.certificateSerial, 'a certificate was issued');
    assert.ok(r.timeline.some((e) => e.note?.includes('OPS-1234')), 'the note is on the timeline');
    assert.equal(await horizontalOverflow(page), 0, 'the queue fits a phone');
  });
});

test('on a phone the dashboard fits the screen with its charts', async (t) => {
  await withPage(t, 'ops-phone', PHONE, async (page) => {
    await signInOps(page);
    const c = await chartSize(page, 'chart-per-day');
    assert.ok(c.width > 200 && c.height > 100, `the chart fits a phone (${c.width}×${c.height})`);
    await page.waitForTimeout(300);
    const overflow = await horizontalOverflow(page);
    assert.equal(overflow, 0, 'the dashboard is not wider than the screen');
    await expectAccessible(page, 'ops overview (phone)');
  });
});

test('an admin is refused an out-of-range setting, confirms a change from its diff, and assigns a clerk a store by name', async (t) => {
  await withPage(t, 'ops-admin-settings', DESKTOP, async (page) => {
    await signInOps(page, 'admin');
    assert.equal(await page.locator('input[type="date"]').count(), 0, 'no native date inputs');
    await page.getByTestId('ops-range').waitFor();
    await page.goto(`${app.url}/staff/ops?tab=settings`);
    await page.getByTestId('carrier-settings').waitFor();
    const freeze = page.getByTestId('setting-cmcc-freezeDays');
    if (!(await freeze.isVisible())) await page.locator('.ant-collapse-header').filter({ hasText: 'cmcc' }).click();
    await freeze.waitFor();
    const before = (await (await page.request.get(`${app.url}/api/v1/admin/carriers`)).json()) as { carriers: { code: string; settings: { freezeDays: number } }[] };
    const was = before.carriers.find((c) => c.code === 'cmcc')!.settings.freezeDays;

    await freeze.fill('0');
    await freeze.blur();
    await page.getByTestId('save-carrier-cmcc').click();
    await page.getByText('请输入 1 到 365 之间的数值').first().waitFor();
    assert.equal(await freeze.inputValue(), '0', 'a typed 0 stays 0: not clamped to 1');
    assert.equal(await page.getByTestId('confirm-carrier-cmcc').count(), 0, 'nothing to confirm while a value is out of range');
    await expectAccessible(page, 'carrier settings, value out of range');

    const next = was === 120 ? 121 : 120;
    await freeze.fill(String(next));
    await page.getByTestId('save-carrier-cmcc').click();
    const diff = page.getByTestId('settings-diff-cmcc');
    await diff.waitFor();
    const rows = await diff.locator('tbody tr').allInnerTexts();
    assert.equal(rows.length, 1, `one field changes: ${rows.join(' | ')}`);
    assert.ok(rows[0].includes('号码冻结期') || rows[0].includes(String(was)), rows[0]);
    assert.ok(rows[0].includes(String(was)) && rows[0].includes(String(next)), `before and after are shown: ${rows[0]}`);
    await expectAccessible(page, 'carrier settings, the diff to confirm');
    await page.getByTestId('confirm-carrier-cmcc').click();
    await diff.waitFor({ state: 'detached' });
    const after = (await (await page.request.get(`${app.url}/api/v1/admin/carriers`)).json()) as typeof before;
    assert.equal(after.carriers.find((c) => c.code === 'cmcc')!.settings.freezeDays, next, 'saved as typed');

    // The fleet throttle is optional: left empty it is not sent (the default applies); typed, it is saved and kept.
    assert.equal((after.carriers.find((c) => c.code === 'cmcc')!.settings as Record<string, unknown>).fleetRatePerSecond, undefined);
    await page.getByTestId('setting-cmcc-fleetRatePerSecond').fill('500');
    await page.getByTestId('save-carrier-cmcc').click();
    await diff.waitFor();
    assert.equal((await diff.locator('tbody tr').allInnerTexts()).length, 1, 'only the fleet rate changes');
    await page.getByTestId('confirm-carrier-cmcc').click();
    await diff.waitFor({ state: 'detached' });
    const throttled = (await (await page.request.get(`${app.url}/api/v1/admin/carriers`)).json()) as { carriers: { code: string; settings: Record<string, unknown> }[] };
    const cmcc = throttled.carriers.find((c) => c.code === 'cmcc')!.settings;
    assert.equal(cmcc.fleetRatePerSecond, 500, 'the fleet rate saved');
    assert.equal(cmcc.freezeDays, next, 'the other fields kept');

    // A clerk is given a store by its name, not its id.
    await page.goto(`${app.url}/staff/admin`);
    await page.getByTestId('staff-create-open').click();
    await page.getByTestId('staff-new-username').fill('clerk-by-name');
    await page.getByTestId('staff-new-store').click();
    const option = page.locator('.ant-select-dropdown:visible .ant-select-item-option').first();
    await option.waitFor();
    const label = await option.innerText();
    assert.ok(!/^[a-z]+-[a-z]+-\d+$/.test(label.trim()), `the store is offered by name: ${label}`);
    assert.match(label, /[\u4e00-\u9fff]/, 'a Chinese store name on the Chinese screen');
    await expectAccessible(page, 'staff creation, store picker open');
    await option.click();
    await page.getByTestId('staff-create-ok').click();
    await page.getByTestId('staff-password-shown').waitFor();
    const staff = (await (await page.request.get(`${app.url}/api/v1/admin/staff`)).json()) as { items: { username: string; storeId: string | null }[] };
    assert.ok(staff.items.find((x) => x.username === 'clerk-by-name')?.storeId, 'the clerk belongs to the picked store');
  });
});

test('China calendar days for the dashboard range', () => {
  assert.equal(chinaToday(new Date('2026-03-01T15:59:00Z')), '2026-03-01');
  assert.equal(chinaToday(new Date('2026-03-01T16:00:00Z')), '2026-03-02', 'midnight in Beijing is 16:00 UTC');
  assert.equal(addDays('2026-03-01', -1), '2026-02-28');
  assert.deepEqual(daysBetween('2024-02-28', '2024-03-01'), ['2024-02-28', '2024-02-29', '2024-03-01']);
  assert.deepEqual(daysBetween('2026-03-02', '2026-03-01'), []);
});
