// Money belongs to the billing account: a family plan's primary and two secondaries share one cash
// balance. Cancelled in every order, and at the same time, the refunds never add up to more than the
// cash, every change of the balance is in the ledger, no balance goes negative, and a refund that can
// no longer be paid stops the request with a reason, never a database error.
// Runs on PGlite, and on PostgreSQL when DATABASE_URL is set (where the submissions really race).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { ApiClient, staffFor, subscriberFor, waitForStatus } from '../helpers/api.ts';
import { plainLines } from '../helpers/plain-lines.ts';

after(async () => {
  await dropTemplate();
});

const PRIMARY = '+8613800138005';
const SECONDARIES = ['+8613800138051', '+8613800138052'];

async function quoteOf(api: ApiClient, lineId: string) {
  const q = await api.post('cancellations/quote', { lineId });
  assert.equal(q.status, 200, JSON.stringify(q.body));
  return q.body;
}

/** Submits what the quote shows; a quote made stale by a sibling's submission is looked at again, as a person would. */
async function submitFresh(api: ApiClient, lineId: string, msisdn: string): Promise<{ status: number; body: any; quote: any }> {
  for (let attempt = 0; ; attempt++) {
    const quote = await quoteOf(api, lineId);
    if (!quote.eligible) return { status: 422, body: { error: { code: 'not_eligible', blockers: quote.blockers.map((b: any) => b.code) } }, quote };
    const r = await api.post('cancellations', {
      lineId, quoteVersion: quote.version, acknowledgements: quote.requiredAcknowledgements, confirmLast4: msisdn.slice(-4), refundRoute: { type: 'original' },
    }, { 'idempotency-key': crypto.randomUUID() });
    if (r.status === 409 && r.body.error?.code === 'quote_stale' && attempt < 5) continue;
    return { status: r.status, body: r.body, quote };
  }
}

interface Account { id: string; cashBefore: number }

/** What the ledger and the balance say about one account: the checks a finance auditor would make. */
async function assertMoneyHolds(t: TestApp, account: Account) {
  const a = await t.ctx.db.selectFrom('billing_accounts').select('cash_balance_fen').where('id', '=', account.id).executeTakeFirstOrThrow();
  const entries = await t.ctx.db.selectFrom('ledger_entries').select(['kind', 'amount_fen', 'request_id']).where('account_id', '=', account.id).execute();
  const sum = (kind: string) => entries.filter((e) => e.kind === kind).reduce((s, e) => s + e.amount_fen, 0);
  const refunded = -sum('refund') || 0;
  const billed = -sum('final_bill') || 0;
  assert.ok(a.cash_balance_fen >= 0, `balance never negative (${a.cash_balance_fen})`);
  assert.equal(a.cash_balance_fen, account.cashBefore + sum('final_bill') + sum('refund'), 'every change of the balance is in the ledger');
  assert.ok(refunded + billed <= account.cashBefore, `refunds ${refunded} + bills ${billed} within the cash ${account.cashBefore}`);
  // One refund per request at most.
  const perRequest = new Map<string, number>();
  for (const e of entries.filter((x) => x.kind === 'refund')) perRequest.set(e.request_id!, (perRequest.get(e.request_id!) ?? 0) + 1);
  for (const [id, n] of perRequest) assert.equal(n, 1, `request ${id} refunded once`);
  // Stopped requests say why, in words, never with a raw database error.
  const stuck = await t.ctx.db.selectFrom('cancellation_requests as r').innerJoin('lines as l', 'l.id', 'r.line_id')
    .select(['r.id', 'r.attention_reason']).where('l.account_id', '=', account.id).where('r.status', '=', 'needs_attention').execute();
  for (const s of stuck) assert.ok(s.attention_reason, `request ${s.id} has a reason code`);
  const errors = await t.ctx.db.selectFrom('execution_steps as s').innerJoin('cancellation_requests as r', 'r.id', 's.request_id')
    .innerJoin('lines as l', 'l.id', 'r.line_id').select('s.last_error').where('l.account_id', '=', account.id).where('s.last_error', 'is not', null).execute();
  for (const e of errors) assert.doesNotMatch(e.last_error!, /violates|constraint|relation|syntax/i);
  return { cash: a.cash_balance_fen, refunded, billed };
}

async function familyAccount(t: TestApp): Promise<Account> {
  const row = await t.ctx.db.selectFrom('lines as l').innerJoin('billing_accounts as a', 'a.id', 'l.account_id')
    .select(['a.id', 'a.cash_balance_fen']).where('l.msisdn', '=', PRIMARY).executeTakeFirstOrThrow();
  return { id: row.id, cashBefore: row.cash_balance_fen };
}

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

