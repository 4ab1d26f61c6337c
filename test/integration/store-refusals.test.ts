// What a store refuses, and the cases that go to review instead of being carried out on the spot:
// lookups with a wrong ID, another carrier's line, the wrong card, the wrong person, a missing or
// fake document, a signature that is not a PNG; an out-of-province line when the carrier forwards
// those; an heir's death certificate the record does not know of yet. A refusal leaves nothing behind.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { ApiClient, demoAccounts, staffFor } from '../helpers/api.ts';
import { rgbaPng, type PngFaults } from '../helpers/png.ts';
import { addWorkingDays } from '../../src/store/working-days.ts';
import { checkSignaturePng } from '../../src/store/signature-png.ts';
import { sniffContentType } from '../../src/store/documents.ts';
import type { CarrierSettings } from '../../src/db/schema.ts';

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

/** A 60×20 RGBA PNG with one black line across, or one of its broken variants. */
const png = (width = 60, height = 20, faults: PngFaults = {}) => rgbaPng(width, height, (_x, y) => (y === Math.floor(height / 2) ? 0x000000ff : 0), faults);
const SIGNATURE = png().toString('base64');
const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('JFIF scan'), Buffer.from([0xff, 0xd9])]);
const pdf = Buffer.from('%PDF-1.4\n% scan\n%%EOF\n');
const doc = (kind: string, bytes: Buffer) => ({ kind, name: `${kind}.png`, contentBase64: bytes.toString('base64') });

function scenario(name: string) {
  const s = accounts.subscribers.find((x) => x.scenario === name) as any;
  assert.ok(s, `demo scenario ${name}`);
  return { s, line: s.lines.find((l: any) => l.msisdn === s.msisdn) };
}

/** A quote with nothing owed (paid at the counter when needed). */
async function payableQuote(lineId: string) {
  let q = await clerk.post('store/quote', { lineId });
  if (q.body.blockers.some((b: any) => b.code === 'arrears' || b.code === 'final_bill_shortfall')) {
    assert.equal((await clerk.post('store/pay', { lineId, method: 'store_cash' })).status, 200);
    q = await clerk.post('store/quote', { lineId });
  }
  return q.body;
}

/** A submission that passes every check, for the scenario's line; `over` replaces parts of it. */
function submission(name: string, quote: any, over: Record<string, unknown> = {}) {
  const { s, line } = scenario(name);
  return {
    lineId: line.id,
    quoteVersion: quote?.version ?? 'none',
    iccidScanned: line.iccid,
    identityCheck: { idNumber: s.idNumber, faceMatched: true },
    mandate: { type: 'owner' },
    acknowledgements: quote?.requiredAcknowledgements ?? ['data_backup', 'unbind_accounts', 'number_frozen'],
    refundRoute: { type: 'cash' },
    signaturePng: SIGNATURE,
    ...over,
  };
}

async function expectRefused(body: Record<string, unknown>, status: number, code: string) {
  const r = await clerk.post('store/cancellations', body);
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(r.body.error.code, code, JSON.stringify(r.body));
  return r.body.error;
}

describe('store lookup', () => {
  test('a mistyped resident ID is refused with the precise reason; an unknown one is not found', async () => {
    const { s } = scenario('clean_physical');
    const typo = s.idNumber.slice(0, 17) + (s.idNumber[17] === '1' ? '2' : '1');
    const bad = await clerk.post('store/customers/lookup', { idNumber: typo });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'invalid_identifier');
    assert.equal(bad.body.error.details.errors[0].code, 'bad_check_char');
    const unknown = await clerk.post('store/customers/lookup', { idNumber: 'E12345678', idType: 'passport' });
    assert.equal(unknown.status, 404);
    assert.equal((await clerk.post('store/customers/lookup', {})).status, 400);
    assert.equal((await clerk.post('store/customers/lookup', { idNumber: s.idNumber, msisdn: s.msisdn })).status, 400);
  });

  test('by number: every line under the ID, at every carrier; only this carrier\'s can be cancelled here', async () => {
    const { s } = scenario('multi_line');
    const r = await clerk.post('store/customers/lookup', { msisdn: '186 0013 8010' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.lines.map((l: any) => l.carrier).sort(), ['cmcc', 'ctcc', 'cucc']);
    assert.deepEqual(r.body.lines.filter((l: any) => l.cancellableHere).map((l: any) => l.carrier), ['cmcc']);
    assert.equal(r.body.customer.kind, 'person');
    assert.equal(r.body.customer.maskedIdNumber, `${s.idNumber.slice(0, 4)}**********${s.idNumber.slice(-4)}`);
    const byId = await clerk.post('store/customers/lookup', { idNumber: s.idNumber.toLowerCase() });
    assert.deepEqual(byId.body.lines.map((l: any) => l.id).sort(), r.body.lines.map((l: any) => l.id).sort());
    const audit = await t.ctx.db.selectFrom('audit_log').select(['details']).where('action', '=', 'store.customer_lookup').execute();
    assert.ok(audit.length >= 2);
  });
});

