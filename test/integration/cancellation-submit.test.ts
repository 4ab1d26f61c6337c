// Submitting a cancellation through the HTTP API: the checks before a request is opened, the
// Idempotency-Key, one live request per line (also under a race), refund routes, and withdrawal.
// Runs on PGlite, and on PostgreSQL when DATABASE_URL is set.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dropTemplate, onPostgres, startTestApp, type TestApp } from '../helpers/context.ts';
import { ApiClient, staffFor, subscriberFor, waitForStatus } from '../helpers/api.ts';
import { plainLines } from '../helpers/plain-lines.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t?.close();
  await dropTemplate();
});

const taken = new Set<string>();
const cleanLines = (n: number) => plainLines(t, n, taken);

async function quoteOf(api: ApiClient, lineId: string) {
  const q = await api.post('cancellations/quote', { lineId });
  assert.equal(q.status, 200, JSON.stringify(q.body));
  return q.body;
}

const submitBody = (q: any, msisdn: string, extra: Record<string, unknown> = {}) => ({
  lineId: q.lineId, quoteVersion: q.version, acknowledgements: q.requiredAcknowledgements, confirmLast4: msisdn.slice(-4), refundRoute: { type: 'original' }, ...extra,
});
const submit = (api: ApiClient, body: unknown, key: string = crypto.randomUUID()) => api.post('cancellations', body, { 'idempotency-key': key });
const requestsFor = (lineId: string) => t.ctx.db.selectFrom('cancellation_requests').selectAll().where('line_id', '=', lineId).execute();

describe('checks before a request is opened', () => {
  test('a quote that changed since it was shown is refused (409 quote_stale), and nothing is opened', async () => {
    const [p] = await cleanLines(1);
    const q = await quoteOf(p.api, p.lineId);
    assert.equal(q.eligible, true, JSON.stringify(q.blockers));
    const line = await t.ctx.db.selectFrom('lines').select('account_id').where('id', '=', p.lineId).executeTakeFirstOrThrow();
    await t.ctx.db.updateTable('billing_accounts').set((eb) => ({ cash_balance_fen: eb('cash_balance_fen', '+', 500), version: eb('version', '+', 1) })).where('id', '=', line.account_id).execute();

    const r = await submit(p.api, submitBody(q, p.msisdn));
    assert.equal(r.status, 409);
    assert.equal(r.body.error.code, 'quote_stale');
    const fresh = await quoteOf(p.api, p.lineId);
    assert.equal(r.body.error.details.currentVersion, fresh.version);
    assert.equal(fresh.refund.refundableFen, q.refund.refundableFen + 500);
    assert.equal((await requestsFor(p.lineId)).length, 0);

    // Missing acknowledgement, wrong last 4 digits: each refused with its own code.
    const noAck = await submit(p.api, submitBody(fresh, p.msisdn, { acknowledgements: ['data_backup', 'number_frozen'] }));
    assert.equal(noAck.status, 422);
    assert.equal(noAck.body.error.code, 'acknowledgements_missing');
    assert.deepEqual(noAck.body.error.details.missing, ['unbind_accounts']);
    const wrongTail = String((Number(p.msisdn.slice(-4)) + 1) % 10000).padStart(4, '0');
    const mismatch = await submit(p.api, submitBody(fresh, p.msisdn, { confirmLast4: wrongTail }));
    assert.equal(mismatch.status, 422);
    assert.equal(mismatch.body.error.code, 'confirmation_mismatch');
    assert.equal((await requestsFor(p.lineId)).length, 0);
  });

  test('a line with a blocker cannot be submitted (422 not_eligible, with the blockers)', async () => {
    const { api, who } = await subscriberFor(t.app, 'port_out_pending');
    const q = await quoteOf(api, who.lines[0].id);
    const r = await submit(api, submitBody(q, who.msisdn));
    assert.equal(r.status, 422);
    assert.equal(r.body.error.code, 'not_eligible');
    assert.ok(r.body.error.details.blockers.some((b: any) => b.code === 'port_out_pending'));
    assert.equal((await requestsFor(who.lines[0].id)).length, 0);
  });

  test('bank refund details are checked, and the account number is stored only sealed', async () => {
    const [p] = await cleanLines(1);
    const q = await quoteOf(p.api, p.lineId);
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ type: 'bank', bankAccount: '12345', accountName: '张三', bankName: '中国工商银行' }, /12 to 19 digits/],
      [{ type: 'bank', bankAccount: '6222020200112233445', bankName: '中国工商银行' }, /name on the bank account/],
      [{ type: 'bank', bankAccount: '6222020200112233445', accountName: '张三' }, /bank's name/],
      [{ type: 'cash' }, /not offered/],
      [{ type: 'line', lineId: crypto.randomUUID() }, /not offered|other active lines/],
    ];
    for (const [refundRoute, message] of bad) {
      const r = await submit(p.api, submitBody(q, p.msisdn, { refundRoute }));
      assert.equal(r.status, 422, JSON.stringify(refundRoute));
      assert.equal(r.body.error.code, 'invalid_refund_route');
      assert.match(r.body.error.message, message);
    }
    const ok = await submit(p.api, submitBody(q, p.msisdn, { refundRoute: { type: 'bank', bankAccount: '6222 0202 0011 2233 445', accountName: '张三', bankName: '中国工商银行' } }));
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    const [row] = await requestsFor(p.lineId);
    assert.deepEqual(row.refund_route, { type: 'bank', bankName: '中国工商银行', maskedAccount: '****3445' });
    assert.ok(!JSON.stringify(row).includes('6222020200112233445'), 'the account number is not stored in clear');
    assert.equal(JSON.parse(t.ctx.vault.decrypt(row.refund_route_secret_enc!)).bankAccount, '6222020200112233445');
    const view = await p.api.get(`cancellations/${ok.body.id}`);
    assert.equal(view.body.refundRoute.maskedAccount, '****3445');
    assert.ok(!JSON.stringify(view.body).includes('6222020200112233445'));
  });
});

