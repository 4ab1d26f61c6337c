// In-store cancellation end to end, through the HTTP API, on a cloned demo database with the job
// queue and simulators running: the clerk finds the customer, quotes, takes payment at the counter,
// checks the card, the identity and the mandate's documents, the customer signs, and the request is
// carried out on the spot and ends with a certificate. One test per variant of the issue.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { ApiClient, demoAccounts, staffFor } from '../helpers/api.ts';
import { signaturePng } from '../helpers/png.ts';
import { canonicalJson } from '../../src/shared/canonical-json.ts';
import { readInfoString } from '../../src/certificates/pdf-info.ts';

let t: TestApp;
let clerk: ApiClient;
let accounts: Awaited<ReturnType<typeof demoAccounts>>;
before(async () => {
  t = await startTestApp();
  clerk = await staffFor(t.app, 'clerk');
  accounts = await demoAccounts(t.app);
});
after(async () => {
  await t?.close();
  await dropTemplate();
});

const SIGNATURE = signaturePng().toString('base64');
const fakeJpeg = (label: string) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(`JFIF scan of ${label}`), Buffer.from([0xff, 0xd9])]);
const fakePdf = (label: string) => Buffer.from(`%PDF-1.4\n% scan of ${label}\n%%EOF\n`);
const doc = (kind: string, bytes: Buffer) => ({ kind, name: `${kind}.bin`, contentBase64: bytes.toString('base64') });

function scenario(name: string) {
  const s = accounts.subscribers.find((x) => x.scenario === name) as any;
  assert.ok(s, `demo scenario ${name}`);
  const line = s.lines.find((l: any) => l.msisdn === s.msisdn);
  return { s, line };
}

