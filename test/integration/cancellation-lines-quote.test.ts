// "My lines" and the cancellation quote, through the HTTP API: every line under the person's ID,
// masked identifiers, finding a line, and one scenario per condition the quote knows, with the money
// checked against the database rows.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { ApiClient, subscriberFor, type DemoSubscriber } from '../helpers/api.ts';
import { checkIccid, checkMsisdn } from '../../src/identifiers/index.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t?.close();
  await dropTemplate();
});

const signedIn = new Map<string, Promise<{ api: ApiClient; who: DemoSubscriber }>>();
/** One signed-in, real-name-verified client per scenario, shared by the tests of this file. */
function as(scenario: string) {
  if (!signedIn.has(scenario)) signedIn.set(scenario, subscriberFor(t.app, scenario));
  return signedIn.get(scenario)!;
}
const mainLine = (who: DemoSubscriber) => who.lines.find((l) => l.msisdn === who.msisdn)!;

/** The calendar date in China (UTC+8), as the carrier bills it. */
function chinaToday(): { y: number; m: number; d: number; iso: string } {
  const iso = new Date(t.ctx.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  const [y, m, d] = iso.split('-').map(Number);
  return { y, m, d, iso };
}

/** What the final bill and the refund must be, worked out from the line and account rows. */
async function moneyFromDb(lineId: string, opts: { penaltyFen?: number } = {}) {
  const line = await t.ctx.db.selectFrom('lines').selectAll().where('id', '=', lineId).executeTakeFirstOrThrow();
  const account = await t.ctx.db.selectFrom('billing_accounts').selectAll().where('id', '=', line.account_id).executeTakeFirstOrThrow();
  const { y, m, d } = chinaToday();
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const monthlyShare = Math.round((line.monthly_fee_fen * d) / daysInMonth);
  const bill = line.usage_to_date_fen + monthlyShare + (opts.penaltyFen ?? 0);
  return { line, account, monthlyShare, bill, refund: Math.max(0, account.cash_balance_fen - bill) };
}

const codes = (q: { blockers: Array<{ code: string }> }) => q.blockers.map((b) => b.code);
const blocker = (q: any, code: string) => q.blockers.find((b: any) => b.code === code);

async function quote(api: ApiClient, lineId: string, acceptPenalty = false) {
  const r = await api.post('cancellations/quote', { lineId, ...(acceptPenalty ? { acceptPenalty } : {}) });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

describe('my lines', () => {
  test('every line registered under the ID is listed, at every carrier, with ICCID and IMSI masked', async () => {
    const { api, who } = await as('multi_line');
    const r = await api.get('me/lines');
    assert.equal(r.status, 200);
    const lines = r.body.lines as any[];
    assert.deepEqual(lines.map((l) => l.msisdn).sort(), ['+8613800138010', '+8618600138010', '+8618900138010']);
    assert.deepEqual(new Set(lines.map((l) => l.carrier)), new Set(['cmcc', 'cucc', 'ctcc']));
    assert.deepEqual(new Set(lines.map((l) => l.carrierName.en)), new Set(['China Mobile', 'China Unicom', 'China Telecom']));

    const rows = await t.ctx.db.selectFrom('lines').select(['id', 'iccid', 'imsi']).where('id', 'in', who.lines.map((l) => l.id)).execute();
    const text = JSON.stringify(r.body);
    for (const row of rows) {
      const shown = lines.find((l) => l.id === row.id);
      assert.ok(shown, 'every line of the person is listed');
      assert.ok(!text.includes(row.iccid), 'the full ICCID is never sent');
      assert.ok(!text.includes(row.imsi), 'the full IMSI is never sent');
      assert.match(shown.maskedIccid, /\*{4,}/);
      assert.equal(shown.maskedIccid.slice(0, 6), row.iccid.slice(0, 6));
      assert.equal(shown.maskedIccid.slice(-4), row.iccid.slice(-4));
      assert.equal(shown.maskedIccid.length, row.iccid.length);
      assert.match(shown.maskedImsi, /\*{4,}/);
      assert.equal(shown.maskedImsi.slice(-4), row.imsi.slice(-4));
    }
  });

  test('a line is found by its number, its IMSI or its ICCID', async () => {
    const { api, who } = await as('multi_line');
    const unicom = who.lines.find((l) => l.msisdn === '+8618600138010')!;
    const row = await t.ctx.db.selectFrom('lines').select(['imsi', 'iccid']).where('id', '=', unicom.id).executeTakeFirstOrThrow();
    for (const q of ['186 0013 8010', '+86 186-0013-8010', row.imsi, row.iccid]) {
      const r = await api.post('me/lines/find', { q });
      assert.equal(r.status, 200, `${q}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.line.id, unicom.id, q);
      assert.equal(r.body.line.carrier, 'cucc');
    }
  });

  test('a mistyped identifier gets the identifier check\'s own message (400)', async () => {
    const { api, who } = await as('multi_line');
    const iccid = who.lines[0].iccid;
    const badIccid = iccid.slice(0, 18) + String((Number(iccid[18]) + 5) % 10); // 19 digits, wrong check digit
    const cases: Array<[string, ReturnType<typeof checkMsisdn>]> = [
      ['1380013801', checkMsisdn('1380013801')],
      [badIccid, checkIccid(badIccid)],
    ];
    for (const [q, expected] of cases) {
      assert.equal(expected.valid, false, `precondition: ${q} is invalid`);
      const r = await api.post('me/lines/find', { q });
      assert.equal(r.status, 400, q);
      assert.equal(r.body.error.code, 'invalid_identifier');
      assert.equal(r.body.error.message, expected.errors[0].message);
    }
  });

  test('someone else\'s line is not found (404), whatever the route', async () => {
    const { api } = await as('multi_line');
    const { who: other } = await as('clean_physical');
    const theirs = mainLine(other);
    const find = await api.post('me/lines/find', { q: other.msisdn });
    assert.equal(find.status, 404);
    assert.equal(find.body.error.code, 'not_found');
    const q = await api.post('cancellations/quote', { lineId: theirs.id });
    assert.equal(q.status, 404);
    const pay = await api.post('billing/pay-arrears', { lineId: theirs.id });
    assert.equal(pay.status, 404);
    const fwd = await api.post('partners/forward', { lineId: theirs.id });
    assert.equal(fwd.status, 404);
  });
});

describe('quote: one scenario per condition', () => {
  test('arrears: blocked with the overdue charge, cleared by paying online', async () => {
    const { api, who } = await as('arrears');
    const line = mainLine(who);
    const { account } = await moneyFromDb(line.id);
    const days = Math.round((Date.parse(`${chinaToday().iso}T00:00:00Z`) - Date.parse(`${account.arrears_since}T00:00:00Z`)) / 86_400_000);
    const overdue = Math.round((account.arrears_fen * 3 * days) / 1000);

    const q = await quote(api, line.id);
    assert.equal(q.eligible, false);
    const b = blocker(q, 'arrears');
    assert.ok(b, JSON.stringify(q.blockers));
    assert.equal(b.remedyAction, 'pay_outstanding');
    assert.equal(b.params.arrearsFen, 5830);
    assert.equal(b.params.overdueFen, overdue);
    assert.equal(b.params.totalFen, 5830 + overdue);

    const paid = await api.post('billing/pay-arrears', { lineId: line.id });
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    const after = await quote(api, line.id);
    assert.equal(blocker(after, 'arrears'), undefined);
    assert.equal(after.eligible, true, JSON.stringify(after.blockers));
    const acc = await t.ctx.db.selectFrom('billing_accounts').select(['arrears_fen']).where('id', '=', account.id).executeTakeFirstOrThrow();
    assert.equal(acc.arrears_fen, 0);
  });

  test('contract lock-in: accepting the penalty puts it in the bill and makes the line eligible', async () => {
    const { api, who } = await as('contract_lock_in');
    const line = mainLine(who);
    const { line: row } = await moneyFromDb(line.id);
    const today = chinaToday();
    const [y2, m2, d2] = row.contract_end!.split('-').map(Number);
    const months = (y2 - today.y) * 12 + (m2 - today.m) + (d2 > today.d ? 1 : 0);
    const penalty = Math.round((months * row.monthly_fee_fen * 30) / 100);

    const q = await quote(api, line.id);
    const b = blocker(q, 'contract_lock_in');
    assert.ok(b, JSON.stringify(q.blockers));
    assert.equal(b.remedyAction, 'accept_penalty');
    assert.equal(q.penalty.amountFen, penalty);
    assert.equal(q.penalty.accepted, false);
    assert.ok(!q.bill.items.some((i: any) => i.code === 'penalty'));

    let accepted = await quote(api, line.id, true);
    assert.equal(blocker(accepted, 'contract_lock_in'), undefined);
    assert.equal(accepted.penalty.accepted, true);
    assert.deepEqual(accepted.bill.items.find((i: any) => i.code === 'penalty').amountFen, penalty);
    assert.equal(accepted.bill.totalFen, q.bill.totalFen + penalty);
    if (codes(accepted).includes('final_bill_shortfall')) {
      // The penalty is more than the balance: pay the difference, as the remedy says.
      const paid = await api.post('billing/pay-arrears', { lineId: line.id, acceptPenalty: true });
      assert.equal(paid.status, 200, JSON.stringify(paid.body));
      accepted = await quote(api, line.id, true);
    }
    assert.equal(accepted.eligible, true, JSON.stringify(accepted.blockers));
    const money = await moneyFromDb(line.id, { penaltyFen: penalty });
    assert.equal(accepted.bill.totalFen, money.bill);
    assert.equal(accepted.refund.refundableFen, money.refund);

    const submit = await api.post('cancellations', {
      lineId: line.id, quoteVersion: accepted.version, acknowledgements: accepted.requiredAcknowledgements, confirmLast4: who.msisdn.slice(-4),
      refundRoute: { type: 'original' }, acceptPenalty: true,
    }, { 'idempotency-key': crypto.randomUUID() });
    assert.equal(submit.status, 201, JSON.stringify(submit.body));
    const stored = await t.ctx.db.selectFrom('cancellation_requests').select(['bill_total_fen']).where('id', '=', submit.body.id).executeTakeFirstOrThrow();
    assert.equal(stored.bill_total_fen, money.bill);
  });

  test('bundle primary: blocked while secondary cards are live', async () => {
    const { api, who } = await as('bundle_primary');
    const q = await quote(api, mainLine(who).id);
    assert.equal(q.eligible, false);
    const b = blocker(q, 'bundle_primary');
    assert.ok(b);
    assert.equal(b.params.secondaries, 2);
    assert.match(b.remedy, /secondary/);
  });

  test('port-out pending: blocked', async () => {
    const { api, who } = await as('port_out_pending');
    const q = await quote(api, mainLine(who).id);
    assert.deepEqual(codes(q).filter((c) => c !== 'final_bill_shortfall'), ['port_out_pending']);
    assert.equal(q.eligible, false);
  });

  test('lost or suspended: blocked online, with "visit a store" as the remedy', async () => {
    const { api, who } = await as('lost_or_suspended');
    const q = await quote(api, mainLine(who).id);
    const b = blocker(q, 'lost_or_suspended');
    assert.ok(b);
    assert.equal(b.remedyAction, 'visit_store');
    assert.equal(b.params.status, 'lost');
    assert.equal(q.eligible, false);
  });

  test('MVNO line: the seller and its hotline are shown; forwarding gives a ticket, once', async () => {
    const { api, who } = await as('mvno');
    const line = mainLine(who);
    const q = await quote(api, line.id);
    const b = blocker(q, 'mvno_line');
    assert.ok(b);
    assert.equal(b.remedyAction, 'forward_to_mvno');
    assert.match(b.remedy, /4006-171-171/);
    assert.deepEqual(q.seller, { code: 'ali_comm', name: 'Alibaba Communications', hotline: '4006-171-171', acceptsForwarded: true, forwardedTicket: null });

    const first = await api.post('partners/forward', { lineId: line.id });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.ok(first.body.ticket);
    assert.equal(first.body.hotline, '4006-171-171');
    const second = await api.post('partners/forward', { lineId: line.id });
    assert.equal(second.status, 200);
    assert.equal(second.body.ticket, first.body.ticket);
    const rows = await t.ctx.db.selectFrom('partner_forwards').select('ticket').where('line_id', '=', line.id).execute();
    assert.deepEqual(rows.map((r) => r.ticket), [first.body.ticket]);

    const after = await quote(api, line.id);
    assert.equal(after.seller.forwardedTicket, first.body.ticket);
    assert.equal(blocker(after, 'mvno_line').remedyAction, null, 'nothing left to forward');
    assert.equal(after.eligible, false, 'the MVNO cancels it, not us');
  });

  test('a store-only ("lucky") number: blocked online, with "visit a store" as the remedy', async () => {
    const { api, who } = await as('lucky_number');
    const q = await quote(api, mainLine(who).id);
    const b = blocker(q, 'store_only_number');
    assert.ok(b);
    assert.equal(b.remedyAction, 'visit_store');
    assert.equal(q.eligible, false);
  });

  test('a deceased owner\'s line and a company line: blocked online, the documents are checked in a store', async () => {
    for (const [scenario, code] of [['deceased_owner', 'deceased_owner'], ['company', 'company_line']] as const) {
      const { api, who } = await as(scenario);
      const q = await quote(api, mainLine(who).id);
      const b = blocker(q, code);
      assert.ok(b, `${scenario}: ${JSON.stringify(q.blockers)}`);
      assert.equal(b.remedyAction, 'visit_store');
      assert.equal(q.eligible, false);
    }
  });

  test('companion devices and an eSIM profile are warnings that must be acknowledged', async () => {
    const { api: watchApi, who: watchOwner } = await as('companion_devices');
    const w = await quote(watchApi, mainLine(watchOwner).id);
    const companion = w.warnings.find((x: any) => x.code === 'companion_devices');
    assert.ok(companion);
    assert.equal(companion.requiresAcknowledgement, true);
    assert.match(companion.message, /Apple Watch Series 11/);
    assert.ok(w.requiredAcknowledgements.includes('companion_devices'));
    assert.ok(w.acknowledgementTexts.companion_devices);

    const { api: esimApi, who: esimOwner } = await as('clean_esim');
    const e = await quote(esimApi, mainLine(esimOwner).id);
    const esim = e.warnings.find((x: any) => x.code === 'esim_profile');
    assert.ok(esim);
    assert.equal(esim.requiresAcknowledgement, true);
    assert.deepEqual(e.requiredAcknowledgements, ['data_backup', 'unbind_accounts', 'number_frozen', 'esim_profile']);
  });

  test('promotional credit is shown but not refunded; the refund is cash minus the final bill, exactly', async () => {
    const { api, who } = await as('clean_physical');
    const line = mainLine(who);
    const q = await quote(api, line.id);
    const money = await moneyFromDb(line.id);
    const promo = q.warnings.find((x: any) => x.code === 'promotional_credit');
    assert.ok(promo);
    assert.equal(promo.requiresAcknowledgement, false);
    assert.match(promo.message, /¥10\.00/);
    assert.ok(!q.requiredAcknowledgements.includes('promotional_credit'));
    assert.equal(q.refund.promotionalCreditFen, money.account.promo_credit_fen);
    assert.equal(q.refund.cashBalanceFen, money.account.cash_balance_fen);
    assert.equal(q.bill.totalFen, money.bill);
    assert.equal(q.refund.refundableFen, money.refund);

    // A line whose cash covers the bill (the proxy scenario: ¥66.50 on an ¥8 plan) refunds the difference.
    const { api: api2, who: who2 } = await as('proxy');
    const q2 = await quote(api2, mainLine(who2).id);
    const m2 = await moneyFromDb(mainLine(who2).id);
    assert.deepEqual(q2.bill.items.map((i: any) => [i.code, i.amountFen]), [['usage', m2.line.usage_to_date_fen], ['monthly_fee_prorata', m2.monthlyShare]]);
    assert.equal(q2.bill.totalFen, m2.bill);
    assert.ok(m2.refund > 0);
    assert.equal(q2.refund.refundableFen, m2.account.cash_balance_fen - m2.bill);
    assert.equal(q2.eligible, true, JSON.stringify(q2.blockers));
  });

  test('messages follow Accept-Language (zh-CN or en); the quote version does not', async () => {
    const { api, who } = await as('lost_or_suspended');
    const lineId = mainLine(who).id;
    api.lang = 'zh-CN';
    const zh = await quote(api, lineId);
    api.lang = 'en';
    const en = await quote(api, lineId);
    assert.equal(zh.version, en.version);
    assert.equal(blocker(zh, 'lost_or_suspended').message, '该号码已挂失。');
    assert.equal(blocker(en, 'lost_or_suspended').message, 'The line is reported lost.');
    assert.match(zh.acknowledgementTexts.unbind_accounts, /微信/);
    assert.match(en.acknowledgementTexts.unbind_accounts, /WeChat/);
    assert.match(zh.refund.note, /赠送余额不予退还/);
    assert.equal(zh.bill.items[0].label, '本月已产生话费');
    assert.equal(en.bill.items[0].label, 'Usage to date');
  });
});