describe('Idempotency-Key and one live request per line', () => {
  test('the same key replays the first answer; a changed body or a new key is refused', async () => {
    const [p] = await cleanLines(1);
    const q = await quoteOf(p.api, p.lineId);
    const key = crypto.randomUUID();
    const first = await submit(p.api, submitBody(q, p.msisdn), key);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.status, 'pending_review');
    assert.equal(first.headers['idempotent-replayed'], undefined);

    const replay = await submit(p.api, submitBody(q, p.msisdn), key);
    assert.equal(replay.status, 201);
    assert.deepEqual(replay.body, first.body);
    assert.equal(replay.headers['idempotent-replayed'], 'true');

    const reused = await submit(p.api, submitBody(q, p.msisdn, { refundRoute: { type: 'bank', bankAccount: '6222020200112233445', accountName: '张三', bankName: '中国工商银行' } }), key);
    assert.equal(reused.status, 422);
    assert.equal(reused.body.error.code, 'idempotency_key_reused');

    const second = await submit(p.api, submitBody(q, p.msisdn));
    assert.equal(second.status, 409);
    assert.equal(second.body.error.code, 'already_requested');
    assert.equal(second.body.error.details.requestId, first.body.id);
    assert.equal((await requestsFor(p.lineId)).length, 1);
  });

  test(`two submits at the same moment with different keys open exactly one request (${onPostgres ? 'PostgreSQL' : 'PGlite'})`, async () => {
    const people = await cleanLines(3);
    for (const p of people) {
      const q = await quoteOf(p.api, p.lineId);
      const [a, b] = await Promise.all([submit(p.api, submitBody(q, p.msisdn)), submit(p.api, submitBody(q, p.msisdn))]);
      const won = [a, b].filter((r) => r.status === 201);
      const lost = [a, b].filter((r) => r.status !== 201);
      assert.equal(won.length, 1, JSON.stringify([a.body, b.body]));
      assert.equal(lost[0].status, 409, JSON.stringify(lost[0].body));
      assert.equal(lost[0].body.error.code, 'already_requested');
      assert.equal(lost[0].body.error.details.requestId, won[0].body.id);
      const rows = await requestsFor(p.lineId);
      assert.equal(rows.length, 1);
      assert.equal(rows[0].id, won[0].body.id);
    }
  });

  test('a double click (same key, at the same moment) gets the same request twice', async () => {
    const people = await cleanLines(2);
    for (const p of people) {
      const q = await quoteOf(p.api, p.lineId);
      const key = crypto.randomUUID();
      const [a, b] = await Promise.all([submit(p.api, submitBody(q, p.msisdn), key), submit(p.api, submitBody(q, p.msisdn), key)]);
      assert.equal(a.status, 201, JSON.stringify(a.body));
      assert.equal(b.status, 201, JSON.stringify(b.body));
      assert.equal(a.body.id, b.body.id);
      assert.equal([a, b].filter((r) => r.headers['idempotent-replayed'] === 'true').length, 1);
      assert.equal((await requestsFor(p.lineId)).length, 1);
    }
  });
});

