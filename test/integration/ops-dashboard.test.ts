// The operations dashboard through the HTTP API: every figure computed from requests, timeline
// events, ledger entries and quote blockers inserted with known values; the CSV export; the
// needs-attention list; carrier and MVNO settings; the audit view; the queue-depth gauges; and who
// may see or change what.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { ApiClient, staffFor, subscriberFor } from '../helpers/api.ts';
import { recordQuoteBlockers } from '../../src/ops/record-quote-blockers.ts';
import type { CarrierCode, RequestStatus } from '../../src/db/schema.ts';

let t: TestApp;
let ops: ApiClient;
let admin: ApiClient;
const ids: Record<string, string> = {};
const H = 3_600_000;
const at = (iso: string, plusHours = 0) => new Date(Date.parse(iso) + plusHours * H);

interface Fixture {
  key: string;
  carrier: CarrierCode;
  channel: 'online' | 'store';
  status: RequestStatus;
  created: string;
  decidedAfterH?: number;
  completedAfterH?: number;
  slaH?: number;
  refundFen?: number;
  refundStepDone?: boolean;
}

// The range under test is 2025-03-01 … 2025-03-02 in China time, i.e. [2025-02-28T16:00Z, 2025-03-02T16:00Z).
const FIXTURES: Fixture[] = [
  { key: 'R1', carrier: 'cmcc', channel: 'online', status: 'completed', created: '2025-02-28T16:30:00Z', decidedAfterH: 2, completedAfterH: 5, slaH: 24, refundFen: 1000 },
  { key: 'R2', carrier: 'cmcc', channel: 'online', status: 'completed', created: '2025-03-01T01:00:00Z', decidedAfterH: 4, completedAfterH: 10, slaH: 24, refundFen: 600 },
  { key: 'R3', carrier: 'cmcc', channel: 'store', status: 'completed', created: '2025-03-01T03:00:00Z', completedAfterH: 1, refundFen: 300 },
  // 17:00 UTC on 1 March is 01:00 on 2 March in China.
  { key: 'R4', carrier: 'cmcc', channel: 'online', status: 'rejected', created: '2025-03-01T17:00:00Z', decidedAfterH: 30, slaH: 24 },
  { key: 'R5', carrier: 'cucc', channel: 'online', status: 'needs_attention', created: '2025-03-01T20:00:00Z', decidedAfterH: 6, slaH: 24, refundFen: 2500 },
  { key: 'R6', carrier: 'cucc', channel: 'online', status: 'pending_review', created: '2025-03-02T10:00:00Z', slaH: 24 },
  { key: 'R7', carrier: 'cmcc', channel: 'online', status: 'executing', created: '2025-03-02T15:00:00Z', decidedAfterH: 8, slaH: 24, refundFen: 700, refundStepDone: true },
  // Outside the range: 00:00 on 3 March and 23:59 on 28 February, China time.
  { key: 'R8', carrier: 'cmcc', channel: 'online', status: 'withdrawn', created: '2025-03-02T16:00:00Z', slaH: 24 },
  { key: 'R9', carrier: 'cucc', channel: 'online', status: 'approved', created: '2025-02-28T15:59:00Z', decidedAfterH: 1, slaH: 24, refundFen: 400 },
];

