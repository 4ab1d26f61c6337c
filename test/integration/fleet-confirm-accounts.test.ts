// Confirming a fleet job opens its requests in bulk, and touches each billing account they open on
// once (a new row version, nothing changed), as openRequest touches its line's account: an online
// submission on one of those accounts whose facts were read before the confirmation (the lock-free
// write, conditional on the account's xmin: docs/decisions/0004) writes nothing, so it runs again
// under the lock and weighs the fleet's requests. Accounts with no line in the job are not touched.
// Runs on PGlite, and on PostgreSQL when DATABASE_URL is set.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { dropTemplate, startTestApp } from '../helpers/context.ts';
import { freshFleetLines } from '../helpers/fleet.ts';
import { DEMO_COMPANY } from '../../src/db/seed/companies.ts';
import { loadQuoteFacts } from '../../src/cancellation/load-quote-facts.ts';
import { composeQuote } from '../../src/cancellation/compose-quote.ts';
import { openRequestIfAccountUnchanged } from '../../src/cancellation/open-request.ts';
import { planFleetJob } from '../../src/fleet/plan-fleet-job.ts';
import { chunksByCarrier, confirmFleetJob } from '../../src/fleet/confirm-fleet-job.ts';

after(async () => {
  await dropTemplate();
});

describe('confirming a fleet job', () => {
  test('touches each account it opens requests on once: facts read before it write nothing; other accounts keep their row version', async () => {
    const t = await startTestApp({ workers: false });
    try {
      const { db } = t.ctx;
      const fresh = await freshFleetLines(t.ctx, 50);
      const withAccount = await db.selectFrom('lines').select(['id', 'account_id', 'customer_id', 'msisdn']).where('id', 'in', fresh.map((l) => l.id)).execute();
      const accountOf = new Map(withAccount.map((l) => [l.id, l]));
      // Two lines of one account: one goes in the job, the other is submitted online from facts read before the confirmation.
      const inJob = fresh.find((l) => fresh.some((o) => o.id !== l.id && accountOf.get(o.id)!.account_id === accountOf.get(l.id)!.account_id))!;
      const account = accountOf.get(inJob.id)!.account_id;
      const outside = accountOf.get(fresh.find((l) => l.id !== inJob.id && accountOf.get(l.id)!.account_id === account)!.id)!;
      const company = await db.selectFrom('companies').select('customer_id').where('id', '=', DEMO_COMPANY.id).executeTakeFirstOrThrow();
      const untouched = await db.selectFrom('billing_accounts').select('id').where('customer_id', '=', company.customer_id).where('id', '<>', account).executeTakeFirstOrThrow();
      const xminOf = async (id: string) => (await sql<{ x: string }>`SELECT xmin::text AS x FROM billing_accounts WHERE id = ${id}`.execute(db)).rows[0].x;
      const untouchedBefore = await xminOf(untouched.id);
      const touchedBefore = await xminOf(account);

      const facts = await loadQuoteFacts(db, { lineId: outside.id, channel: 'online', acceptPenalty: true, now: t.ctx.now() });
      assert.equal(facts.accountToken, touchedBefore);

      const admin = await db.selectFrom('staff').select('id').where('username', '=', DEMO_COMPANY.admin.username).executeTakeFirstOrThrow();
      const actor = { kind: 'company_admin' as const, id: admin.id };
      const { jobId } = await planFleetJob(t.ctx, { companyId: DEMO_COMPANY.id, actor, rows: [inJob.iccid], source: 'json' });
      const confirmed = await confirmFleetJob(t.ctx, DEMO_COMPANY.id, jobId, actor);
      assert.equal(confirmed.queued, 1);

      assert.notEqual(await xminOf(account), touchedBefore, 'the job\'s account has a new row version');
      assert.equal(await xminOf(untouched.id), untouchedBefore, 'an account with no line in the job keeps its row version');
      const balance = await db.selectFrom('billing_accounts').select(['cash_balance_fen', 'version']).where('id', '=', account).executeTakeFirstOrThrow();

      // The write from facts read before the confirmation: nothing, not even part of it.
      const quote = composeQuote(facts, 'en');
      const opened = await openRequestIfAccountUnchanged(t.ctx, db, {
        lineId: outside.id, customerId: outside.customer_id, carrier: facts.line.carrier, msisdn: outside.msisdn, channel: 'online', status: 'pending_review', quote,
        acknowledgements: quote.requiredAcknowledgements, refundRoute: { type: 'original' }, refundRouteSecretEnc: null, slaDueAt: null,
        actor: { kind: 'subscriber', id: outside.customer_id },
      }, facts.accountToken);
      assert.equal(opened, null);
      assert.equal((await db.selectFrom('cancellation_requests').select('id').where('line_id', '=', outside.id).execute()).length, 0);
      // Touched, not changed: the balance and its version are as they were.
      const after = await db.selectFrom('billing_accounts').select(['cash_balance_fen', 'version']).where('id', '=', account).executeTakeFirstOrThrow();
      assert.deepEqual(after, balance);
    } finally {
      await t.close();
    }
  });
});

describe('the chunks of a confirmed job', () => {
  test('are of one carrier each, in row order, at most the chunk size, the carriers taking turns', () => {
    const lines = [
      ...Array.from({ length: 5 }, (_, i) => ({ rowNo: i + 1, carrier: 'cmcc' })),
      ...Array.from({ length: 3 }, (_, i) => ({ rowNo: i + 6, carrier: 'cucc' })),
      { rowNo: 9, carrier: 'ctcc' }, { rowNo: 10, carrier: 'cmcc' },
    ];
    assert.deepEqual(chunksByCarrier(lines.reverse(), 2), [[1, 2], [6, 7], [9], [3, 4], [8], [5, 10]]);
    assert.deepEqual(chunksByCarrier([], 500), []);
  });
});