async function waitForStore(id: string, statuses = ['completed', 'needs_attention'], timeoutMs = 30_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await clerk.get(`store/cancellations/${id}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    if (statuses.includes(r.body.status)) return r.body;
    if (Date.now() > until) throw new Error(`request ${id} stayed ${r.body.status}: ${JSON.stringify(r.body)}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

interface CounterOptions {
  mandate?: { type: string; documents?: unknown[]; applicantIdNumber?: string; applicantName?: string; relationship?: string };
  iccidScanned?: string | null;
  esimProfileDeleted?: boolean;
  acceptPenalty?: boolean;
  payMethod?: 'store_cash' | 'store_pos';
  refundRoute?: Record<string, unknown>;
  lang?: 'zh-CN' | 'en';
}

/** Quote (paying at the counter whatever stands in the way), then submit with every check passing. */
async function cancelAtCounter(name: string, o: CounterOptions = {}) {
  const { s, line } = scenario(name);
  let quote = await clerk.post('store/quote', { lineId: line.id, ...(o.acceptPenalty ? { acceptPenalty: true } : {}) });
  assert.equal(quote.status, 200, JSON.stringify(quote.body));
  let paid = null;
  if (quote.body.blockers.some((b: any) => b.code === 'arrears' || b.code === 'final_bill_shortfall')) {
    paid = await clerk.post('store/pay', { lineId: line.id, method: o.payMethod ?? 'store_cash', ...(o.acceptPenalty ? { acceptPenalty: true } : {}) });
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    quote = await clerk.post('store/quote', { lineId: line.id, ...(o.acceptPenalty ? { acceptPenalty: true } : {}) });
  }
  assert.equal(quote.body.eligible, true, JSON.stringify(quote.body.blockers));
  const submit = await clerk.post('store/cancellations', {
    lineId: line.id,
    quoteVersion: quote.body.version,
    ...(o.iccidScanned === null ? {} : { iccidScanned: o.iccidScanned ?? line.iccid }),
    ...(o.esimProfileDeleted !== undefined ? { esimProfileDeleted: o.esimProfileDeleted } : {}),
    identityCheck: { idNumber: s.idNumber, faceMatched: true },
    mandate: o.mandate ?? { type: 'owner' },
    acknowledgements: quote.body.requiredAcknowledgements,
    refundRoute: o.refundRoute ?? { type: 'cash' },
    signaturePng: SIGNATURE,
    ...(o.acceptPenalty ? { acceptPenalty: true } : {}),
    ...(o.lang ? { lang: o.lang } : {}),
  });
  assert.equal(submit.status, 201, JSON.stringify(submit.body));
  return { s, line, quote: quote.body, paid, submit: submit.body };
}

/** The request completed with a certificate, the line is cancelled, the agreement is intact. */
async function assertCompleted(id: string, lineId: string, who: any) {
  const done = await waitForStore(id);
  assert.equal(done.status, 'completed', JSON.stringify(done));
  assert.deepEqual(done.timeline.map((e: any) => e.status), ['approved', 'executing', 'completed']);
  assert.match(done.certificateSerial, /^ZX-CMCC-\d{8}-\d{6}-[A-Z]$/);
  assert.ok(done.steps.every((s: any) => s.status === 'done' || s.status === 'skipped'), JSON.stringify(done.steps));
  const cert = await clerk.get(`certificates/${done.certificateSerial}.pdf`);
  assert.equal(cert.status, 200);
  assert.equal(cert.raw.subarray(0, 5).toString(), '%PDF-');
  // A serial alone shows nothing to the public (the QR code's verification code is needed); staff see it all.
  const verify = await clerk.get(`certificates/${done.certificateSerial}/verify`);
  assert.equal(verify.body.valid, true);
  const line = await t.ctx.db.selectFrom('lines').select('status').where('id', '=', lineId).executeTakeFirstOrThrow();
  assert.equal(line.status, 'cancelled');

  // The agreement: the PDF carries the hash, and the hash is the digest of the stored content.
  const pdf = await clerk.get(`store/cancellations/${id}/agreement.pdf`);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers['content-type'], 'application/pdf');
  assert.equal(pdf.raw.subarray(0, 5).toString(), '%PDF-');
  assert.equal(readInfoString(pdf.raw, 'Keywords'), `agreement-sha256:${done.agreement.hash}`);
  assert.match(pdf.raw.toString('latin1'), /\/Subtype \/Image/, 'the signature image is embedded');
  const stored = await t.ctx.db.selectFrom('store_agreements').selectAll().where('request_id', '=', id).executeTakeFirstOrThrow();
  assert.equal(crypto.createHash('sha256').update(canonicalJson(stored.content)).digest('hex'), done.agreement.hash);
  assert.equal((stored.content as any).signature.sha256, crypto.createHash('sha256').update(Buffer.from(SIGNATURE, 'base64')).digest('hex'));
  assert.ok(stored.signature_enc.startsWith('v1.') && !stored.signature_enc.includes(SIGNATURE.slice(0, 40)), 'the signature is sealed');
  // No ID number in clear anywhere around the request (the owner's or the applicant's).
  const request = await t.ctx.db.selectFrom('cancellation_requests').select(['details', 'quote', 'refund_route']).where('id', '=', id).executeTakeFirstOrThrow();
  const audit = await t.ctx.db.selectFrom('audit_log').select('details').where('request_id', '=', id).execute();
  const around = JSON.stringify([stored.content, request, audit]);
  for (const idNumber of [who.idNumber, who.applicant?.idNumber].filter(Boolean)) assert.ok(!around.includes(idNumber), 'an ID number is stored in clear');
  return { done, pdf: pdf.raw, agreement: stored.content as any };
}

function pdfText(pdf: Buffer): string | null {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
  } catch {
    return null;
  }
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'zx-agreement-')), 'a.pdf');
  fs.writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