describe('a family plan: one balance, three lines', () => {
  for (const order of permutations([PRIMARY, ...SECONDARIES])) {
    test(`cancelled one after the other, in the order ${order.map((m) => m.slice(-4)).join(' → ')}`, async () => {
      const t = await startTestApp();
      try {
        const { api, who } = await subscriberFor(t.app, 'bundle_primary');
        const reviewer = await staffFor(t.app, 'reviewer');
        const account = await familyAccount(t);
        const lineOf = (msisdn: string) => who.lines.find((l: any) => l.msisdn === msisdn)!;
        const done = new Set<string>();
        const quotes = new Map<string, any>();
        // Go through the order; the primary is refused while a secondary is live, so it is tried again after them.
        for (let round = 0; round < 3 && done.size < 3; round++) {
          for (const msisdn of order) {
            if (done.has(msisdn)) continue;
            const r = await submitFresh(api, lineOf(msisdn).id, msisdn);
            if (r.status === 422) {
              assert.equal(msisdn, PRIMARY, `only the primary waits for its secondaries: ${JSON.stringify(r.body)}`);
              assert.deepEqual(r.body.error.blockers, ['bundle_primary']);
              continue;
            }
            assert.equal(r.status, 201, JSON.stringify(r.body));
            assert.match(r.body.reference, /^ZX\d{12}$/);
            quotes.set(msisdn, r.quote);
            assert.equal((await reviewer.post(`review/${r.body.id}/approve`)).status, 200);
            const end = await waitForStatus(api, r.body.id, ['completed', 'needs_attention']);
            assert.equal(end.status, 'completed', JSON.stringify(end));
            done.add(msisdn);
          }
        }
        assert.equal(done.size, 3);
        // Each secondary refunded nothing and said where the money stays; the primary settled the rest.
        for (const s of SECONDARIES) {
          const q = quotes.get(s);
          assert.equal(q.refund.refundableFen, 0);
          assert.equal(q.refund.settlesAccount, false);
          assert.match(q.refund.note, /stays on the account/);
        }
        const p = quotes.get(PRIMARY);
        assert.equal(p.refund.settlesAccount, true);
        const money = await assertMoneyHolds(t, account);
        assert.equal(money.refunded, p.refund.refundableFen);
        assert.equal(money.cash, 0, 'the last line settles the whole account');
        assert.equal(money.refunded + money.billed, account.cashBefore);
      } finally {
        await t.close();
      }
    });
  }

  test('all three at the same time: the secondaries race, the primary waits, the money adds up', async () => {
    const t = await startTestApp();
    try {
      const { api, who } = await subscriberFor(t.app, 'bundle_primary');
      const reviewer = await staffFor(t.app, 'reviewer');
      const account = await familyAccount(t);
      const lineOf = (msisdn: string) => who.lines.find((l: any) => l.msisdn === msisdn)!;
      const results = await Promise.all([PRIMARY, ...SECONDARIES].map((m) => submitFresh(api, lineOf(m).id, m)));
      assert.equal(results[0].status, 422, 'the primary is refused while its secondaries are live');
      for (const r of results.slice(1)) assert.equal(r.status, 201, JSON.stringify(r.body));
      await Promise.all(results.slice(1).map((r) => reviewer.post(`review/${r.body.id}/approve`)));
      for (const r of results.slice(1)) assert.equal((await waitForStatus(api, r.body.id, ['completed', 'needs_attention'])).status, 'completed');
      const last = await submitFresh(api, lineOf(PRIMARY).id, PRIMARY);
      assert.equal(last.status, 201, JSON.stringify(last.body));
      assert.equal((await reviewer.post(`review/${last.body.id}/approve`)).status, 200);
      assert.equal((await waitForStatus(api, last.body.id, ['completed', 'needs_attention'])).status, 'completed');
      const money = await assertMoneyHolds(t, account);
      assert.equal(money.cash, 0);
    } finally {
      await t.close();
    }
  });
});

