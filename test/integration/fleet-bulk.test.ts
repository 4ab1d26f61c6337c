// A fleet chunk carried out in bulk (executeFleetChunk) leaves each line as the single path
// (executeCancellation) does: the same steps, ledger rows, balances, line and number state, timeline
// and audit entries; two workers on the same chunk apply each line's effects once; a line whose
// money check stops it goes to needs_attention alone while the rest of the chunk completes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { executeCancellation } from '../../src/cancellation/execute-cancellation.ts';
import { lastNoticeText } from '../../src/cancellation/execution-steps.ts';
import { receivesStatusSms } from '../../src/cancellation/notify-status.ts';
import { executeFleetChunk } from '../../src/fleet/execute-fleet-chunk.ts';
import { withFleetAdmin } from '../helpers/fleet-admin.ts';
import { freshFleetLines } from '../helpers/fleet.ts';

const s = withFleetAdmin();
const db = () => s.t.ctx.db;

/** Lines planned and confirmed for a far-off date, so the queue leaves them to the test: their approved requests. */
async function approvedRequests(lines: Array<{ iccid: string }>) {
  const plan = await s.admin.post('fleet/jobs', { rows: lines.map((l) => l.iccid), effectiveDate: '2099-01-01' });
  assert.equal(plan.status, 201, JSON.stringify(plan.body));
  assert.equal((await s.admin.post(`fleet/jobs/${plan.body.id}/confirm`, {})).status, 202);
  const rows = await db().selectFrom('fleet_job_lines as f').innerJoin('cancellation_requests as r', 'r.id', 'f.request_id')
    .select(['r.id', 'r.status', 'f.line_id']).where('f.job_id', '=', plan.body.id).orderBy('f.row_no').execute();
  assert.ok(rows.every((r) => r.status === 'approved'));
  return rows.map((r) => r.id);
}

/** What a person checking one request would look at, without the values that differ from line to line. */
async function snapshot(requestId: string) {
  const r = await db().selectFrom('cancellation_requests').selectAll().where('id', '=', requestId).executeTakeFirstOrThrow();
  const line = await db().selectFrom('lines').selectAll().where('id', '=', r.line_id).executeTakeFirstOrThrow();
  const pool = await db().selectFrom('number_pool').selectAll().where('msisdn', '=', line.msisdn).executeTakeFirstOrThrow();
  const ledger = await db().selectFrom('ledger_entries').select(['kind', 'amount_fen', 'idempotency_key', 'account_id']).where('request_id', '=', requestId).orderBy('kind').execute();
  const steps = await db().selectFrom('execution_steps').select(['step', 'status', 'attempts', 'last_error', 'result']).where('request_id', '=', requestId).orderBy('position').execute();
  const events = await db().selectFrom('request_events').select(['from_status', 'to_status', 'actor_kind', 'note']).where('request_id', '=', requestId).orderBy('id').execute();
  const audit = await db().selectFrom('audit_log').select(['action', 'actor_kind', 'details']).where('request_id', '=', requestId).orderBy('seq').execute();
  const esim = await db().selectFrom('esim_events').select('event').where('line_id', '=', line.id).execute();
  // The last notice before the network step (the bulk path writes a chunk's in one statement).
  const notices = await db().selectFrom('sms_outbox').select(['text', 'idempotency_key']).where('to_msisdn', '=', line.msisdn)
    .where('idempotency_key', 'like', '%:last_notice').execute();
  const noticeText = lastNoticeText(s.t.ctx.config.publicBaseUrl, { line, reference: r.reference, hasContactEmail: r.contact_email_enc !== null });
  const days = (d: Date | null) => (d && r.completed_at ? Math.round((new Date(d).getTime() - new Date(r.completed_at).getTime()) / 86_400_000) : null);
  return {
    kind: { esim: line.form_factor === 'esim', bill: r.bill_total_fen > 0, refund: r.refund_fen > 0, sms: receivesStatusSms(line.msisdn) },
    request: { status: r.status, completed: r.completed_at !== null, certificate: r.certificate_serial, attention: r.attention_reason },
    line: { status: line.status, cancelled: line.cancelled_at !== null, version: line.version, esim: line.esim_profile_state },
    pool: { state: pool.state, sameLine: pool.line_id === line.id, formerOwner: pool.former_customer_id === line.customer_id, frozenDays: days(pool.frozen_until) },
    ledger: ledger.map((e) => ({ kind: e.kind, amount: e.amount_fen === -r.bill_total_fen && e.kind === 'final_bill' ? '-bill' : e.amount_fen === -r.refund_fen ? '-refund' : e.amount_fen, key: e.idempotency_key.replace(requestId, 'R'), own: e.account_id === line.account_id })),
    steps: steps.map((x) => ({ step: x.step, status: x.status, attempts: x.attempts, error: x.last_error, answered: x.result !== null })),
    events: events.map((e) => `${e.from_status ?? ''}>${e.to_status} ${e.actor_kind}${e.note ? ` ${e.note}` : ''}`),
    // The opening entry carries the line's own quote; the worker's entries are the execution's.
    audit: audit.map((a) => ({ action: a.action, actor: a.actor_kind, ...(a.actor_kind === 'worker' ? { details: a.details } : {}) })),
    esim: esim.map((e) => e.event),
    lastNotices: notices.map((n) => ({ key: (n.idempotency_key ?? '').replace(requestId, 'R'), text: n.text === noticeText ? 'the line\'s own' : n.text })),
  };
}

