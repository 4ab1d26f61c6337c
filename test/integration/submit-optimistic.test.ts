// The online submission without a transaction or the account's lock (src/cancellation/submit-cancellation.ts):
// the facts are read with the session, and one statement writes the request with its event, audit
// entry, stored answer and jobs only if the billing account is still the row version the facts were
// read with. A request opened on the account meanwhile makes it write nothing, and the submission
// runs again under the lock, so two requests on one account are never weighed from the same facts
// (docs/decisions/0004). The jobs that statement writes are the rows jobs.send would have written.
// Runs on PGlite, and on PostgreSQL when DATABASE_URL is set (where the submissions really race).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { sql } from 'kysely';
import { dropTemplate, onPostgres, startTestApp } from '../helpers/context.ts';
import { plainLines } from '../helpers/plain-lines.ts';
import type { ApiClient } from '../helpers/api.ts';
import { loadQuoteFacts } from '../../src/cancellation/load-quote-facts.ts';
import { composeQuote } from '../../src/cancellation/compose-quote.ts';
import { openRequestIfAccountUnchanged } from '../../src/cancellation/open-request.ts';
import { jobInsert } from '../../src/jobs/job-in-statement.ts';
import { QUEUES } from '../../src/jobs/queue.ts';

after(async () => {
  await dropTemplate();
});

async function quoteOf(api: ApiClient, lineId: string) {
  const q = await api.post('cancellations/quote', { lineId });
  assert.equal(q.status, 200, JSON.stringify(q.body));
  return q.body;
}

const submit = (api: ApiClient, lineId: string, msisdn: string, quote: any, key = crypto.randomUUID()) => api.post('cancellations', {
  lineId, quoteVersion: quote.version, acknowledgements: quote.requiredAcknowledgements, confirmLast4: msisdn.slice(-4), refundRoute: { type: 'original' },
}, { 'idempotency-key': key });