async function insertFixtures(): Promise<void> {
  const db = t.ctx.db;
  const demo = (await db.selectFrom('demo_scenarios').select('msisdn').execute()).map((d) => d.msisdn);
  const linesOf = (carrier: CarrierCode) => db.selectFrom('lines').select(['id', 'customer_id', 'account_id', 'msisdn'])
    .where('carrier', '=', carrier).where('status', '=', 'active').where('sold_by', '=', 'carrier').where('msisdn', 'not in', demo).orderBy('msisdn').limit(10).execute();
  const pool = { cmcc: await linesOf('cmcc'), cucc: await linesOf('cucc') } as Record<string, Awaited<ReturnType<typeof linesOf>>>;
  for (const f of FIXTURES) {
    const line = pool[f.carrier].shift()!;
    const id = crypto.randomUUID();
    ids[f.key] = id;
    const created = at(f.created);
    await db.insertInto('cancellation_requests').values({
      id, line_id: line.id, customer_id: line.customer_id, carrier: f.carrier, channel: f.channel, status: f.status,
      quote_version: 'fixture', quote: JSON.stringify({ warnings: [] }), acknowledgements: '[]', refund_route: JSON.stringify({ type: 'original' }),
      bill_total_fen: 150, refund_fen: f.refundFen ?? 0, sla_due_at: f.slaH ? at(f.created, f.slaH) : null,
      decided_at: f.decidedAfterH !== undefined ? at(f.created, f.decidedAfterH) : f.channel === 'store' ? created : null,
      completed_at: f.completedAfterH !== undefined ? at(f.created, f.completedAfterH) : null, created_at: created, updated_at: created,
      details: '{}', refund_route_secret_enc: null, rejection_reason: null, decided_by: null, store_id: null, clerk_id: null, certificate_serial: null,
    }).execute();
    const first = f.channel === 'store' ? 'approved' : 'pending_review';
    await db.insertInto('request_events').values({ request_id: id, from_status: null, to_status: first, at: created, actor_kind: 'subscriber' }).execute();
    if (f.decidedAfterH !== undefined) {
      await db.insertInto('request_events').values({
        request_id: id, from_status: 'pending_review', to_status: f.status === 'rejected' ? 'rejected' : 'approved', at: at(f.created, f.decidedAfterH), actor_kind: 'staff',
      }).execute();
    }
    if (f.refundStepDone) {
      await db.insertInto('execution_steps').values({ request_id: id, step: 'refund', position: 4, status: 'done', attempts: 1, last_error: null, result: null }).execute();
    }
    (f as Fixture & { line?: typeof line }).line = line;
  }
  // R5 stopped at the network step after four tries.
  await db.insertInto('execution_steps').values([
    { request_id: ids.R5, step: 'final_bill', position: 0, status: 'done', attempts: 1, last_error: null, result: null },
    { request_id: ids.R5, step: 'network_deprovision', position: 3, status: 'failed', attempts: 4, last_error: 'PermanentAdapterError: network: simulated permanent refusal', result: null },
    { request_id: ids.R5, step: 'refund', position: 4, status: 'pending', attempts: 0, last_error: null, result: null },
  ]).execute();
  await db.insertInto('request_events').values({
    request_id: ids.R5, from_status: 'executing', to_status: 'needs_attention', at: at('2025-03-02T03:00:00Z'), actor_kind: 'worker', note: 'network_deprovision failed 4 time(s)',
  }).execute();

  // Refunds paid: R1 to the original channel, R2 to another line (debit + credit), R3 after the range.
  const lineOf = (key: string) => (FIXTURES.find((f) => f.key === key) as Fixture & { line: { account_id: string } }).line;
  const other = pool.cmcc.shift()!;
  await db.insertInto('ledger_entries').values([
    { account_id: lineOf('R1').account_id, request_id: ids.R1, kind: 'refund', amount_fen: -1000, idempotency_key: `${ids.R1}:refund`, created_at: at('2025-03-01T02:00:00Z') },
    { account_id: lineOf('R1').account_id, request_id: ids.R1, kind: 'final_bill', amount_fen: -150, idempotency_key: `${ids.R1}:final_bill`, created_at: at('2025-03-01T01:00:00Z') },
    { account_id: lineOf('R2').account_id, request_id: ids.R2, kind: 'refund', amount_fen: -600, idempotency_key: `${ids.R2}:refund`, created_at: at('2025-03-01T12:00:00Z') },
    { account_id: other.account_id, request_id: ids.R2, kind: 'refund', amount_fen: 600, idempotency_key: `${ids.R2}:refund:credit`, created_at: at('2025-03-01T12:00:00Z') },
    { account_id: lineOf('R3').account_id, request_id: ids.R3, kind: 'refund', amount_fen: -300, idempotency_key: `${ids.R3}:refund`, created_at: at('2025-03-03T00:00:00Z') },
  ]).execute();

  const blockers: Array<[string, CarrierCode, 'online' | 'store', string, number]> = [
    ['2025-03-01T05:00:00Z', 'cmcc', 'online', 'arrears', 3],
    ['2025-03-01T06:00:00Z', 'cmcc', 'online', 'contract_lock_in', 1],
    ['2025-03-02T06:00:00Z', 'cucc', 'online', 'arrears', 1],
    ['2025-03-02T07:00:00Z', 'cucc', 'store', 'port_out_pending', 2],
    ['2025-03-03T00:00:00Z', 'cmcc', 'online', 'arrears', 5],
  ];
  for (const [when, carrier, channel, code, n] of blockers) {
    await db.insertInto('quote_blockers').values(Array.from({ length: n }, () => ({ quoted_at: at(when), carrier, channel, code }))).execute();
  }
}