const balances = async (accountIds: string[]) =>
  new Map((await db().selectFrom('billing_accounts').select(['id', 'cash_balance_fen']).where('id', 'in', accountIds).execute()).map((a) => [a.id, a.cash_balance_fen]));

test('a line whose money check stops it needs attention alone; the rest of the chunk completes', async () => {
  const fresh = await freshFleetLines(s.t.ctx, 100);
  const withAccount = await db().selectFrom('lines').select(['id', 'account_id', 'carrier']).where('id', 'in', fresh.map((l) => l.id)).execute();
  const carriers = [...new Set(withAccount.map((l) => l.carrier))];
  assert.ok(carriers.length >= 2, 'lines of two carriers');
  const drained = withAccount.find((l) => l.carrier === carriers[0])!.account_id;
  const chosen = [...withAccount.filter((l) => l.account_id === drained).slice(0, 2), ...withAccount.filter((l) => l.carrier !== carriers[0]).slice(0, 4)];
  const ids = await approvedRequests(fresh.filter((l) => chosen.some((c) => c.id === l.id)));
  const billed = await db().selectFrom('cancellation_requests as r').innerJoin('lines as l', 'l.id', 'r.line_id').select(['r.id', 'l.account_id', 'r.bill_total_fen']).where('r.id', 'in', ids).execute();
  const stopped = billed.filter((r) => r.account_id === drained && r.bill_total_fen > 0).map((r) => r.id);
  assert.ok(stopped.length >= 1, 'a billed line on the drained account');
  // The account's cash went elsewhere after the dry run: its final bills cannot be taken.
  const { cash_balance_fen: cash } = await db().selectFrom('billing_accounts').select('cash_balance_fen').where('id', '=', drained).executeTakeFirstOrThrow();
  await db().updateTable('billing_accounts').set({ cash_balance_fen: 0 }).where('id', '=', drained).execute();

  const outcomes = await executeFleetChunk(s.t.ctx, ids);
  for (const id of ids) {
    const snap = await snapshot(id);
    if (stopped.includes(id)) {
      assert.equal(outcomes.get(id), 'needs_attention');
      assert.equal(snap.request.status, 'needs_attention');
      assert.equal(snap.request.attention, 'final_bill_exceeds_balance');
      assert.equal(snap.line.status, 'active', 'the network step never ran');
      assert.deepEqual(snap.ledger, [], 'nothing taken');
      assert.equal(snap.steps.find((x) => x.step === 'final_bill')?.status, 'failed');
    } else {
      assert.equal(outcomes.get(id), 'completed');
      assert.equal(snap.request.status, 'completed');
    }
  }
  assert.equal((await balances([drained])).get(drained), 0, 'the balance never went below zero');
  await db().updateTable('billing_accounts').set({ cash_balance_fen: cash }).where('id', '=', drained).execute(); // for the next tests' quotes
});