describe('store cancellation', () => {
  test('owner in person: lookup, quote, cash refund at the counter, card returned, Chinese agreement', async () => {
    const { s, line } = scenario('clean_physical');
    const found = await clerk.post('store/customers/lookup', { idNumber: s.idNumber });
    assert.equal(found.status, 200, JSON.stringify(found.body));
    assert.ok(found.body.lines.some((l: any) => l.id === line.id && l.cancellableHere === true && l.outOfProvince === false));

    const r = await cancelAtCounter('clean_physical', { lang: 'zh-CN' });
    assert.equal(r.submit.status, 'approved');
    assert.ok(r.quote.refundRoutes.some((x: any) => x.type === 'cash'), 'cash at the counter is offered');
    const { done, pdf, agreement } = await assertCompleted(r.submit.id, line.id, r.s);
    assert.equal(done.agreement.hash, r.submit.agreementHash);
    assert.equal(done.cardReturn.returned, true);
    assert.equal(done.checks.iccidMatched, true);
    assert.equal(done.mandate, 'owner');
    assert.deepEqual(done.refundRoute, { type: 'cash' });
    assert.equal(agreement.lang, 'zh-CN');
    assert.equal(agreement.money.refundFen, done.refundFen);
    assert.equal(agreement.money.refundRoute.type, 'cash');
    assert.deepEqual(agreement.acknowledgements.map((a: any) => a.code), r.quote.requiredAcknowledgements);

    const card = await t.ctx.db.selectFrom('card_returns').selectAll().where('request_id', '=', r.submit.id).executeTakeFirstOrThrow();
    assert.equal(card.iccid, line.iccid);
    assert.equal(card.store_id, 'cmcc-bj-001');
    if (done.refundFen > 0) {
      const refund = await t.ctx.db.selectFrom('ledger_entries').selectAll().where('request_id', '=', r.submit.id).where('kind', '=', 'refund').executeTakeFirstOrThrow();
      assert.equal(refund.amount_fen, -done.refundFen);
    }
    const text = pdfText(pdf);
    if (text !== null) {
      assert.match(text, /移动电话号码注销协议/);
      assert.match(text, /营业厅现金退款/);
      assert.match(text, /138\*\*\*\*8001/);
      assert.ok(text.includes(done.agreement.hash));
      assert.ok(!text.includes(s.idNumber), 'the full ID number is not printed');
    }
    const history = await clerk.get('store/history');
    assert.equal(history.status, 200);
    assert.ok(history.body.items.some((i: any) => i.id === r.submit.id && i.maskedMsisdn === '138****8001'));
  });

  test('proxy: the agent brings an ID and an authorisation letter, stored sealed and readable by the clerk', async () => {
    const { s } = scenario('proxy');
    const agentId = fakeJpeg('agent id');
    const letter = fakePdf('authorisation');
    const r = await cancelAtCounter('proxy', {
      mandate: { type: 'proxy', applicantIdNumber: s.applicant.idNumber, applicantName: '王代办', relationship: '朋友', documents: [doc('agent_id', agentId), doc('authorisation_letter', letter)] },
      lang: 'en',
    });
    const { done, agreement, pdf } = await assertCompleted(r.submit.id, r.line.id, r.s);
    assert.equal(done.mandate, 'proxy');
    // The agreement names who signed for the owner: masked as on screen, with how they relate.
    assert.equal(agreement.format, 'zhuxiao-store-agreement/2');
    assert.equal(agreement.mandate.maskedApplicantName, '王**');
    assert.equal(agreement.mandate.relationship, '朋友');
    const text = pdfText(pdf);
    if (text !== null) {
      assert.match(text, /Applicant's name\s+王\*\*/);
      assert.match(text, /Relationship to the owner\s+朋友/);
      assert.ok(!text.includes('王代办'), 'the agent\'s full name is not printed');
    }
    assert.deepEqual(done.documents.map((d: any) => [d.kind, d.contentType]).sort(), [['agent_id', 'image/jpeg'], ['authorisation_letter', 'application/pdf']]);
    assert.match(agreement.mandate.maskedApplicantIdNumber, /^\d{4}\*+\d{3}[\dX]$/);
    assert.deepEqual(agreement.mandate.documents.map((d: any) => d.sha256).sort(), [agentId, letter].map((b) => crypto.createHash('sha256').update(b).digest('hex')).sort());

    const rows = await t.ctx.db.selectFrom('store_documents').selectAll().where('request_id', '=', r.submit.id).execute();
    assert.equal(rows.length, 2);
    for (const row of rows) assert.ok(row.content_enc.startsWith('v1.') && !row.content_enc.includes(agentId.toString('base64').slice(0, 12)), 'documents are sealed at rest');
    const jpeg = done.documents.find((d: any) => d.kind === 'agent_id');
    const got = await clerk.get(`store/cancellations/${r.submit.id}/documents/${jpeg.id}`);
    assert.equal(got.status, 200);
    assert.equal(got.headers['content-type'], 'image/jpeg');
    assert.deepEqual(got.raw, agentId);
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('request_id', '=', r.submit.id).execute();
    assert.ok(audit.some((a) => a.action === 'store.document_viewed'));
    assert.ok(audit.some((a) => a.action === 'store.agreement_signed'));
  });

  test('deceased owner: a relative with the death certificate and proof of relationship', async () => {
    const r = await cancelAtCounter('deceased_owner', {
      mandate: { type: 'deceased_owner', applicantIdNumber: '110105198707140488', applicantName: '钱丽', relationship: '女儿', documents: [doc('death_certificate', fakePdf('death certificate')), doc('relationship_proof', fakeJpeg('hukou'))] },
      refundRoute: { type: 'bank', bankAccount: '6222021234567890123', accountName: '钱丽', bankName: '中国工商银行' },
    });
    assert.equal(r.submit.status, 'approved');
    const { done, agreement } = await assertCompleted(r.submit.id, r.line.id, r.s);
    assert.equal(done.mandate, 'deceased_owner');
    assert.deepEqual(done.refundRoute, { type: 'bank', bankName: '中国工商银行', maskedAccount: '****0123' });
    assert.equal(agreement.money.refundRoute.detail, '中国工商银行 ****0123');
    assert.equal(agreement.owner.deceased, true);
    assert.deepEqual([agreement.mandate.maskedApplicantName, agreement.mandate.relationship], ['钱*', '女儿']);
  });

  test('company line: the representative brings the company letter; the ID checked is the business licence', async () => {
    const r = await cancelAtCounter('company', { mandate: { type: 'company', applicantIdNumber: '110105198707140488', applicantName: '赵经办', relationship: '公司员工', documents: [doc('company_letter', fakePdf('company letter with stamp'))] } });
    const { done, agreement } = await assertCompleted(r.submit.id, r.line.id, r.s);
    assert.equal(done.mandate, 'company');
    assert.equal(agreement.owner.kind, 'company');
    assert.equal(agreement.owner.idType, 'business_licence');
  });

  test('out of province: a Guangdong line is cancelled on the spot at a Beijing store (异地销户 by default)', async () => {
    const { line } = scenario('out_of_province');
    const quote = await clerk.post('store/quote', { lineId: line.id });
    assert.equal(quote.body.store.outOfProvince, true);
    assert.equal(quote.body.forwarding, null);
    const r = await cancelAtCounter('out_of_province');
    assert.equal(r.submit.status, 'approved');
    const { done, agreement } = await assertCompleted(r.submit.id, r.line.id, r.s);
    assert.deepEqual(done.outOfProvince, { homeProvince: '44', storeProvince: '11', forwarded: false });
    assert.equal(agreement.outOfProvince.forwarded, false);
  });

  test('lost line: cancelled in store without a card to hand back', async () => {
    const { line } = scenario('lost_or_suspended');
    const online = await t.ctx.db.selectFrom('lines').select('status').where('id', '=', line.id).executeTakeFirstOrThrow();
    assert.equal(online.status, 'lost');
    const quote = await clerk.post('store/quote', { lineId: line.id });
    assert.ok(!quote.body.blockers.some((b: any) => b.code === 'lost_or_suspended'));
    const r = await cancelAtCounter('lost_or_suspended', { iccidScanned: null });
    const { done } = await assertCompleted(r.submit.id, r.line.id, r.s);
    assert.equal(done.cardReturn.returned, false);
    assert.equal(done.checks.iccidMatched, null);
  });

  test('eSIM: no card; the clerk records whether the profile was deleted on the phone', async () => {
    const r = await cancelAtCounter('clean_esim', { iccidScanned: null, esimProfileDeleted: false });
    assert.ok(r.quote.requiredAcknowledgements.includes('esim_profile'));
    const { done, agreement } = await assertCompleted(r.submit.id, r.line.id, r.s);
    assert.equal(done.formFactor, 'esim');
    assert.equal(done.cardReturn.returned, false);
    assert.equal(done.checks.esimProfileDeleted, false);
    assert.equal(agreement.checks.esimProfileDeleted, false);
    const events = await t.ctx.db.selectFrom('esim_events').select('event').where('line_id', '=', r.line.id).execute();
    assert.ok(events.length > 0, 'the SM-DP+ step ran');
  });

  test('contract lock-in: the penalty is accepted and recorded, the shortfall paid by card', async () => {
    const r = await cancelAtCounter('contract_lock_in', { acceptPenalty: true, payMethod: 'store_pos' });
    assert.ok(r.paid, 'the final bill with the penalty is more than the balance, so something was paid');
    assert.equal(r.paid!.body.method, 'store_pos');
    assert.ok(r.quote.bill.items.some((i: any) => i.code === 'penalty' && i.amountFen > 0));
    const { done, agreement } = await assertCompleted(r.submit.id, r.line.id, r.s);
    assert.equal(done.penalty.accepted, true);
    assert.ok(done.penalty.amountFen > 0);
    assert.equal(agreement.money.penalty.accepted, true);
    const payment = await t.ctx.db.selectFrom('audit_log').select('details').where('action', '=', 'billing.pay_outstanding').where('subject', '=', `line:${r.line.id}`).executeTakeFirstOrThrow();
    assert.equal((payment.details as any).chargedFen, r.paid!.body.paidFen);
  });

  test("the clerk's history of the day lists every request they opened", async () => {
    const history = await clerk.get('store/history');
    assert.equal(history.status, 200);
    const mine = await t.ctx.db.selectFrom('cancellation_requests').select('id').where('channel', '=', 'store').execute();
    assert.deepEqual(history.body.items.map((i: any) => i.id).sort(), mine.map((m) => m.id).sort());
    assert.ok(history.body.items.length >= 8);
  });
});
