// The money of a fleet job under the last-line rule (decision 0004: only the last line of a billing
// account refunds). Lines of one account in the same job leave together: the dry run shows the
// account's balance refunded once, on the account's last line in the job, the totals per carrier
// say the same, and once the job has run the ledger has refunded exactly that. A line whose account
// keeps another line outside the job refunds nothing and leaves the rest on the account.
// Runs on PGlite, and on PostgreSQL when DATABASE_URL is set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { withFleetAdmin } from '../helpers/fleet-admin.ts';
import { DEMO_COMPANY } from '../../src/db/seed/companies.ts';
import type { CarrierCode } from '../../src/db/schema.ts';

const app = withFleetAdmin();

/** A new billing account of the company with `cashFen`, holding `lines` (moved onto it from the company's other accounts). */
async function accountWith(lines: Array<{ id: string; carrier: CarrierCode; customer_id: string }>, cashFen: number): Promise<string> {
  const id = crypto.randomUUID();
  await app.t.ctx.db.insertInto('billing_accounts').values({ id, customer_id: lines[0].customer_id, carrier: lines[0].carrier, cash_balance_fen: cashFen, promo_credit_fen: 0, arrears_fen: 0 }).execute();
  await app.t.ctx.db.updateTable('lines').set({ account_id: id }).where('id', 'in', lines.map((l) => l.id)).execute();
  return id;
}

async function ledgerOf(accountId: string) {
  const entries = await app.t.ctx.db.selectFrom('ledger_entries').select(['kind', 'amount_fen']).where('account_id', '=', accountId).execute();
  const sum = (kind: string) => entries.filter((e) => e.kind === kind).reduce((s, e) => s - Number(e.amount_fen), 0);
  const account = await app.t.ctx.db.selectFrom('billing_accounts').select('cash_balance_fen').where('id', '=', accountId).executeTakeFirstOrThrow();
  return { refunded: sum('refund'), billed: sum('final_bill'), refunds: entries.filter((e) => e.kind === 'refund').length, cashFen: Number(account.cash_balance_fen) };
}

test('an account whose every line is in the job refunds its balance once, on its last line in the job; the dry run, the totals and the ledger agree', async () => {
  const { db } = app.t.ctx;
  const carrier = 'cmcc';
  // Company lines without blockers (not the branch account in arrears, no port-out, no bundle), never asked to cancel.
  const free = await db.selectFrom('lines as l').innerJoin('billing_accounts as a', 'a.id', 'l.account_id')
    .select(['l.id', 'l.iccid', 'l.carrier', 'l.customer_id', 'l.msisdn'])
    .where('l.company_id', '=', DEMO_COMPANY.id).where('l.status', '=', 'active').where('l.carrier', '=', carrier)
    .where('l.port_out_status', '=', 'none').where('l.bundle_role', '=', 'none').where('l.has_broadband', '=', false).where('a.arrears_fen', '=', 0)
    .orderBy('l.iccid').limit(4).execute();
  assert.equal(free.length, 4, 'four free company lines at one carrier');
  const [a1, a2, c1, c2] = free;
  const cashA = 20_000;
  const cashC = 15_000;
  const accountA = await accountWith([a1, a2], cashA); // both lines in the job
  const accountC = await accountWith([c1, c2], cashC); // c2 stays: not in the job

  const plan = await app.admin.post('fleet/jobs', { rows: [a1.iccid, c1.iccid, a2.iccid] });
  assert.equal(plan.status, 201, JSON.stringify(plan.body));
  const page = await app.admin.get(`fleet/jobs/${plan.body.id}/lines?pageSize=10`);
  assert.equal(page.status, 200);
  const [rowA1, rowC1, rowA2] = page.body.lines as Array<{ rowNo: number; state: string; billFen: number; refundFen: number }>;
  for (const row of [rowA1, rowC1, rowA2]) assert.equal(row.state, 'ready', JSON.stringify(row));
  assert.ok(rowA1.billFen > 0 && rowA2.billFen > 0, 'each line has its final bill');

  // Account A: the balance less both bills comes back once, on its last line in the job (row 3).
  const expectedRefund = cashA - rowA1.billFen - rowA2.billFen;
  assert.ok(expectedRefund > 0);
  assert.equal(rowA1.refundFen, 0, 'the first line of the account leaves the balance to the second');
  assert.equal(rowA2.refundFen, expectedRefund, 'the last line of the account in the job refunds what the account holds after both bills');
  // Account C keeps c2: c1 refunds nothing.
  assert.equal(rowC1.refundFen, 0, 'a line whose account keeps another line outside the job refunds nothing');

  const totals = plan.body.totals;
  assert.equal(totals.refundFen, expectedRefund, 'the job refunds the balance once');
  assert.equal(totals.carriers[carrier].refundFen, expectedRefund);
  assert.equal(totals.carriers[carrier].billFen, rowA1.billFen + rowA2.billFen + rowC1.billFen);

  const confirmed = await app.admin.post(`fleet/jobs/${plan.body.id}/confirm`, {});
  assert.equal(confirmed.status, 202, JSON.stringify(confirmed.body));
  assert.equal(confirmed.body.queued, 3);
  let job;
  for (const until = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 250))) {
    job = (await app.admin.get(`fleet/jobs/${plan.body.id}`)).body;
    if (job.status === 'completed' || Date.now() > until) break;
  }
  assert.equal(job.status, 'completed', JSON.stringify(job.counts));
  assert.equal(job.counts.completed, 3, JSON.stringify(job.counts));

  // What execution did, as finance reads it: the ledger and the balances.
  const ledgerA = await ledgerOf(accountA);
  assert.deepEqual(ledgerA, { refunded: expectedRefund, billed: rowA1.billFen + rowA2.billFen, refunds: 1, cashFen: 0 }, 'account A: both bills, one refund of the rest, nothing left');
  const ledgerC = await ledgerOf(accountC);
  assert.deepEqual(ledgerC, { refunded: 0, billed: rowC1.billFen, refunds: 0, cashFen: cashC - rowC1.billFen }, 'account C: the bill charged, the rest stays for c2');
  const refundedByCarrier = ledgerA.refunded + ledgerC.refunded;
  assert.equal(refundedByCarrier, totals.carriers[carrier].refundFen, 'the dry run\'s carrier total is what the ledger refunded');
  const c2Line = await db.selectFrom('lines').select('status').where('id', '=', c2.id).executeTakeFirstOrThrow();
  assert.equal(c2Line.status, 'active', 'the line outside the job is untouched');
});