test('a chunk in bulk writes for each line what the single path writes', async () => {
  const lines = await freshFleetLines(s.t.ctx, 16);
  const ids = await approvedRequests(lines);
  assert.equal(ids.length, 16);
  const accounts = [...new Set((await db().selectFrom('lines').select('account_id').where('id', 'in', lines.map((l) => l.id)).execute()).map((l) => l.account_id))];
  const before = await balances(accounts);
  // Every other line through each path, so both see physical and eSIM lines alike.
  const single = ids.filter((_, i) => i % 2 === 0);
  const bulk = ids.filter((_, i) => i % 2 === 1);
  for (const id of single) assert.equal(await executeCancellation(s.t.ctx, id), 'completed');
  const outcomes = await executeFleetChunk(s.t.ctx, bulk);
  assert.deepEqual([...outcomes.values()], bulk.map(() => 'completed'));

  const bySingle = new Map<string, Awaited<ReturnType<typeof snapshot>>>();
  for (const id of single) {
    const snap = await snapshot(id);
    bySingle.set(JSON.stringify(snap.kind), snap);
  }
  let compared = 0;
  for (const id of bulk) {
    const snap = await snapshot(id);
    assert.equal(snap.request.status, 'completed');
    assert.equal(snap.line.status, 'cancelled');
    assert.equal(snap.pool.state, 'frozen');
    assert.deepEqual(snap.lastNotices, snap.kind.sms ? [{ key: 'R:last_notice', text: 'the line\'s own' }] : [], 'the last notice, once, to a number that reads SMS');
    const twin = bySingle.get(JSON.stringify(snap.kind));
    if (!twin) continue;
    assert.deepEqual(snap, twin, 'the bulk line and a single-path line of the same kind are left alike');
    compared++;
  }
  assert.ok(compared >= bulk.length / 2, `${compared} bulk lines had a single-path twin`);

  // The money: each account gave exactly the bills (and refunds) of its lines, once.
  const after = await balances(accounts);
  const requests = await db().selectFrom('cancellation_requests as r').innerJoin('lines as l', 'l.id', 'r.line_id')
    .select(['l.account_id', 'r.bill_total_fen', 'r.refund_fen']).where('r.id', 'in', ids).execute();
  for (const a of accounts) {
    const owed = requests.filter((r) => r.account_id === a).reduce((sum, r) => sum + r.bill_total_fen + r.refund_fen, 0);
    assert.equal(before.get(a)! - after.get(a)!, owed, 'the account paid its lines\' bills and refunds once');
  }
});

test('two workers on the same chunk: each line completes once, its money moves once', async () => {
  const lines = await freshFleetLines(s.t.ctx, 8);
  const ids = await approvedRequests(lines);
  assert.equal(ids.length, 8, `8 lines (${lines.length} fresh)`);
  const [a, b] = await Promise.all([executeFleetChunk(s.t.ctx, ids), executeFleetChunk(s.t.ctx, ids)]);
  for (const id of ids) assert.ok(a.get(id) === 'completed' || b.get(id) === 'completed', 'one of the workers completed it');
  for (const id of ids) {
    const snap = await snapshot(id);
    assert.equal(snap.request.status, 'completed');
    assert.deepEqual(snap.events, ['>approved company_admin', 'approved>executing worker', 'executing>completed worker']);
    assert.equal(snap.ledger.filter((e) => e.kind === 'final_bill').length, snap.kind.bill ? 1 : 0);
    assert.deepEqual(snap.steps.filter((x) => x.status === 'done').map((x) => x.attempts).filter((n) => n !== 1), [], 'each step marked done once');
  }
});