describe('two lines of two people on one account', () => {
  test('submitted at the same time: exactly one settles the account, no fen is promised twice', async () => {
    const t = await startTestApp();
    try {
      const [a, b] = await plainLines(t, 2, new Set());
      await t.ctx.db.updateTable('lines').set({ account_id: a.accountId }).where('id', '=', b.lineId).execute();
      const account = { id: a.accountId, cashBefore: 50_000 };
      const reviewer = await staffFor(t.app, 'reviewer');
      const [ra, rb] = await Promise.all([submitFresh(a.api, a.lineId, a.msisdn), submitFresh(b.api, b.lineId, b.msisdn)]);
      assert.equal(ra.status, 201, JSON.stringify(ra.body));
      assert.equal(rb.status, 201, JSON.stringify(rb.body));
      const settling = [ra, rb].filter((r) => r.quote.refund.settlesAccount);
      assert.equal(settling.length, 1, 'one of the two is the last line on the account');
      assert.equal(ra.quote.refund.refundableFen + rb.quote.refund.refundableFen, settling[0].quote.refund.refundableFen);
      await Promise.all([ra, rb].map((r) => reviewer.post(`review/${r.body.id}/approve`)));
      for (const [r, api] of [[ra, a.api], [rb, b.api]] as const) {
        assert.equal((await waitForStatus(api, r.body.id, ['completed', 'needs_attention'])).status, 'completed');
      }
      const money = await assertMoneyHolds(t, account);
      assert.equal(money.cash, 0);
      assert.equal(money.refunded, settling[0].quote.refund.refundableFen);
    } finally {
      await t.close();
    }
  });

  test('the other line comes back into use: the refund is not paid, the request says why, ops resolve it', async () => {
    const t = await startTestApp();
    try {
      const [a, b] = await plainLines(t, 2, new Set());
      await t.ctx.db.updateTable('lines').set({ account_id: a.accountId }).where('id', '=', b.lineId).execute();
      const account = { id: a.accountId, cashBefore: 50_000 };
      const reviewer = await staffFor(t.app, 'reviewer');
      const ops = await staffFor(t.app, 'ops');
      const ra = await submitFresh(a.api, a.lineId, a.msisdn);
      assert.equal(ra.quote.refund.settlesAccount, false);
      const rb = await submitFresh(b.api, b.lineId, b.msisdn);
      assert.equal(rb.quote.refund.settlesAccount, true, 'with the other line being cancelled, this one settles the account');
      assert.ok(rb.quote.refund.refundableFen > 0);
      // A withdraws: A's line uses the balance again.
      assert.equal((await a.api.post(`cancellations/${ra.body.id}/withdraw`)).status, 200);
      assert.equal((await reviewer.post(`review/${rb.body.id}/approve`)).status, 200);
      const stopped = await waitForStatus(b.api, rb.body.id, ['completed', 'needs_attention']);
      assert.equal(stopped.status, 'needs_attention');
      assert.equal(stopped.refund.status, 'pending');
      const review = await reviewer.get(`review/${rb.body.id}`);
      assert.equal(review.body.attentionReason, 'account_still_in_use');
      const queue = await ops.get('ops/needs-attention');
      const item = queue.body.items.find((i: any) => i.id === rb.body.id);
      assert.ok(item, 'listed for ops');
      assert.match(JSON.stringify(item), /in use again/);
      await assertMoneyHolds(t, account);

      // Resolved by hand: nobody is told a refund was paid that the ledger does not hold.
      const resolved = await ops.post(`ops/needs-attention/${rb.body.id}/resolve`, { note: 'customer keeps the balance on the other line' });
      assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
      const view = await b.api.get(`cancellations/${rb.body.id}`);
      assert.equal(view.body.status, 'completed');
      assert.deepEqual(view.body.refund, { promisedFen: rb.quote.refund.refundableFen, paidFen: 0, status: 'not_recorded' });
      // The certificate, too, states the refund the ledger holds, and carries the reference.
      const cert = await t.ctx.db.selectFrom('certificates').select('facts').where('request_id', '=', rb.body.id).executeTakeFirstOrThrow();
      const facts = cert.facts as { refundFen: number; reference?: string };
      assert.equal(facts.refundFen, 0);
      assert.equal(facts.reference, rb.body.reference);
      const money = await assertMoneyHolds(t, account);
      assert.equal(money.refunded, 0);
    } finally {
      await t.close();
    }
  });

  test('the balance went down after submission: the refund step stops with a reason, the balance stays positive', async () => {
    const t = await startTestApp();
    try {
      const [a] = await plainLines(t, 1, new Set());
      const reviewer = await staffFor(t.app, 'reviewer');
      const r = await submitFresh(a.api, a.lineId, a.msisdn);
      assert.equal(r.status, 201);
      const promised = r.quote.refund.refundableFen;
      // Money leaves the account by another way (a back-office adjustment) after the quote was accepted.
      await t.ctx.db.updateTable('billing_accounts').set({ cash_balance_fen: r.quote.bill.totalFen + 100 }).where('id', '=', a.accountId).execute();
      assert.equal((await reviewer.post(`review/${r.body.id}/approve`)).status, 200);
      const end = await waitForStatus(a.api, r.body.id, ['completed', 'needs_attention']);
      assert.equal(end.status, 'needs_attention');
      const review = await reviewer.get(`review/${r.body.id}`);
      assert.equal(review.body.attentionReason, 'refund_exceeds_balance');
      assert.equal(review.body.refund.paidFen, 0);
      assert.ok(promised > 100);
      const money = await assertMoneyHolds(t, { id: a.accountId, cashBefore: r.quote.bill.totalFen + 100 });
      assert.equal(money.cash, 100, 'the final bill was taken, the refund was not');
    } finally {
      await t.close();
    }
  });
});