before(async () => {
  t = await startTestApp();
  const existing = await t.ctx.db.selectFrom('cancellation_requests').select('id').execute();
  assert.equal(existing.length, 0, 'the demo database starts without requests');
  await insertFixtures();
  ops = await staffFor(t.app, 'ops');
  admin = await staffFor(t.app, 'admin');
});
after(async () => {
  await t?.close();
  await dropTemplate();
});

const staffId = async (username: string) => (await t.ctx.db.selectFrom('staff').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;

describe('dashboard figures', () => {
  test('every figure for all carriers over two China-time days', async () => {
    const r = await ops.get('ops/stats?from=2025-03-01&to=2025-03-02');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const s = r.body;
    assert.deepEqual(s.range, { from: '2025-03-01', to: '2025-03-02', carrier: null, timezone: 'Asia/Shanghai' });
    assert.deepEqual(s.cancellationsPerDay, [
      { date: '2025-03-01', channel: 'online', carrier: 'cmcc', outcome: 'completed', count: 2 },
      { date: '2025-03-01', channel: 'store', carrier: 'cmcc', outcome: 'completed', count: 1 },
      { date: '2025-03-02', channel: 'online', carrier: 'cmcc', outcome: 'in_progress', count: 1 },
      { date: '2025-03-02', channel: 'online', carrier: 'cmcc', outcome: 'rejected', count: 1 },
      { date: '2025-03-02', channel: 'online', carrier: 'cucc', outcome: 'in_progress', count: 1 },
      { date: '2025-03-02', channel: 'online', carrier: 'cucc', outcome: 'needs_attention', count: 1 },
    ]);
    assert.deepEqual(s.byStatus, { pending_review: 1, approved: 0, executing: 1, completed: 3, rejected: 1, withdrawn: 0, needs_attention: 1 });
    // Decisions after 2, 4, 6, 8 and 30 hours; the 30-hour one missed its 24-hour deadline.
    assert.deepEqual(s.reviewSla, { decided: 5, medianHours: 6, p90Hours: 21.2, decidedLate: 1, overdueNow: 1 });
    // Completions after 1, 5 and 10 hours.
    assert.deepEqual(s.completionTime, { completed: 3, medianHours: 5, p90Hours: 9 });
    // Paid: 1000 + 600 (the credit to the other line is not a payout; R3's refund is after the range).
    // Owed: R5 (needs attention) 2500 + R9 (approved, submitted before the range) 400; R7's refund already ran.
    assert.deepEqual(s.refunds, { paidFen: 1600, paidRequests: 2, owedFen: 2900, owedRequests: 2 });
    assert.deepEqual(s.topBlockers, [{ code: 'arrears', count: 4 }, { code: 'port_out_pending', count: 2 }, { code: 'contract_lock_in', count: 1 }]);
    assert.equal(s.needsAttention, 1);
  });

  test('the carrier filter narrows every figure', async () => {
    const s = (await ops.get('ops/stats?from=2025-03-01&to=2025-03-02&carrier=cmcc')).body;
    assert.ok(s.cancellationsPerDay.every((d: any) => d.carrier === 'cmcc'));
    assert.equal(s.cancellationsPerDay.reduce((n: number, d: any) => n + d.count, 0), 5);
    assert.deepEqual(s.byStatus, { pending_review: 0, approved: 0, executing: 1, completed: 3, rejected: 1, withdrawn: 0, needs_attention: 0 });
    assert.deepEqual(s.reviewSla, { decided: 4, medianHours: 6, p90Hours: 23.4, decidedLate: 1, overdueNow: 0 });
    assert.deepEqual(s.refunds, { paidFen: 1600, paidRequests: 2, owedFen: 0, owedRequests: 0 });
    assert.deepEqual(s.topBlockers, [{ code: 'arrears', count: 3 }, { code: 'contract_lock_in', count: 1 }]);
    assert.equal(s.needsAttention, 0);
  });

  test('a single day counts the request submitted at 01:00 China time on that day, not the UTC date', async () => {
    const s = (await ops.get('ops/stats?from=2025-03-02&to=2025-03-02&carrier=cmcc')).body;
    assert.deepEqual(s.byStatus.rejected, 1);
    assert.deepEqual(s.byStatus.completed, 0);
    const none = (await ops.get('ops/stats?from=2025-02-01&to=2025-02-27')).body;
    assert.equal(none.reviewSla.medianHours, null);
    assert.equal(none.completionTime.completed, 0);
  });

  test('blocking conditions recorded by the quote path show up for today', async () => {
    await recordQuoteBlockers(t.ctx, { blockers: [{ code: 'arrears' }, { code: 'arrears' }, { code: 'bundle_primary' }] }, 'ctcc', 'online');
    await recordQuoteBlockers(t.ctx, { blockers: [] }, 'ctcc', 'online');
    const s = (await ops.get('ops/stats?carrier=ctcc')).body;
    assert.deepEqual(s.topBlockers, [{ code: 'arrears', count: 1 }, { code: 'bundle_primary', count: 1 }]);

    // From a real quote through the API: the carrier and channel come from the quote's line.
    const { api, who } = await subscriberFor(t.app, 'port_out_pending');
    const line = who.lines.find((l) => l.msisdn === who.msisdn)!;
    const quote = await api.post('cancellations/quote', { lineId: line.id });
    assert.ok(quote.body.blockers.some((b: any) => b.code === 'port_out_pending'));
    // The quote route recorded them itself: once.
    const mine = (await ops.get(`ops/stats?carrier=${(await t.ctx.db.selectFrom('lines').select('carrier').where('id', '=', line.id).executeTakeFirstOrThrow()).carrier}`)).body;
    assert.ok(mine.topBlockers.some((b: any) => b.code === 'port_out_pending' && b.count === 1), JSON.stringify(mine.topBlockers));
  });

  test('bad ranges are refused with validation_failed', async () => {
    for (const q of ['from=2025-03-05&to=2025-03-01', 'from=2025-02-30&to=2025-03-01', 'from=2024-01-01&to=2025-06-01', 'carrier=att']) {
      const r = await ops.get(`ops/stats?${q}`);
      assert.equal(r.status, 400, q);
      assert.equal(r.body.error.code, 'validation_failed', q);
    }
  });
});

describe('CSV export', () => {
  test('one row per request in the range, identifiers masked, and the export is audited', async () => {
    const r = await ops.get('ops/stats.csv?from=2025-03-01&to=2025-03-02');
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^text\/csv/);
    assert.match(String(r.headers['content-disposition']), /attachment; filename="zhuxiao-requests-2025-03-01-to-2025-03-02\.csv"/);
    const rows = String(r.body).trim().split('\r\n').map((l) => l.split(','));
    assert.deepEqual(rows[0], ['id', 'created_at', 'carrier', 'channel', 'status', 'decided_at', 'completed_at', 'refund_fen', 'bill_total_fen', 'masked_msisdn']);
    assert.deepEqual(rows.slice(1).map((c) => c[0]), ['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R7'].map((k) => ids[k]));
    const r1 = rows[1];
    assert.deepEqual(r1.slice(1, 9), ['2025-02-28T16:30:00.000Z', 'cmcc', 'online', 'completed', '2025-02-28T18:30:00.000Z', '2025-02-28T21:30:00.000Z', '1000', '150']);
    for (const row of rows.slice(1)) assert.match(row[9], /^1\d{2}\*{4}\d{4}$/);
    const fullNumbers = await t.ctx.db.selectFrom('cancellation_requests as r').innerJoin('lines as l', 'l.id', 'r.line_id').select('l.msisdn').execute();
    for (const { msisdn } of fullNumbers) assert.ok(!String(r.body).includes(msisdn.slice(3)), 'no full number in the export');

    const cucc = await ops.get('ops/stats.csv?from=2025-03-01&to=2025-03-02&carrier=cucc');
    assert.equal(String(cucc.body).trim().split('\r\n').length, 3);

    const audit = await ops.get(`ops/audit?staffId=${await staffId('ops')}&limit=5`);
    const exports = audit.body.entries.filter((e: any) => e.action === 'ops.export_requests');
    assert.deepEqual(exports.map((e: any) => e.details.rows), [2, 7]);
    assert.equal(exports[1].details.from, '2025-03-01');
  });
});

