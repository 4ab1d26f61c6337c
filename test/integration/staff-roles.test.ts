// Staff access: every staff route checks the role (401 without sign-in, 403 with the wrong role, before
// the body is even read), a clerk only ever sees masked data and only their own store's requests,
// admins manage accounts through the API (each action audited, passwords never), and five wrong
// passwords lock an account until an admin resets it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import QRCode from 'qrcode';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { ApiClient, demoAccounts, staffFor, subscriberFor } from '../helpers/api.ts';
import { MAX_FAILED_PASSWORDS } from '../../src/identity/sign-in-staff.ts';

let t: TestApp;
let admin: ApiClient;
let clerk: ApiClient;
let accounts: Awaited<ReturnType<typeof demoAccounts>>;
let storeRequestId: string;
let documentId: string;

before(async () => {
  t = await startTestApp();
  admin = await staffFor(t.app, 'admin');
  clerk = await staffFor(t.app, 'clerk');
  accounts = await demoAccounts(t.app);
  // One store request to look at (the proxy scenario, with documents).
  const s = accounts.subscribers.find((x) => x.scenario === 'proxy') as any;
  const line = s.lines.find((l: any) => l.msisdn === s.msisdn);
  let q = await clerk.post('store/quote', { lineId: line.id });
  if (!q.body.eligible) {
    await clerk.post('store/pay', { lineId: line.id, method: 'store_cash' });
    q = await clerk.post('store/quote', { lineId: line.id });
  }
  const signature = await QRCode.toBuffer('signature', { type: 'png' });
  const r = await clerk.post('store/cancellations', {
    lineId: line.id, quoteVersion: q.body.version, iccidScanned: line.iccid,
    identityCheck: { idNumber: s.idNumber, faceMatched: true },
    mandate: { type: 'proxy', applicantIdNumber: '110105198707140488', applicantName: '王代办', relationship: '朋友', documents: [
      { kind: 'agent_id', contentBase64: Buffer.from('%PDF-1.4 agent').toString('base64') },
      { kind: 'authorisation_letter', contentBase64: Buffer.from('%PDF-1.4 letter').toString('base64') },
    ] },
    acknowledgements: q.body.requiredAcknowledgements, refundRoute: { type: 'cash' }, signaturePng: signature.toString('base64'),
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  storeRequestId = r.body.id;
  documentId = (await clerk.get(`store/cancellations/${storeRequestId}`)).body.documents[0].id;
});
after(async () => {
  await t?.close();
  await dropTemplate();
});

const ZERO = '00000000-0000-4000-8000-000000000000';
const STORE_CLERK_ROUTES: Array<[string, string, unknown?]> = [
  ['POST', 'store/customers/lookup', { msisdn: '+8613800138001' }],
  ['POST', 'store/quote', { lineId: ZERO }],
  ['POST', 'store/pay', { lineId: ZERO, method: 'store_cash' }],
  ['POST', 'store/cancellations', { lineId: 'not even valid' }],
  ['GET', 'store/history'],
];
const STORE_VIEW_ROUTES = (): Array<[string, string, unknown?]> => [
  ['GET', `store/cancellations/${storeRequestId}`],
  ['GET', `store/cancellations/${storeRequestId}/agreement.pdf`],
  ['GET', `store/cancellations/${storeRequestId}/documents/${documentId}`],
];
const ADMIN_ROUTES = (): Array<[string, string, unknown?]> => [
  ['GET', 'admin/staff'],
  ['POST', 'admin/staff', { username: 'x' }],
  ['POST', `admin/staff/${ZERO}/disable`],
  ['POST', `admin/staff/${ZERO}/enable`],
  ['POST', `admin/staff/${ZERO}/reset-password`],
];
const REVIEW_ROUTES: Array<[string, string, unknown?]> = [['GET', 'review/queue'], ['POST', `review/${ZERO}/approve`]];

async function expectStatus(api: ApiClient, routes: Array<[string, string, unknown?]>, status: number, code: string) {
  for (const [method, url, body] of routes) {
    const r = await api.call(method, url, method === 'POST' ? (body ?? {}) : undefined);
    assert.equal(r.status, status, `${method} ${url}: ${r.status} ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.code, code, `${method} ${url}`);
  }
}

describe('the role matrix', () => {
  test('no staff route answers without a staff sign-in (401), whatever the body', async () => {
    const anonymous = new ApiClient(t.app);
    await expectStatus(anonymous, [...STORE_CLERK_ROUTES, ...STORE_VIEW_ROUTES(), ...ADMIN_ROUTES(), ...REVIEW_ROUTES], 401, 'unauthenticated');
    const { api: subscriber } = await subscriberFor(t.app, 'clean_physical');
    await expectStatus(subscriber, [...STORE_CLERK_ROUTES, ...STORE_VIEW_ROUTES(), ...ADMIN_ROUTES()], 401, 'unauthenticated');
  });

  test('a clerk cannot review or manage staff (403)', async () => {
    await expectStatus(clerk, [...REVIEW_ROUTES, ...ADMIN_ROUTES()], 403, 'forbidden');
  });

  test('a reviewer, ops or admin cannot run store cancellations (403)', async () => {
    for (const role of ['reviewer', 'ops', 'admin'] as const) {
      const api = role === 'admin' ? admin : await staffFor(t.app, role);
      await expectStatus(api, STORE_CLERK_ROUTES, 403, 'forbidden');
    }
  });

  test('only an admin manages staff accounts (403 for everyone else)', async () => {
    for (const role of ['clerk', 'reviewer', 'ops'] as const) await expectStatus(await staffFor(t.app, role), ADMIN_ROUTES(), 403, 'forbidden');
    assert.equal((await admin.get('admin/staff')).status, 200);
  });

  test('reviewers, ops and admins may read a store request and its agreement; a clerk of another store may not', async () => {
    for (const role of ['reviewer', 'ops', 'admin'] as const) {
      const api = role === 'admin' ? admin : await staffFor(t.app, role);
      for (const [, url] of STORE_VIEW_ROUTES()) assert.equal((await api.get(url)).status, 200, `${role} ${url}`);
    }
    const created = await admin.post('admin/staff', { username: 'sh-clerk', role: 'clerk', storeId: 'cmcc-sh-001', displayName: '上海店员' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const other = new ApiClient(t.app);
    assert.equal((await other.post('staff/sign-in', { username: 'sh-clerk', password: created.body.password })).status, 200);
    for (const [, url] of STORE_VIEW_ROUTES()) assert.equal((await other.get(url)).status, 404, url);
    assert.equal((await other.get('store/history')).body.items.length, 0);
  });
});

describe('a clerk sees masked data only', () => {
  test('lookup, quote, request view and history carry no full number, ICCID, ID number or name', async () => {
    const s = accounts.subscribers.find((x) => x.scenario === 'bundle_primary') as any;
    const line = s.lines.find((l: any) => l.msisdn === s.msisdn);
    const national = (m: string) => m.replace(/^\+86/, '');
    const secrets = [...s.lines.flatMap((l: any) => [l.msisdn, national(l.msisdn), l.iccid]), s.idNumber, '张伟'];

    const lookup = await clerk.post('store/customers/lookup', { idNumber: s.idNumber });
    assert.equal(lookup.status, 200);
    assert.equal(lookup.body.customer.maskedName, '张*');
    assert.equal(lookup.body.lines.length, 3);
    for (const l of lookup.body.lines) assert.match(l.maskedMsisdn, /^1\d\d\*{4}\d{4}$/);
    const quote = await clerk.post('store/quote', { lineId: line.id });
    assert.equal(quote.status, 200);
    const view = await clerk.get(`store/cancellations/${storeRequestId}`);
    const history = await clerk.get('store/history');
    for (const [name, body] of [['lookup', lookup.body], ['quote', quote.body], ['view', view.body], ['history', history.body]] as const) {
      const text = JSON.stringify(body);
      for (const secret of secrets) assert.ok(!text.includes(secret), `${name} shows ${secret}`);
    }
    const proxy = accounts.subscribers.find((x) => x.scenario === 'proxy') as any;
    const viewText = JSON.stringify(view.body);
    for (const secret of [proxy.msisdn, national(proxy.msisdn), proxy.lines[0].iccid, proxy.idNumber]) assert.ok(!viewText.includes(secret), `view shows ${secret}`);
  });
});

describe('staff administration', () => {
  test('an admin creates, lists, disables, enables and resets accounts; every action is audited, no password is', async () => {
    const adminId = (await t.ctx.db.selectFrom('staff').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow()).id;
    assert.equal((await admin.post('admin/staff', { username: 'clerk-x', role: 'clerk' })).status, 400, 'a clerk needs a store');
    assert.equal((await admin.post('admin/staff', { username: 'clerk-x', role: 'clerk', storeId: 'nowhere' })).status, 400);
    assert.equal((await admin.post('admin/staff', { username: 'r1', role: 'reviewer', password: 'short' })).status, 400);
    const created = await admin.post('admin/staff', { username: 'Rev.Two', role: 'reviewer', displayName: '周审核' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.headers['cache-control'], 'no-store');
    assert.equal(created.body.staff.username, 'rev.two');
    const password = created.body.password as string;
    assert.ok(password.length >= 12);
    assert.equal((await admin.post('admin/staff', { username: 'rev.two', role: 'ops' })).status, 409);

    const list = await admin.get('admin/staff');
    const row = list.body.items.find((i: any) => i.username === 'rev.two');
    assert.deepEqual([row.role, row.disabled, row.locked], ['reviewer', false, false]);
    assert.ok(!JSON.stringify(list.body).includes('argon2'), 'no password hashes');

    const rev = new ApiClient(t.app);
    assert.equal((await rev.post('staff/sign-in', { username: 'rev.two', password })).status, 200);
    assert.equal((await rev.get('review/queue')).status, 200);

    const id = created.body.staff.id;
    const disabled = await admin.post(`admin/staff/${id}/disable`);
    assert.equal(disabled.status, 200);
    assert.equal(disabled.body.staff.disabled, true);
    assert.equal((await rev.get('review/queue')).status, 401, 'the session ended');
    assert.equal((await new ApiClient(t.app).post('staff/sign-in', { username: 'rev.two', password })).status, 401);
    assert.equal((await admin.post(`admin/staff/${adminId}/disable`)).status, 409, 'not your own account');

    assert.equal((await admin.post(`admin/staff/${id}/enable`)).status, 200);
    const reset = await admin.post(`admin/staff/${id}/reset-password`, { password: 'a brand new passphrase' });
    assert.equal(reset.status, 200);
    assert.equal(reset.body.password, undefined, 'a given password is not echoed');
    assert.equal((await new ApiClient(t.app).post('staff/sign-in', { username: 'rev.two', password })).status, 401, 'the old password no longer works');
    assert.equal((await new ApiClient(t.app).post('staff/sign-in', { username: 'rev.two', password: 'a brand new passphrase' })).status, 200);

    const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'actor_kind', 'actor_id', 'details']).where('subject', '=', `staff:${id}`).orderBy('seq').execute();
    assert.deepEqual(audit.map((a) => a.action), ['staff.create', 'staff.disable', 'staff.enable', 'staff.reset_password']);
    assert.ok(audit.every((a) => a.actor_kind === 'staff' && a.actor_id === adminId));
    const all = JSON.stringify(await t.ctx.db.selectFrom('audit_log').select('details').execute());
    assert.ok(!all.includes(password) && !all.includes('a brand new passphrase'), 'no password in the audit log');
  });

  test(`${MAX_FAILED_PASSWORDS} wrong passwords lock the account; an admin's reset lifts the lock`, async () => {
    const created = await admin.post('admin/staff', { username: 'locky', role: 'clerk', storeId: 'cmcc-bj-001' });
    const password = created.body.password as string;
    const api = new ApiClient(t.app);
    for (let i = 1; i < MAX_FAILED_PASSWORDS; i++) {
      const r = await api.post('staff/sign-in', { username: 'locky', password: `wrong-${i}` });
      assert.equal(r.status, 401, `attempt ${i}`);
    }
    const locked = await api.post('staff/sign-in', { username: 'locky', password: 'wrong-last' });
    assert.equal(locked.status, 423);
    assert.equal(locked.body.error.code, 'locked');
    assert.equal((await api.post('staff/sign-in', { username: 'locky', password })).status, 423, 'even the right password waits');
    const listed = (await admin.get('admin/staff')).body.items.find((i: any) => i.username === 'locky');
    assert.equal(listed.locked, true);

    const reset = await admin.post(`admin/staff/${created.body.staff.id}/reset-password`);
    assert.equal(reset.status, 200);
    assert.equal(reset.body.staff.locked, false);
    assert.equal((await api.post('staff/sign-in', { username: 'locky', password })).status, 401, 'the old password is gone');
    assert.equal((await api.post('staff/sign-in', { username: 'locky', password: reset.body.password })).status, 200);
  });
});