describe('submitting without the account lock', () => {
  test('facts read before another request opened on the account write nothing; the submission then weighs the new facts', async () => {
    const t = await startTestApp();
    try {
      const [a, b] = await plainLines(t, 2, new Set());
      await t.ctx.db.updateTable('lines').set({ account_id: a.accountId }).where('id', '=', b.lineId).execute();
      const seenByA = await quoteOf(a.api, a.lineId);
      const facts = await loadQuoteFacts(t.ctx.db, { lineId: a.lineId, channel: 'online', acceptPenalty: false, now: t.ctx.now() });
      assert.equal(facts.accountToken.length > 0, true);

      // B's request opens on the shared account after A's facts were read.
      const rb = await submit(b.api, b.lineId, b.msisdn, await quoteOf(b.api, b.lineId));
      assert.equal(rb.status, 201, JSON.stringify(rb.body));

      // A request written from A's old facts: nothing, not even part of it.
      const quote = composeQuote(facts, 'en');
      const opened = await openRequestIfAccountUnchanged(t.ctx, t.ctx.db, {
        lineId: a.lineId, customerId: a.customerId, carrier: facts.line.carrier, msisdn: a.msisdn, channel: 'online', status: 'pending_review', quote,
        acknowledgements: quote.requiredAcknowledgements, refundRoute: { type: 'original' }, refundRouteSecretEnc: null, slaDueAt: null,
        actor: { kind: 'subscriber', id: a.customerId },
      }, facts.accountToken);
      assert.equal(opened, null);
      assert.equal((await t.ctx.db.selectFrom('cancellation_requests').select('id').where('line_id', '=', a.lineId).execute()).length, 0);
      const audit = await t.ctx.db.selectFrom('audit_log').select('request_id').where('action', '=', 'request.submit').execute();
      assert.deepEqual(audit.map((x) => x.request_id), [rb.body.id], 'one audit entry, B\'s');

      // Through the API, A's quote from before B's request is stale: the figures are weighed again.
      const stale = await submit(a.api, a.lineId, a.msisdn, seenByA);
      assert.equal(stale.status, 409, JSON.stringify(stale.body));
      assert.equal(stale.body.error.code, 'quote_stale');
      const fresh = await quoteOf(a.api, a.lineId);
      assert.notEqual(fresh.version, seenByA.version);
      assert.equal(fresh.refund.settlesAccount, true, 'with B being cancelled, A is the last line');
      const ra = await submit(a.api, a.lineId, a.msisdn, fresh);
      assert.equal(ra.status, 201, JSON.stringify(ra.body));
      const requests = await t.ctx.db.selectFrom('cancellation_requests').select(['refund_fen', 'bill_total_fen']).where('line_id', 'in', [a.lineId, b.lineId]).execute();
      const held = requests.reduce((s, r) => s + Number(r.refund_fen) + Number(r.bill_total_fen), 0);
      assert.ok(held <= 50_000, `refunds and bills promised (${held}) within the cash (50000)`);
    } finally {
      await t.close();
    }
  });

  test('four lines of one account submitted at once: each weighed after the others, exactly one settles, nothing promised twice', async () => {
    const t = await startTestApp();
    try {
      const lines = await plainLines(t, 4, new Set());
      await t.ctx.db.updateTable('lines').set({ account_id: lines[0].accountId }).where('id', 'in', lines.map((l) => l.lineId)).execute();
      const quotes = await Promise.all(lines.map((l) => quoteOf(l.api, l.lineId)));
      const first = await Promise.all(lines.map((l, k) => submit(l.api, l.lineId, l.msisdn, quotes[k])));
      for (const r of first) assert.ok(r.status === 201 || (r.status === 409 && r.body.error.code === 'quote_stale'), JSON.stringify(r.body));
      // The refused ones look at their new quote and confirm again, one after the other, as people would.
      const settled: any[] = [];
      for (const [k, l] of lines.entries()) {
        if (first[k].status === 201) {
          settled.push(quotes[k]);
          continue;
        }
        for (let attempt = 0; ; attempt++) {
          const q = await quoteOf(l.api, l.lineId);
          const r = await submit(l.api, l.lineId, l.msisdn, q);
          if (r.status === 201) {
            settled.push(q);
            break;
          }
          assert.ok(attempt < 3 && r.body.error.code === 'quote_stale', JSON.stringify(r.body));
        }
      }
      assert.equal(settled.length, 4);
      assert.equal(settled.filter((q) => q.refund.settlesAccount).length, 1, 'exactly one is the last line on the account');
      const requests = await t.ctx.db.selectFrom('cancellation_requests').select(['line_id', 'refund_fen', 'bill_total_fen']).where('line_id', 'in', lines.map((l) => l.lineId)).execute();
      assert.equal(requests.length, 4, 'one request per line');
      assert.equal(requests.filter((r) => Number(r.refund_fen) > 0).length, 1, 'one refund');
      const held = requests.reduce((s, r) => s + Number(r.refund_fen) + Number(r.bill_total_fen), 0);
      assert.ok(held <= 50_000, `refunds and bills promised (${held}) within the cash (50000)`);
      // Each request has its event, its audit entry, its stored answer and its SMS job.
      const ids = (await t.ctx.db.selectFrom('cancellation_requests').select('id').where('line_id', 'in', lines.map((l) => l.lineId)).execute()).map((r) => r.id);
      const events = await t.ctx.db.selectFrom('request_events').select('request_id').where('request_id', 'in', ids).execute();
      const audit = await t.ctx.db.selectFrom('audit_log').select('request_id').where('request_id', 'in', ids).where('action', '=', 'request.submit').execute();
      assert.equal(events.length, 4);
      assert.equal(audit.length, 4);
      const jobs = await sql<{ n: string }>`SELECT count(*) AS n FROM pgboss.job WHERE name = ${QUEUES.sms} AND singleton_key = ANY(${ids.map((id) => `${id}:pending_review`)}::text[])`.execute(t.ctx.db);
      assert.equal(Number(jobs.rows[0].n), 4, 'an SMS job per request');
    } finally {
      await t.close();
    }
  });

  test(`a job written in a statement is the row jobs.send writes${onPostgres ? ' (PostgreSQL)' : ''}`, async () => {
    const t = await startTestApp();
    try {
      const keys = [`cmp-${crypto.randomUUID()}`, `cmp-${crypto.randomUUID()}`];
      const data = { requestId: crypto.randomUUID(), text: 'compare', idempotencyKey: 'k', queuedAt: 1 };
      const rows = await t.ctx.db.transaction().execute(async (trx) => {
        await t.ctx.jobs.send(trx, QUEUES.sms, data, { key: keys[0] });
        const insert = await jobInsert(t.ctx.jobs, trx, QUEUES.sms, data, { key: keys[1], source: 'one' });
        assert.ok(insert, 'the SMS queue is written in statements');
        await sql`WITH one AS (SELECT 1), job AS (${insert}) SELECT 1`.execute(trx);
        const found = await sql<Record<string, unknown>>`SELECT * FROM pgboss.job WHERE singleton_key = ANY(${keys}::text[]) ORDER BY created_on, singleton_key`.execute(trx);
        return found.rows; // read before the commit, so no worker has fetched them yet
      });
      assert.equal(rows.length, 2);
      const [sent, written] = keys.map((k) => rows.find((r) => r.singleton_key === k)!);
      for (const column of Object.keys(sent)) {
        if (['id', 'singleton_key', 'created_on', 'start_after', 'keep_until'].includes(column)) continue;
        assert.deepEqual(written[column], sent[column], `column ${column}`);
      }
      const secondsApart = (c: string) => Math.abs(new Date(written[c] as string).getTime() - new Date(sent[c] as string).getTime()) / 1000;
      for (const c of ['created_on', 'start_after', 'keep_until']) assert.ok(secondsApart(c) < 5, c);
    } finally {
      await t.close();
    }
  });
});