describe('needs-attention list', () => {
  test('shows the stopped request with its failed step, error and attempts', async () => {
    const r = await ops.get('ops/needs-attention');
    assert.equal(r.status, 200);
    assert.equal(r.body.items.length, 1);
    const item = r.body.items[0];
    assert.equal(item.id, ids.R5);
    assert.equal(item.carrier, 'cucc');
    assert.equal(item.channel, 'online');
    assert.match(item.maskedMsisdn, /^1\d{2}\*{4}\d{4}$/);
    assert.equal(item.since, '2025-03-02T03:00:00.000Z');
    assert.equal(item.step, 'network_deprovision');
    assert.equal(item.attempts, 4);
    assert.match(item.lastError, /permanent refusal/);
    assert.equal((await ops.get('ops/needs-attention?carrier=cmcc')).body.items.length, 0);
  });
});

describe('carrier and MVNO settings', () => {
  const settings = {
    freezeDays: 60, reviewSlaHours: 12, onlineReviewRequired: true, autoApproveMaxRefundFen: 5000, storeOnlyConditions: ['lost_or_suspended', 'port_out_pending'],
    outOfProvince: 'forward', outOfProvinceSlaDays: 10, penaltyRemainingFeePercent: 25, arrearsDailyPerMille: 3, refundRoutes: ['original', 'line'],
  };

  test('ops can read the settings but not change them', async () => {
    const list = await ops.get('admin/carriers');
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.carriers.map((c: any) => c.code), ['cbn', 'cmcc', 'ctcc', 'cucc']);
    assert.equal(list.body.carriers.find((c: any) => c.code === 'cmcc').settings.freezeDays, 90);
    const put = await ops.call('PUT', 'admin/carriers/cmcc/settings', settings);
    assert.equal(put.status, 403);
    assert.equal(put.body.error.code, 'forbidden');
  });

  test('an admin changes a carrier\'s settings; the change is audited field by field and used by the next quote', async () => {
    const put = await admin.call('PUT', 'admin/carriers/cmcc/settings', settings);
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.deepEqual(put.body.settings, settings);
    assert.deepEqual(put.body.changed.sort(), ['autoApproveMaxRefundFen', 'freezeDays', 'outOfProvince', 'outOfProvinceSlaDays', 'penaltyRemainingFeePercent', 'refundRoutes', 'reviewSlaHours', 'storeOnlyConditions']);
    const stored = await t.ctx.db.selectFrom('carriers').select('settings').where('code', '=', 'cmcc').executeTakeFirstOrThrow();
    assert.deepEqual(stored.settings, settings);

    const audit = await ops.get(`ops/audit?staffId=${await staffId('admin')}&limit=1`);
    const entry = audit.body.entries[0];
    assert.equal(entry.action, 'carrier.settings_update');
    assert.equal(entry.subject, 'carrier:cmcc');
    assert.deepEqual(entry.details.changes.freezeDays, { from: 90, to: 60 });
    assert.ok(entry.ip, 'the audit entry says where the change came from');

    const { api, who } = await subscriberFor(t.app, 'clean_physical');
    const quote = await api.post('cancellations/quote', { lineId: who.lines.find((l) => l.msisdn === who.msisdn)!.id });
    assert.equal(quote.body.freezeDays, 60);
  });

  test('every field is validated', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...settings, freezeDays: 0 }, 'freezeDays'],
      [{ ...settings, reviewSlaHours: 1.5 }, 'reviewSlaHours'],
      [{ ...settings, onlineReviewRequired: 'maybe' }, 'onlineReviewRequired'],
      [{ ...settings, autoApproveMaxRefundFen: -1 }, 'autoApproveMaxRefundFen'],
      [{ ...settings, storeOnlyConditions: ['made_up'] }, 'storeOnlyConditions'],
      [{ ...settings, storeOnlyConditions: ['arrears', 'arrears'] }, 'storeOnlyConditions'],
      [{ ...settings, outOfProvince: 'nowhere' }, 'outOfProvince'],
      [{ ...settings, outOfProvinceSlaDays: 0 }, 'outOfProvinceSlaDays'],
      [{ ...settings, penaltyRemainingFeePercent: 101 }, 'penaltyRemainingFeePercent'],
      [{ ...settings, arrearsDailyPerMille: -1 }, 'arrearsDailyPerMille'],
      [{ ...settings, refundRoutes: [] }, 'refundRoutes'],
      [{ ...settings, refundRoutes: ['cash'] }, 'refundRoutes'],
      [(({ freezeDays: _omit, ...rest }) => rest)(settings), 'freezeDays'],
      [{ ...settings, extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const r = await admin.call('PUT', 'admin/carriers/cucc/settings', body);
      assert.equal(r.status, 400, field);
      assert.equal(r.body.error.code, 'validation_failed', field);
      assert.match(JSON.stringify(r.body.error), new RegExp(field), field);
    }
    assert.equal((await admin.call('PUT', 'admin/carriers/att/settings', settings)).status, 400);
    const cucc = await t.ctx.db.selectFrom('carriers').select('settings').where('code', '=', 'cucc').executeTakeFirstOrThrow();
    assert.equal((cucc.settings as { freezeDays: number }).freezeDays, 90, 'nothing was changed');
  });

  test('MVNO brands: ops read, admin changes forwarding and hotline (audited)', async () => {
    const list = await ops.get('admin/mvno-brands');
    assert.equal(list.status, 200);
    const jd = list.body.brands.find((b: any) => b.code === 'jd_comm');
    assert.equal(jd.acceptsForwarded, false);
    assert.equal((await ops.call('PUT', 'admin/mvno-brands/jd_comm', { acceptsForwarded: true, hotline: '4006-065-171' })).status, 403);
    const put = await admin.call('PUT', 'admin/mvno-brands/jd_comm', { acceptsForwarded: true, hotline: '4006-065-171' });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.deepEqual({ acceptsForwarded: put.body.acceptsForwarded, hotline: put.body.hotline }, { acceptsForwarded: true, hotline: '4006-065-171' });
    const entry = (await ops.get(`ops/audit?staffId=${await staffId('admin')}&limit=1`)).body.entries[0];
    assert.equal(entry.action, 'mvno.update');
    assert.deepEqual(entry.details.acceptsForwarded, { from: false, to: true });
    assert.equal((await admin.call('PUT', 'admin/mvno-brands/jd_comm', { acceptsForwarded: true, hotline: 'call us' })).status, 400);
    assert.equal((await admin.call('PUT', 'admin/mvno-brands/no_such_brand', { acceptsForwarded: true, hotline: '10086' })).status, 404);
  });
});