describe('store refusals', () => {
  test("another carrier's line: the quote says so and the request and payment are refused", async () => {
    const { s } = scenario('multi_line');
    const cucc = s.lines.find((l: any) => l.carrier === 'cucc');
    const q = await clerk.post('store/quote', { lineId: cucc.id });
    assert.equal(q.body.eligible, false);
    assert.equal(q.body.blockers[0].code, 'other_carrier');
    const err = await expectRefused({ ...submission('multi_line', q.body), lineId: cucc.id, iccidScanned: cucc.iccid }, 422, 'not_eligible');
    assert.ok(err.details.blockers.some((b: any) => b.code === 'other_carrier'));
    const pay = await clerk.post('store/pay', { lineId: cucc.id, method: 'store_cash' });
    assert.equal(pay.status, 422);
  });

  test('the wrong card, or no card scanned, is refused: iccid_mismatch', async () => {
    const q = await payableQuote(scenario('clean_physical').line.id);
    const other = scenario('arrears').line;
    const wrong = await expectRefused(submission('clean_physical', q, { iccidScanned: other.iccid }), 422, 'iccid_mismatch');
    assert.equal(wrong.details.reason, 'different_card');
    const { iccidScanned: _omit, ...noScan } = submission('clean_physical', q);
    assert.equal((await expectRefused(noScan, 422, 'iccid_mismatch')).details.reason, 'not_scanned');
  });

  test('an ID number that is not the real-name record, or a failed face check: identity_mismatch', async () => {
    const q = await payableQuote(scenario('clean_physical').line.id);
    const someoneElse = scenario('arrears').s.idNumber;
    const id = await expectRefused(submission('clean_physical', q, { identityCheck: { idNumber: someoneElse, faceMatched: true } }), 422, 'identity_mismatch');
    assert.equal(id.details.reason, 'id_number');
    const face = await expectRefused(submission('clean_physical', q, { identityCheck: { idNumber: scenario('clean_physical').s.idNumber, faceMatched: false } }), 422, 'identity_mismatch');
    assert.equal(face.details.reason, 'face');
  });

  test('the mandate must fit the record: a company line needs its representative, a deceased owner an heir', async () => {
    const company = await expectRefused(submission('company', null, { mandate: { type: 'owner' } }), 422, 'identity_mismatch');
    assert.equal(company.details.expected, 'company');
    const deceased = await expectRefused(submission('deceased_owner', null, { mandate: { type: 'proxy', documents: [doc('agent_id', jpeg), doc('authorisation_letter', pdf)] } }), 422, 'identity_mismatch');
    assert.equal(deceased.details.expected, 'deceased_owner');
    await expectRefused(submission('clean_physical', null, { mandate: { type: 'company', documents: [doc('company_letter', pdf)] } }), 422, 'identity_mismatch');
  });

  test('documents a mandate needs are missing: documents_missing lists them', async () => {
    const proxy = await expectRefused(submission('proxy', null, { mandate: { type: 'proxy', documents: [doc('agent_id', jpeg)] } }), 422, 'documents_missing');
    assert.deepEqual(proxy.details.missing, ['authorisation_letter']);
    const deceased = await expectRefused(submission('deceased_owner', null, { mandate: { type: 'deceased_owner' } }), 422, 'documents_missing');
    assert.deepEqual(deceased.details.missing, ['death_certificate', 'relationship_proof']);
    const company = await expectRefused(submission('company', null, { mandate: { type: 'company', documents: [] } }), 422, 'documents_missing');
    assert.deepEqual(company.details.missing, ['company_letter']);
  });

  test('a document that is not a PNG, JPEG or PDF by content is refused, whatever its name', async () => {
    const gif = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');
    const text = Buffer.from('this is not a scan at all');
    for (const bad of [gif, text]) {
      const err = await expectRefused(submission('proxy', null, { mandate: { type: 'proxy', documents: [doc('agent_id', jpeg), doc('authorisation_letter', bad)] } }), 422, 'invalid_document');
      assert.equal(err.details.reason, 'unsupported_type');
      assert.equal(err.details.index, 1);
    }
    const notBase64 = await expectRefused(submission('proxy', null, { mandate: { type: 'proxy', documents: [{ kind: 'agent_id', contentBase64: '%%%not base64%%%' }, doc('authorisation_letter', pdf)] } }), 422, 'invalid_document');
    assert.equal(notBase64.details.reason, 'not_base64');
    const big = Buffer.concat([pdf, Buffer.alloc(5 * 1024 * 1024)]);
    assert.equal((await expectRefused(submission('proxy', null, { mandate: { type: 'proxy', documents: [doc('agent_id', jpeg), doc('authorisation_letter', big)] } }), 422, 'invalid_document')).details.reason, 'too_large');
    assert.equal(sniffContentType(pdf), 'application/pdf');
  });

  test('a signature that is not a real PNG is refused', async () => {
    const q = await payableQuote(scenario('clean_physical').line.id);
    const cases: Array<[string, string]> = [
      [Buffer.from('not an image').toString('base64'), 'not_png'],
      [jpeg.toString('base64'), 'not_png'],
      [png(60, 20, { corruptCrc: true }).toString('base64'), 'bad_crc'],
      [png(60, 20, { truncate: true }).toString('base64'), 'truncated'],
      [png(60, 20, { shortData: true }).toString('base64'), 'bad_data'],
      [Buffer.concat([png().subarray(0, 8), Buffer.alloc(40)]).toString('base64'), 'bad_chunk'],
    ];
    for (const [signaturePng, reason] of cases) {
      const err = await expectRefused(submission('clean_physical', q, { signaturePng }), 422, 'invalid_document');
      assert.equal(err.details.field, 'signaturePng');
      assert.equal(err.details.reason, reason, `expected ${reason}`);
    }
    assert.equal(checkSignaturePng(SIGNATURE).width, 60);
  });

  test('an eSIM line needs the clerk to say whether the profile was deleted', async () => {
    const { iccidScanned: _omit, ...body } = submission('clean_esim', null);
    const r = await clerk.post('store/cancellations', body);
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'validation_failed');
  });

  test('conditions a store cannot clear, a stale quote or a missing acknowledgement are refused', async () => {
    const port = await clerk.post('store/quote', { lineId: scenario('port_out_pending').line.id });
    const notEligible = await expectRefused(submission('port_out_pending', port.body), 422, 'not_eligible');
    assert.ok(notEligible.details.blockers.some((b: any) => b.code === 'port_out_pending'));
    const mvno = await clerk.post('store/quote', { lineId: scenario('mvno').line.id });
    assert.ok(mvno.body.blockers.some((b: any) => b.code === 'mvno_line'));
    const q = await payableQuote(scenario('clean_physical').line.id);
    await expectRefused(submission('clean_physical', q, { quoteVersion: 'stale-version' }), 409, 'quote_stale');
    await expectRefused(submission('clean_physical', q, { acknowledgements: ['data_backup'] }), 422, 'acknowledgements_missing');
  });

  test('nothing was recorded by any refusal', async () => {
    const [requests, documents, agreements, cards] = await Promise.all([
      t.ctx.db.selectFrom('cancellation_requests').select('id').execute(),
      t.ctx.db.selectFrom('store_documents').select('id').execute(),
      t.ctx.db.selectFrom('store_agreements').select('request_id').execute(),
      t.ctx.db.selectFrom('card_returns').select('request_id').execute(),
    ]);
    assert.deepEqual([requests.length, documents.length, agreements.length, cards.length], [0, 0, 0, 0]);
  });
});

