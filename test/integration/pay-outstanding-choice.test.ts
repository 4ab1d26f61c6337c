// "Pay now" as the portal confirms it: the quote says what each choice charges (online, or the cash
// balance offset first), and paying with the wallet the subscriber picked charges exactly that amount
// through that wallet.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { subscriberFor } from '../helpers/api.ts';
import type { PaymentSimulator } from '../../src/adapters/payments.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
const signedIn = new Map<string, ReturnType<typeof subscriberFor>>();
/** One signed-in client per scenario (the SMS code is rate-limited per number). */
function as(scenario: string) {
  if (!signedIn.has(scenario)) signedIn.set(scenario, subscriberFor(t.app, scenario));
  return signedIn.get(scenario)!;
}
after(async () => {
  await t?.close();
  await dropTemplate();
});

test('the quote prices "pay now" and the chosen wallet is charged that amount', async () => {
  const { api, who } = await as('arrears');
  const line = who.lines.find((l) => l.msisdn === who.msisdn)!;
  const q = await api.post('cancellations/quote', { lineId: line.id });
  assert.equal(q.status, 200);
  const arrears = q.body.blockers.find((b: { code: string }) => b.code === 'arrears');
  assert.ok(arrears, 'the arrears scenario is blocked by arrears');
  assert.ok(q.body.payment, 'the quote says what paying costs');
  assert.equal(q.body.payment.online.dueFen, arrears.params.totalFen);
  assert.equal(q.body.payment.online.offsetFen, 0);
  assert.equal(q.body.payment.online.chargeFen, q.body.payment.online.dueFen + q.body.payment.online.shortfallFen);

  const payments = t.ctx.adapters.payments as PaymentSimulator;
  const before = payments.charges.length;
  const paid = await api.post('billing/pay-arrears', { lineId: line.id, method: 'online', wallet: 'alipay' });
  assert.equal(paid.status, 200, JSON.stringify(paid.body));
  assert.equal(paid.body.paidFen, q.body.payment.online.chargeFen);
  const charge = payments.charges.at(-1)!;
  assert.equal(payments.charges.length, before + 1);
  assert.equal(charge.method, 'alipay');
  assert.equal(charge.amountFen, q.body.payment.online.chargeFen);

  const afterPay = await api.post('cancellations/quote', { lineId: line.id });
  assert.equal(afterPay.body.blockers.some((b: { code: string }) => b.code === 'arrears'), false);
});

test('a wallet the payment adapter does not offer online is a 400, not a charge', async () => {
  const { api, who } = await as('arrears');
  const line = who.lines.find((l) => l.msisdn === who.msisdn)!;
  const res = await api.post('billing/pay-arrears', { lineId: line.id, wallet: 'store_cash' });
  assert.equal(res.status, 400);
});

test('a line with nothing owed has no payment in its quote', async () => {
  const { api, who } = await as('clean_physical');
  const line = who.lines.find((l) => l.msisdn === who.msisdn)!;
  const q = await api.post('cancellations/quote', { lineId: line.id });
  assert.equal(q.status, 200);
  assert.equal(q.body.payment, null);
});
