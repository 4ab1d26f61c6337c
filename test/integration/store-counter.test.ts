// The counter's new steps: whoever applies for the owner (proxy, heir, company representative) gives
// a name, an ID number and a relationship, stored masked and sealed; a cash refund is confirmed as
// handed over once it is paid out, once, with its audit entry.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import QRCode from 'qrcode';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { ApiClient, demoAccounts, staffFor } from '../helpers/api.ts';

let t: TestApp;
let clerk: ApiClient;
let accounts: Awaited<ReturnType<typeof demoAccounts>>;
let signature = '';
const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('JFIF agent id'), Buffer.from([0xff, 0xd9])]).toString('base64');
const pdf = Buffer.from('%PDF-1.4\n% authorisation\n%%EOF\n').toString('base64');

before(async () => {
  t = await startTestApp();
  clerk = await staffFor(t.app, 'clerk');
  accounts = await demoAccounts(t.app);
  signature = (await QRCode.toBuffer('signature', { type: 'png' })).toString('base64');
});
after(async () => {
  await t?.close();
  await dropTemplate();
});

function scenario(name: string) {
  const s = accounts.subscribers.find((x) => x.scenario === name) as any;
  assert.ok(s, name);
  return { s, line: s.lines.find((l: any) => l.msisdn === s.msisdn) };
}

async function eligibleQuote(lineId: string) {
  let q = await clerk.post('store/quote', { lineId });
  if (!q.body.eligible) {
    await clerk.post('store/pay', { lineId, method: 'store_cash' });
    q = await clerk.post('store/quote', { lineId });
  }
  assert.equal(q.body.eligible, true, JSON.stringify(q.body.blockers));
  return q.body;
}

function body(name: string, quote: any, extra: Record<string, unknown>) {
  const { s, line } = scenario(name);
  return {
    lineId: line.id, quoteVersion: quote.version, iccidScanned: line.iccid,
    identityCheck: { idNumber: s.idNumber, faceMatched: true },
    mandate: { type: 'owner' }, acknowledgements: quote.requiredAcknowledgements, refundRoute: { type: 'cash' }, signaturePng: signature,
    ...extra,
  };
}

async function waitFor(id: string, status: string) {
  for (let i = 0; i < 150; i++) {
    const r = await clerk.get(`store/cancellations/${id}`);
    if (r.body.status === status) return r.body;
    await new Promise((ok) => setTimeout(ok, 200));
  }
  assert.fail(`${id} never became ${status}`);
}

describe('the applicant of a mandate', () => {
  test('a proxy must give the agent\'s name, ID number and relationship; they are kept masked, the name sealed', async () => {
    const { s, line } = scenario('proxy');
    const quote = await eligibleQuote(line.id);
    const documents = [{ kind: 'agent_id', contentBase64: jpeg }, { kind: 'authorisation_letter', contentBase64: pdf }];
    const without = await clerk.post('store/cancellations', body('proxy', quote, { mandate: { type: 'proxy', documents } }));
    assert.equal(without.status, 400, JSON.stringify(without.body));
    assert.equal(without.body.error.code, 'validation_failed');
    assert.deepEqual(without.body.error.details.missing, ['applicantName', 'applicantIdNumber', 'relationship']);
    const noRelation = await clerk.post('store/cancellations', body('proxy', quote, { mandate: { type: 'proxy', documents, applicantName: '王代办', applicantIdNumber: s.applicant.idNumber } }));
    assert.deepEqual(noRelation.body.error.details.missing, ['relationship']);

    const ok = await clerk.post('store/cancellations', body('proxy', quote, {
      mandate: { type: 'proxy', documents, applicantName: '王代办', applicantIdNumber: s.applicant.idNumber, relationship: '朋友' },
    }));
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    const view = await clerk.get(`store/cancellations/${ok.body.id}`);
    assert.deepEqual({ name: view.body.applicant.maskedName, relationship: view.body.applicant.relationship }, { name: '王**', relationship: '朋友' });
    assert.match(view.body.applicant.maskedIdNumber, /^\d{4}\*+[\dX]{4}$/);
    assert.ok(!JSON.stringify(view.body).includes('王代办'), 'staff see the name masked');
    const row = await t.ctx.db.selectFrom('cancellation_requests').select('details').where('id', '=', ok.body.id).executeTakeFirstOrThrow();
    const stored = JSON.stringify(row.details);
    assert.ok(!stored.includes('王代办'), 'the name is not stored in clear');
    assert.equal(t.ctx.vault.decrypt((row.details as any).applicant.nameEnc), '王代办', 'the sealed name opens with the vault');
  });

  test('the owner applying needs none of it', async () => {
    const { line } = scenario('clean_physical');
    const quote = await eligibleQuote(line.id);
    const r = await clerk.post('store/cancellations', body('clean_physical', quote, {}));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    cashRequestId = r.body.id;
  });
});

let cashRequestId = '';

describe('a cash refund handed over', () => {
  test('confirmed once the refund is paid out, recorded once, audited', async () => {
    assert.ok(cashRequestId);
    const done = await waitFor(cashRequestId, 'completed');
    assert.ok(done.refundFen > 0, 'this request refunds cash');
    assert.deepEqual({ due: done.cashHandOver.due, at: done.cashHandOver.handedOverAt }, { due: true, at: null });

    const first = await clerk.post(`store/cancellations/${cashRequestId}/cash-handed-over`);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.alreadyRecorded, false);
    assert.equal(first.body.amountFen, done.refundFen);
    const again = await clerk.post(`store/cancellations/${cashRequestId}/cash-handed-over`);
    assert.equal(again.body.alreadyRecorded, true);
    assert.equal(again.body.handedOverAt, first.body.handedOverAt, 'the first confirmation stands');

    const view = await clerk.get(`store/cancellations/${cashRequestId}`);
    assert.equal(view.body.cashHandOver.handedOverAt, first.body.handedOverAt);
    assert.ok(view.body.cashHandOver.handedOverBy, 'the clerk is named');
    const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'details']).where('request_id', '=', cashRequestId).where('action', '=', 'store.cash_handed_over').execute();
    assert.equal(audit.length, 1);
    assert.equal((audit[0].details as any).amountFen, done.refundFen);

    const reviewer = await staffFor(t.app, 'reviewer');
    assert.equal((await reviewer.post(`store/cancellations/${cashRequestId}/cash-handed-over`)).status, 403, 'only a clerk hands over cash');
  });

  test('a request without a cash refund has nothing to hand over', async () => {
    const { line } = scenario('clean_esim');
    const quote = await eligibleQuote(line.id);
    const r = await clerk.post('store/cancellations', { ...body('clean_esim', quote, { refundRoute: { type: 'original' } }), iccidScanned: undefined, esimProfileDeleted: true });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const refused = await clerk.post(`store/cancellations/${r.body.id}/cash-handed-over`);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.details.reason, 'no_cash_refund');
  });
});