describe('refund routes and withdrawal', () => {
  test('a refund to another of my lines is credited to that line\'s account', async () => {
    const { api, who } = await subscriberFor(t.app, 'bundle_primary');
    const source = who.lines.find((l) => l.msisdn === '+8613800138051')!;
    const target = who.lines.find((l) => l.msisdn === '+8613800138052')!;
    // Give each line its own account: the source then settles its account (a line that shares one
    // refunds nothing), and the credit is visible apart from the source's.
    const sourceAccount = crypto.randomUUID();
    const sourceOwner = await t.ctx.db.selectFrom('lines').select('customer_id').where('id', '=', source.id).executeTakeFirstOrThrow();
    await t.ctx.db.insertInto('billing_accounts').values({ id: sourceAccount, customer_id: sourceOwner.customer_id, carrier: 'cmcc', cash_balance_fen: 20_000, promo_credit_fen: 0, arrears_fen: 0, arrears_since: null }).execute();
    await t.ctx.db.updateTable('lines').set({ account_id: sourceAccount }).where('id', '=', source.id).execute();
    const targetRow = await t.ctx.db.selectFrom('lines').select(['customer_id', 'account_id']).where('id', '=', target.id).executeTakeFirstOrThrow();
    const targetAccount = crypto.randomUUID();
    await t.ctx.db.insertInto('billing_accounts').values({ id: targetAccount, customer_id: targetRow.customer_id, carrier: 'cmcc', cash_balance_fen: 100, promo_credit_fen: 0, arrears_fen: 0, arrears_since: null }).execute();
    await t.ctx.db.updateTable('lines').set({ account_id: targetAccount }).where('id', '=', target.id).execute();

    const q = await quoteOf(api, source.id);
    assert.equal(q.eligible, true, JSON.stringify(q.blockers));
    const offered = q.refundRoutes.find((r: any) => r.type === 'line');
    assert.ok(offered.lines.some((l: any) => l.id === target.id));
    const sourceBefore = await t.ctx.db.selectFrom('billing_accounts as a').innerJoin('lines as l', 'l.account_id', 'a.id').select(['a.id', 'a.cash_balance_fen'])
      .where('l.id', '=', source.id).executeTakeFirstOrThrow();
    const refund = sourceBefore.cash_balance_fen - q.bill.totalFen;
    assert.ok(refund > 0);
    assert.equal(q.refund.refundableFen, refund);

    const r = await submit(api, submitBody(q, source.msisdn, { refundRoute: { type: 'line', lineId: target.id } }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const reviewer = await staffFor(t.app, 'reviewer');
    assert.equal((await reviewer.post(`review/${r.body.id}/approve`)).status, 200);
    const done = await waitForStatus(api, r.body.id, ['completed', 'needs_attention']);
    assert.equal(done.status, 'completed', JSON.stringify(done));
    assert.deepEqual(done.refundRoute, { type: 'line', lineId: target.id, msisdn: target.msisdn });

    const credited = await t.ctx.db.selectFrom('billing_accounts').select('cash_balance_fen').where('id', '=', targetAccount).executeTakeFirstOrThrow();
    assert.equal(credited.cash_balance_fen, 100 + refund);
    const sourceAfter = await t.ctx.db.selectFrom('billing_accounts').select('cash_balance_fen').where('id', '=', sourceBefore.id).executeTakeFirstOrThrow();
    assert.equal(sourceAfter.cash_balance_fen, 0);
    const ledger = await t.ctx.db.selectFrom('ledger_entries').select(['account_id', 'kind', 'amount_fen']).where('request_id', '=', r.body.id).orderBy('id').execute();
    assert.deepEqual(ledger, [
      { account_id: sourceBefore.id, kind: 'final_bill', amount_fen: -q.bill.totalFen },
      { account_id: sourceBefore.id, kind: 'refund', amount_fen: -refund },
      { account_id: targetAccount, kind: 'refund', amount_fen: refund },
    ]);
  });

  test('a request can be withdrawn while it waits for review, not after approval', async () => {
    const [p] = await cleanLines(1);
    let q = await quoteOf(p.api, p.lineId);
    const first = await submit(p.api, submitBody(q, p.msisdn));
    assert.equal(first.status, 201);
    const w = await p.api.post(`cancellations/${first.body.id}/withdraw`);
    assert.equal(w.status, 200, JSON.stringify(w.body));
    assert.equal(w.body.status, 'withdrawn');
    const view = await p.api.get(`cancellations/${first.body.id}`);
    assert.deepEqual(view.body.timeline.map((e: any) => e.status), ['pending_review', 'withdrawn']);
    const line = await t.ctx.db.selectFrom('lines').select('status').where('id', '=', p.lineId).executeTakeFirstOrThrow();
    assert.equal(line.status, 'active');

    // Withdrawn is final, and frees the line for a new request.
    assert.equal((await p.api.post(`cancellations/${first.body.id}/withdraw`)).status, 409);
    q = await quoteOf(p.api, p.lineId);
    assert.equal(q.eligible, true, JSON.stringify(q.blockers));
    const second = await submit(p.api, submitBody(q, p.msisdn));
    assert.equal(second.status, 201, JSON.stringify(second.body));
    const reviewer = await staffFor(t.app, 'reviewer');
    assert.equal((await reviewer.post(`review/${second.body.id}/approve`)).status, 200);
    const late = await p.api.post(`cancellations/${second.body.id}/withdraw`);
    assert.equal(late.status, 409);
    assert.equal(late.body.error.code, 'conflict');
    const done = await waitForStatus(p.api, second.body.id, ['completed', 'needs_attention']);
    assert.equal(done.status, 'completed');
    assert.ok(!done.timeline.some((e: any) => e.status === 'withdrawn'));

    // Someone else cannot withdraw (or even see) my request.
    const [other] = await cleanLines(1);
    assert.equal((await other.api.post(`cancellations/${second.body.id}/withdraw`)).status, 404);
    assert.equal((await other.api.get(`cancellations/${second.body.id}`)).status, 404);
  });
});