describe('audit view and metrics', () => {
  test('the audit trail filters by staff member and pages backwards; the chain is intact', async () => {
    const first = await ops.get('ops/audit?limit=2');
    assert.equal(first.status, 200);
    assert.equal(first.body.entries.length, 2);
    assert.ok(first.body.entries[0].seq > first.body.entries[1].seq);
    const next = await ops.get(`ops/audit?limit=2&beforeSeq=${first.body.nextBeforeSeq}`);
    assert.ok(next.body.entries[0].seq < first.body.entries[1].seq);
    const mine = await ops.get(`ops/audit?staffId=${await staffId('ops')}`);
    assert.ok(mine.body.entries.length > 0);
    assert.ok(mine.body.entries.every((e: any) => e.actorKind === 'staff'));
    assert.equal((await ops.get('ops/audit?requestId=not-a-uuid')).status, 400);
    const verify = await ops.get('ops/audit/verify');
    assert.equal(verify.body.ok, true, JSON.stringify(verify.body));
  });

  test('queue-depth gauges are read at scrape time', async () => {
    const text = String((await new ApiClient(t.app).get('/metrics')).body);
    assert.match(text, /^zhuxiao_cancellation_requests_waiting\{status="pending_review"\} 1$/m);
    assert.match(text, /^zhuxiao_cancellation_requests_waiting\{status="needs_attention"\} 1$/m);
    assert.match(text, /^zhuxiao_jobs_queued\{queue="cancellation-execute"\} \d+$/m);
    assert.match(text, /^zhuxiao_jobs_active\{queue="notify-sms"\} \d+$/m);
    assert.match(text, /^# TYPE zhuxiao_numbers_released_total counter$/m);
  });
});

describe('who may see the operations pages', () => {
  const routes = ['ops/stats', 'ops/stats.csv', 'ops/needs-attention', 'ops/audit', 'ops/audit/verify', 'admin/carriers', 'admin/mvno-brands'];

  test('clerks and reviewers get 403, anonymous callers 401, subscribers 401', async () => {
    const clerk = await staffFor(t.app, 'clerk');
    const reviewer = await staffFor(t.app, 'reviewer');
    const { api: subscriber } = await subscriberFor(t.app, 'arrears');
    for (const url of routes) {
      assert.equal((await clerk.get(url)).status, 403, `clerk ${url}`);
      assert.equal((await reviewer.get(url)).status, 403, `reviewer ${url}`);
      assert.equal((await new ApiClient(t.app).get(url)).status, 401, `anonymous ${url}`);
      assert.equal((await subscriber.get(url)).status, 401, `subscriber ${url}`);
    }
    assert.equal((await reviewer.post(`ops/needs-attention/${ids.R5}/retry`)).status, 403);
    assert.equal((await clerk.post(`ops/needs-attention/${ids.R5}/resolve`, { note: 'done by hand' })).status, 403);
    assert.equal((await reviewer.call('PUT', 'admin/carriers/cmcc/settings', { freezeDays: 'not even valid' })).status, 403, 'the role is checked before the body');
  });
});