describe('store requests that go to review', () => {
  test('an heir whose death certificate is not on record yet: taken, but a reviewer decides', async () => {
    const { line } = scenario('clean_physical');
    const q = await payableQuote(line.id);
    const r = await clerk.post('store/cancellations', submission('clean_physical', q, {
      mandate: { type: 'deceased_owner', applicantIdNumber: '110105198707140488', applicantName: '钱丽', relationship: '女儿', documents: [doc('death_certificate', pdf), doc('relationship_proof', jpeg)] },
    }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.status, 'pending_review');
    const view = await clerk.get(`store/cancellations/${r.body.id}`);
    assert.match(view.body.timeline[0].note, /death certificate is not on record/);
    const customer = await t.ctx.db.selectFrom('customers as c').innerJoin('lines as l', 'l.customer_id', 'c.id').select('c.deceased').where('l.id', '=', line.id).executeTakeFirstOrThrow();
    assert.equal(customer.deceased, false, 'the clerk alone does not change the real-name record');

    // The same line cannot be taken twice.
    const again = await clerk.post('store/cancellations', submission('clean_physical', q));
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'already_requested');
  });

  test('the same Idempotency-Key replays the first answer', async () => {
    const { line } = scenario('companion_devices');
    const q = await payableQuote(line.id);
    const body = submission('companion_devices', q);
    const key = crypto.randomUUID();
    const first = await clerk.post('store/cancellations', body, { 'idempotency-key': key });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const second = await clerk.post('store/cancellations', body, { 'idempotency-key': key });
    assert.equal(second.status, 201);
    assert.deepEqual(second.body, first.body);
    assert.equal(second.headers['idempotent-replayed'], 'true');
    const rows = await t.ctx.db.selectFrom('cancellation_requests').select('id').where('line_id', '=', line.id).execute();
    assert.equal(rows.length, 1);

    // Sent twice at once (a double tap): one request, the same answer twice. (A store-only "lucky"
    // number, which a store may cancel.)
    const lucky = scenario('lucky_number').line;
    const lq = await payableQuote(lucky.id);
    assert.equal(lq.eligible, true, JSON.stringify(lq.blockers));
    const twice = submission('lucky_number', lq);
    const sameKey = crypto.randomUUID();
    const [a, b] = await Promise.all([0, 1].map(() => clerk.post('store/cancellations', twice, { 'idempotency-key': sameKey })));
    assert.deepEqual([a.status, b.status], [201, 201], JSON.stringify([a.body, b.body]));
    assert.deepEqual(a.body, b.body);
    assert.equal((await t.ctx.db.selectFrom('cancellation_requests').select('id').where('line_id', '=', lucky.id).execute()).length, 1);
    const reused = await clerk.post('store/cancellations', { ...twice, acknowledgements: [...twice.acknowledgements, 'extra'] }, { 'idempotency-key': sameKey });
    assert.equal(reused.status, 422);
    assert.equal(reused.body.error.code, 'idempotency_key_reused');
  });

  test('out of province when the carrier forwards: taken at the counter, decided at home within N working days', async () => {
    const carrier = await t.ctx.db.selectFrom('carriers').select('settings').where('code', '=', 'cmcc').executeTakeFirstOrThrow();
    const settings = carrier.settings as CarrierSettings;
    await t.ctx.db.updateTable('carriers').set({ settings: JSON.stringify({ ...settings, outOfProvince: 'forward', outOfProvinceSlaDays: 10 }) }).where('code', '=', 'cmcc').execute();
    try {
      const { line } = scenario('out_of_province');
      const q = await payableQuote(line.id);
      assert.equal(q.eligible, true, JSON.stringify(q.blockers));
      assert.equal(q.forwarding.province, '44');
      assert.equal(q.forwarding.slaDays, 10);
      const before = new Date();
      const r = await clerk.post('store/cancellations', submission('out_of_province', q));
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.status, 'pending_review');
      const view = await clerk.get(`store/cancellations/${r.body.id}`);
      assert.deepEqual(view.body.outOfProvince, { homeProvince: '44', storeProvince: '11', forwarded: true });
      const due = new Date(view.body.slaDueAt).getTime();
      assert.ok(due >= addWorkingDays(before, 10).getTime() - 1000 && due <= addWorkingDays(new Date(), 10).getTime() + 1000, view.body.slaDueAt);
      assert.equal(view.body.cardReturn.returned, true);

      const reviewer = await staffFor(t.app, 'reviewer');
      const queue = await reviewer.get('review/queue');
      assert.ok(queue.body.items.some((i: any) => i.id === r.body.id && i.channel === 'store'));
      const agreement = await reviewer.get(`store/cancellations/${r.body.id}/agreement.pdf`);
      assert.equal(agreement.status, 200, 'the deciding reviewer can read the signed agreement');
      assert.equal((await reviewer.post(`review/${r.body.id}/approve`)).status, 200);
      const until = Date.now() + 30_000;
      let done: any;
      do {
        await new Promise((res) => setTimeout(res, 200));
        done = (await clerk.get(`store/cancellations/${r.body.id}`)).body;
      } while (!['completed', 'needs_attention'].includes(done.status) && Date.now() < until);
      assert.equal(done.status, 'completed', JSON.stringify(done));
      assert.deepEqual(done.timeline.map((e: any) => e.status), ['pending_review', 'approved', 'executing', 'completed']);
      assert.ok(done.certificateSerial);
    } finally {
      await t.ctx.db.updateTable('carriers').set({ settings: JSON.stringify(settings) }).where('code', '=', 'cmcc').execute();
    }
  });

  test('working days skip weekends (China time)', () => {
    const friday = new Date('2025-11-28T02:00:00Z'); // Friday 10:00 in Beijing
    assert.equal(addWorkingDays(friday, 1).toISOString(), '2025-12-01T02:00:00.000Z');
    assert.equal(addWorkingDays(friday, 5).toISOString(), '2025-12-05T02:00:00.000Z');
    assert.equal(addWorkingDays(friday, 0).toISOString(), friday.toISOString());
    const lateSunday = new Date('2025-11-30T17:00:00Z'); // Monday 01:00 in Beijing
    assert.equal(addWorkingDays(lateSunday, 1).toISOString(), '2025-12-01T17:00:00.000Z');
  });
});
