// A company administrator's fleet job through the HTTP API, up to the dry run: the reasons a row is
// refused, the blockers and money of the company's lines, totals per carrier, the same answer for
// the same Idempotency-Key, a CSV upload, and who may not see any of it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { ApiClient, staffFor } from '../helpers/api.ts';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import argon2 from 'argon2';
import { verifyFleetLine } from '../../src/fleet/fleet-manifest.ts';
import { createMachineClient } from '../helpers/machine-client.ts';
import { freshFleetLines, waitForFleetEndEmail, waitForFleetJob } from '../helpers/fleet.ts';
import { DEMO_COMPANY, FLEET_COMPANY, seedDemoCompany } from '../../src/db/seed/companies.ts';
import { makeIccid } from '../../src/identifiers/index.ts';

let t: TestApp;
let admin: ApiClient;
type LineRow = { id: string; msisdn: string; iccid: string; eid: string | null; port_out_status: string; bundle_role: string; account_id: string };
let lines: LineRow[];
let arrearsLine: LineRow;

async function signInCompanyAdmin(): Promise<ApiClient> {
  const api = new ApiClient(t.app);
  const r = await api.post('staff/sign-in', { username: DEMO_COMPANY.admin.username, password: DEMO_COMPANY.admin.password });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return api;
}

before(async () => {
  t = await startTestApp();
  admin = await signInCompanyAdmin();
  lines = await t.ctx.db.selectFrom('lines').select(['id', 'msisdn', 'iccid', 'eid', 'port_out_status', 'bundle_role', 'account_id'])
    .where('company_id', '=', DEMO_COMPANY.id).orderBy('iccid').execute();
  const arrears = await t.ctx.db.selectFrom('billing_accounts').select('id').where('arrears_fen', '>', 0)
    .where('customer_id', '=', (eb) => eb.selectFrom('companies').select('customer_id').where('id', '=', DEMO_COMPANY.id)).executeTakeFirstOrThrow();
  arrearsLine = lines.find((l) => l.account_id === arrears.id)!;
});
after(async () => {
  await t.close();
  await dropTemplate();
});

describe('a fleet job\'s dry run', () => {
  test('gives every row a state and a stable reason, and every line of the company its blockers and money', async () => {
    const free = lines.filter((l) => l.port_out_status === 'none' && l.bundle_role === 'none' && l !== arrearsLine);
    const [a, b, c] = free;
    const esim = free.find((l) => l.eid)!;
    const portOut = lines.find((l) => l.port_out_status === 'pending')!;
    const bundle = lines.find((l) => l.bundle_role === 'primary')!;
    const someoneElses = await t.ctx.db.selectFrom('lines').select('iccid').where('company_id', 'is', null).where('status', '=', 'active').executeTakeFirstOrThrow();
    const unknown = makeIccid('898600', '999999999999');
    const badCheck = a.iccid.slice(0, 18) + String((Number(a.iccid[18]) + 1) % 10) + a.iccid.slice(19);
    const rows = [
      a.iccid, // 1 ready
      b.msisdn.replace('+86', ''), // 2 ready, by its number (a 13-digit IoT number or a staff phone)
      esim.eid!, // 3 ready, by EID
      '', // 4 blank
      'not-a-sim', // 5 bad_format
      c.iccid.slice(0, 19) === c.iccid ? c.iccid : c.iccid, // 6 ready
      a.iccid, // 7 duplicate (same ICCID)
      b.iccid, // 8 duplicate (the line of row 2, named by its ICCID)
      unknown, // 9 unknown
      someoneElses.iccid, // 10 not_yours
      portOut.iccid, // 11 blocked: port-out
      bundle.iccid, // 12 blocked: bundle head
      arrearsLine.iccid, // 13 blocked: arrears
      badCheck, // 14: a 20-digit ICCID whose Luhn digit is off is accepted with a warning by the identifier rules, so it is just unknown here
      '8986001234567890121', // 15: a 19-digit ICCID whose Luhn digit is off
      `${esim.eid!.slice(0, 30)}${esim.eid!.slice(30) === '00' ? '01' : '00'}`, // 16: an EID whose MOD 97 digits are off
    ];
    const r = await admin.post('fleet/jobs', { rows }, { 'idempotency-key': 'fleet-test-1' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.status, 'dry_run');
    assert.equal(r.headers.location, `/api/v1/fleet/jobs/${r.body.id}`);

    const page = await admin.get(`fleet/jobs/${r.body.id}/lines?pageSize=100`);
    assert.equal(page.status, 200);
    const byRow = new Map<number, { state: string; reason: string | null; blockers: string[]; billFen: number; carrier: string | null }>(
      page.body.lines.map((l: { rowNo: number }) => [l.rowNo, l]),
    );
    const expect: Array<[number, string, string | null]> = [
      [1, 'ready', null], [2, 'ready', null], [3, 'ready', null], [4, 'rejected', 'blank'], [5, 'rejected', 'bad_format'], [6, 'ready', null],
      [7, 'rejected', 'duplicate_in_file'], [8, 'rejected', 'duplicate_in_file'], [9, 'rejected', 'unknown'], [10, 'rejected', 'not_yours'],
      [11, 'blocked', 'blocked'], [12, 'blocked', 'blocked'], [13, 'blocked', 'blocked'], [14, 'rejected', 'unknown'],
      [15, 'rejected', 'bad_check_digit'], [16, 'rejected', 'bad_check_digit'],
    ];
    for (const [row, state, reason] of expect) {
      assert.equal(byRow.get(row)?.state, state, `row ${row}: ${JSON.stringify(byRow.get(row))}`);
      assert.equal(byRow.get(row)?.reason, reason, `row ${row}`);
    }
    assert.deepEqual(byRow.get(11)!.blockers, ['port_out_pending']);
    assert.ok(byRow.get(12)!.blockers.includes('bundle_primary'));
    assert.ok(byRow.get(13)!.blockers.includes('arrears'));
    assert.equal(byRow.get(10)!.carrier, null, 'nothing is told about another company\'s line');
    assert.ok(byRow.get(1)!.billFen > 0, 'the final bill comes from the same quote rules');

    assert.deepEqual({ ready: r.body.counts.ready, blocked: r.body.counts.blocked, rejected: r.body.counts.rejected }, { ready: 4, blocked: 3, rejected: 9 });
    assert.equal(r.body.totals.reasons.duplicate_in_file, 2);
    const carriers = r.body.totals.carriers as Record<string, { lines: number; ready: number; billFen: number }>;
    assert.equal(Object.values(carriers).reduce((n, c) => n + c.lines, 0), 7);
    assert.equal(Object.values(carriers).reduce((n, c) => n + c.billFen, 0), r.body.totals.billFen);

    assert.equal((await admin.get(`fleet/jobs/${r.body.id}/manifest`)).status, 409, 'no proof before the job has ended');
    const again = await admin.post('fleet/jobs', { rows: [a.iccid] }, { 'idempotency-key': 'fleet-test-1' });
    assert.equal(again.status, 200);
    assert.equal(again.body.id, r.body.id);
    assert.equal(again.body.rowsTotal, rows.length);
  });

  test('takes a CSV file with a header row, quotes and CRLF; row numbers follow the file', async () => {
    const [a, b] = lines;
    const csv = `iccid,note\r\n"${a.iccid}",truck 1\r\n\r\n${b.iccid},truck 2\r\n`;
    const r = await admin.call('POST', 'fleet/jobs?effectiveDate=2026-12-31', Buffer.from(csv), { 'content-type': 'text/csv' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.source, 'csv');
    assert.equal(r.body.effectiveDate, '2026-12-31');
    assert.equal(r.body.rowsTotal, 3);
    const page = await admin.get(`fleet/jobs/${r.body.id}/lines`);
    assert.deepEqual(page.body.lines.map((l: { state: string; reason: string | null }) => l.reason ?? l.state), ['ready', 'blank', b.port_out_status === 'none' && b.bundle_role === 'none' ? 'ready' : 'blocked']);
  });

  test('refuses an empty list and a list over 100,000 rows with 400, never a 500', async () => {
    assert.equal((await admin.post('fleet/jobs', { rows: [] })).status, 400);
    assert.equal((await admin.post('fleet/jobs', { rows: ['x'], extra: 1 })).status, 400);
    const big = `${'8986001234567890120\n'.repeat(100_001)}`;
    const r = await admin.call('POST', 'fleet/jobs', Buffer.from(big), { 'content-type': 'text/csv' });
    assert.equal(r.status, 400, JSON.stringify(r.body).slice(0, 200));
  });
});

describe('who may act', () => {
  test('staff of other roles get 403 and nobody signed in 401; another company\'s administrator cannot read the job', async () => {
    const ops = await staffFor(t.app, 'ops');
    assert.equal((await ops.post('fleet/jobs', { rows: [lines[0].iccid] })).status, 403);
    assert.equal((await new ApiClient(t.app).post('fleet/jobs', { rows: [lines[0].iccid] })).status, 401);

    const mine = await admin.post('fleet/jobs', { rows: [lines[0].iccid] });
    assert.equal(mine.status, 201);
    // A second company with its own administrator sees neither the job nor the first company's lines.
    await seedDemoCompany(t.ctx.db, t.ctx.vault, (p) => argon2.hash(p, { type: argon2.argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 }), { ...FLEET_COMPANY, lines: 5 });
    const otherAdmin = new ApiClient(t.app);
    assert.equal((await otherAdmin.post('staff/sign-in', { username: FLEET_COMPANY.admin.username, password: FLEET_COMPANY.admin.password })).status, 200);
    assert.equal((await otherAdmin.get(`fleet/jobs/${mine.body.id}`)).status, 404);
    assert.equal((await otherAdmin.get(`fleet/jobs/${mine.body.id}/lines`)).status, 404);
    const theirs = await otherAdmin.post('fleet/jobs', { rows: [lines[0].iccid] });
    assert.equal(theirs.status, 201);
    assert.equal(theirs.body.totals.reasons.not_yours, 1);
    // The role is read with the session on every request: a demoted account loses access at once.
    await t.ctx.db.updateTable('staff').set({ company_id: null, role: 'ops' }).where('username', '=', DEMO_COMPANY.admin.username).execute();
    assert.equal((await admin.get(`fleet/jobs/${mine.body.id}`)).status, 403);
    await t.ctx.db.updateTable('staff').set({ company_id: DEMO_COMPANY.id, role: 'company_admin' }).where('username', '=', DEMO_COMPANY.admin.username).execute();
    assert.equal((await admin.get(`fleet/jobs/${mine.body.id}`)).status, 200);
    assert.equal((await admin.get('fleet/jobs/00000000-0000-4000-8000-000000000000')).status, 404);
  });
});

describe('confirming a job', () => {
  test('turns every ready line into a fleet request that lives the same life and ends cancelled; the job ends with an e-mail', async () => {
    const { db } = t.ctx;
    const open = await db.selectFrom('lines as l').select(['l.id', 'l.iccid', 'l.imsi', 'l.msisdn', 'l.form_factor'])
      .where('l.company_id', '=', DEMO_COMPANY.id).where('l.status', '=', 'active').where('l.port_out_status', '=', 'none').where('l.bundle_role', '=', 'none')
      .where('l.account_id', '<>', arrearsLine.account_id)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('cancellation_requests as r').select('r.id').whereRef('r.line_id', '=', 'l.id'))))
      .orderBy('l.form_factor').orderBy('l.iccid').limit(6).execute();
    assert.ok(open.some((l) => l.form_factor === 'esim'), 'an eSIM among them');
    const portOut = lines.find((l) => l.port_out_status === 'pending')!;
    const plan = await admin.post('fleet/jobs', { rows: [...open.map((l) => l.iccid), portOut.iccid] });
    assert.equal(plan.status, 201);
    assert.equal(plan.body.counts.ready, open.length);

    const confirmed = await admin.post(`fleet/jobs/${plan.body.id}/confirm`, {});
    assert.equal(confirmed.status, 202, JSON.stringify(confirmed.body));
    assert.equal(confirmed.body.url, `/api/v1/fleet/jobs/${plan.body.id}`);
    assert.equal(confirmed.body.queued, open.length);
    assert.equal((await admin.post(`fleet/jobs/${plan.body.id}/confirm`, {})).status, 409, 'confirmed once');

    let job;
    for (const until = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 250))) {
      job = (await admin.get(`fleet/jobs/${plan.body.id}`)).body;
      if (job.status === 'completed' || Date.now() > until) break;
    }
    assert.equal(job.status, 'completed', JSON.stringify(job.counts));
    assert.equal(job.counts.completed, open.length);
    assert.equal(job.counts.blocked, 1);

    const requests = await db.selectFrom('cancellation_requests').selectAll().where('line_id', 'in', open.map((l) => l.id)).execute();
    assert.equal(requests.length, open.length);
    const network = t.ctx.adapters.network as unknown as { deprovisioned: ReadonlyMap<string, unknown> };
    for (const r of requests) {
      assert.equal(r.channel, 'fleet');
      assert.equal(r.status, 'completed');
      assert.equal(r.certificate_serial, null, 'fleet lines are proven by the job, not one PDF each');
      const events = await db.selectFrom('request_events').select(['from_status', 'to_status']).where('request_id', '=', r.id).orderBy('id').execute();
      assert.deepEqual(events.map((e) => `${e.from_status ?? ''}>${e.to_status}`), ['>approved', 'approved>executing', 'executing>completed']);
      const steps = await db.selectFrom('execution_steps').select(['step', 'status']).where('request_id', '=', r.id).execute();
      assert.equal(steps.find((s) => s.step === 'certificate')?.status, 'skipped');
      assert.equal(steps.find((s) => s.step === 'network_deprovision')?.status, 'done');
    }
    for (const l of open) {
      const line = await db.selectFrom('lines').select('status').where('id', '=', l.id).executeTakeFirstOrThrow();
      assert.equal(line.status, 'cancelled');
      assert.ok(network.deprovisioned.has(l.imsi), 'the network removed the subscriber');
      const pool = await db.selectFrom('number_pool').select('state').where('msisdn', '=', l.msisdn).executeTakeFirstOrThrow();
      assert.equal(pool.state, 'frozen');
    }
    const mail = await waitForFleetEndEmail(db, plan.body.id);
    assert.equal(mail.length, 1);
    assert.match(mail[0].text, new RegExp(`完成 ${open.length} 条`));
    const event = await db.selectFrom('webhook_events').select('event_type').where('event_type', 'like', '%leet%').execute();
    assert.ok(event.length >= 1, 'the fleet job end event is in the outbox');
    // The proof: a signed manifest in which each line is verifiable alone, online and offline.
    const manifest = await admin.get(`fleet/jobs/${plan.body.id}/manifest`);
    assert.equal(manifest.status, 200);
    assert.equal(manifest.body.leaves.length, open.length + 1);
    assert.deepEqual(manifest.body.head.counts, { completed: open.length, blocked: 1 });
    assert.deepEqual(manifest.body.signatures.map((x: { carrier: string }) => x.carrier), manifest.body.head.carriers);
    const proof = await admin.post(`fleet/jobs/${plan.body.id}/proof`, { line: open[0].iccid });
    assert.equal(proof.status, 200);
    assert.equal(proof.body.leaf.iccid, open[0].iccid);
    assert.equal(proof.body.leaf.state, 'completed');
    assert.deepEqual(verifyFleetLine(proof.body), { ok: true });
    assert.deepEqual(verifyFleetLine({ ...proof.body, leaf: { ...proof.body.leaf, refundFen: proof.body.leaf.refundFen + 1 } }).ok, false);
    assert.equal((await admin.post(`fleet/jobs/${plan.body.id}/proof`, { line: makeIccid('898600', '999999999999') })).status, 404);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zx-fleet-'));
    const file = path.join(dir, 'manifest.json');
    fs.writeFileSync(file, JSON.stringify(manifest.body));
    const cli = (line: string, f = file) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'verify', '--fleet', f, '--line', line], { encoding: 'utf8', env: { ...process.env, ZHUXIAO_DATA_DIR: dir } });
    const good = cli(open[1].msisdn.replace('+86', ''));
    assert.equal(good.status, 0, good.stdout + good.stderr);
    assert.equal(JSON.parse(good.stdout).ok, true);
    const tampered = structuredClone(manifest.body);
    tampered.leaves.find((l: { iccid: string }) => l.iccid === open[1].iccid).state = 'failed';
    fs.writeFileSync(path.join(dir, 'tampered.json'), JSON.stringify(tampered));
    const bad = cli(open[1].iccid, path.join(dir, 'tampered.json'));
    assert.equal(bad.status, 1, bad.stdout + bad.stderr);
    assert.equal(JSON.parse(bad.stdout).reason, 'not_included');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('progress, results, retry and stop', () => {
  test('a line the network refuses fails with its reason; retrying the failed lines only finishes it; results CSV and the event stream tell the end', async () => {
    const three = await freshFleetLines(t.ctx, 3);
    const plan = await admin.post('fleet/jobs', { rows: three.map((l) => l.iccid) });
    const control = (t.ctx.adapters.network as unknown as { control: { permanentFailNext: number } }).control;
    control.permanentFailNext = 1;
    assert.equal((await admin.post(`fleet/jobs/${plan.body.id}/confirm`, {})).status, 202);
    let job = await waitForFleetJob(admin, plan.body.id, ['completed']);
    assert.equal(job.status, 'completed');
    assert.deepEqual({ completed: job.counts.completed, failed: job.counts.failed }, { completed: 2, failed: 1 });
    assert.equal(job.percent, 100);
    const failedRow = (await admin.get(`fleet/jobs/${plan.body.id}/lines?state=failed`)).body.lines[0];
    assert.equal(failedRow.reason, 'refused_by_far_side');

    const retry = await admin.post(`fleet/jobs/${plan.body.id}/retry-failed`, {});
    assert.equal(retry.status, 202);
    assert.deepEqual(retry.body, { retried: 1 });
    job = await waitForFleetJob(admin, plan.body.id, ['completed']);
    for (const until = Date.now() + 30_000; job.counts.completed < 3 && Date.now() < until; await new Promise((r) => setTimeout(r, 250))) job = (await admin.get(`fleet/jobs/${plan.body.id}`)).body;
    assert.deepEqual({ completed: job.counts.completed, failed: job.counts.failed }, { completed: 3, failed: 0 });
    assert.deepEqual((await admin.post(`fleet/jobs/${plan.body.id}/retry-failed`, {})).body, { retried: 0 }, 'nothing left to retry');

    const csv = await admin.get(`fleet/jobs/${plan.body.id}/results.csv`);
    assert.equal(csv.status, 200);
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    const records = String(csv.body).replace(/^\uFEFF/, '').trim().split('\r\n');
    assert.equal(records.length, 4);
    assert.ok(records.slice(1).every((r) => r.includes(',completed,') && /,ZX[0-9]{12},/.test(r)), records.join('\n'));

    const events = await admin.get(`fleet/jobs/${plan.body.id}/events`);
    assert.equal(events.status, 200);
    assert.match(String(events.body), /^event: end\ndata: \{.*"percent":100/m);
  });

  test('stopping a job scheduled for later withdraws every line that has not started', async () => {
    const two = await freshFleetLines(t.ctx, 2);
    const plan = await admin.post('fleet/jobs', { rows: two.map((l) => l.iccid), effectiveDate: '2099-01-01' });
    assert.equal((await admin.post(`fleet/jobs/${plan.body.id}/confirm`, {})).status, 202);
    const running = (await admin.get(`fleet/jobs/${plan.body.id}`)).body;
    assert.equal(running.status, 'running');
    assert.equal(running.counts.queued, 2);
    assert.equal(running.percent, 0);
    const stop = await admin.post(`fleet/jobs/${plan.body.id}/stop`, {});
    assert.equal(stop.status, 202);
    assert.deepEqual(stop.body, { stopped: 2 });
    const job = (await admin.get(`fleet/jobs/${plan.body.id}`)).body;
    assert.equal(job.status, 'completed');
    assert.equal(job.counts.stopped, 2);
    const requests = await t.ctx.db.selectFrom('cancellation_requests').select('status').where('line_id', 'in', two.map((l) => l.id)).execute();
    assert.deepEqual(requests.map((r) => r.status), ['withdrawn', 'withdrawn']);
    const lines2 = await t.ctx.db.selectFrom('lines').select('status').where('id', 'in', two.map((l) => l.id)).execute();
    assert.deepEqual(lines2.map((l) => l.status), ['active', 'active']);
    assert.equal((await admin.post(`fleet/jobs/${plan.body.id}/stop`, {})).status, 409);
  });
});

describe('machine clients', () => {
  async function tokenFor(scopes: string[], companyId: string | null): Promise<string> {
    const { clientId, clientSecret } = await createMachineClient(t.ctx, { scopes, companyId });
    const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
    const r = await new ApiClient(t.app).call('POST', '/oauth/token', Buffer.from('grant_type=client_credentials'), {
      authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded',
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.access_token;
  }

  test('act for the company they are bound to, within their scopes', async () => {
    const api = new ApiClient(t.app);
    const writer = { authorization: `Bearer ${await tokenFor(['fleet:write', 'fleet:read'], DEMO_COMPANY.id)}` };
    const made = await api.post('fleet/jobs', { rows: [lines[0].iccid, '13800000000x'] }, writer);
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.totals.reasons.bad_format, 1);
    const audit = await t.ctx.db.selectFrom('audit_log').select('actor_kind').where('action', '=', 'fleet.dry_run').where('subject', '=', made.body.id).executeTakeFirstOrThrow();
    assert.equal(audit.actor_kind, 'client');

    const reader = { authorization: `Bearer ${await tokenFor(['fleet:read'], DEMO_COMPANY.id)}` };
    assert.equal((await api.call('GET', `fleet/jobs/${made.body.id}`, undefined, reader)).status, 200);
    assert.equal((await api.post('fleet/jobs', { rows: [lines[0].iccid] }, reader)).status, 403, 'fleet:read cannot upload');
    const unbound = { authorization: `Bearer ${await tokenFor(['fleet:read'], null)}` };
    assert.equal((await api.call('GET', `fleet/jobs/${made.body.id}`, undefined, unbound)).status, 403);
    assert.equal((await api.call('GET', `fleet/jobs/${made.body.id}`, undefined, { authorization: 'Bearer nonsense' })).status, 401);
  });
});

describe('a line blocked between the dry run and the confirmation', () => {
  test('stays out: its row says blocked since the dry run with the blockers, the other lines run', async () => {
    const { db } = t.ctx;
    const [stays, goes] = await freshFleetLines(t.ctx, 2);
    const plan = await admin.post('fleet/jobs', { rows: [stays.iccid, goes.iccid] });
    assert.equal(plan.status, 201, JSON.stringify(plan.body));
    assert.equal(plan.body.counts.ready, 2, JSON.stringify(plan.body.counts));
    await db.updateTable('lines').set({ port_out_status: 'pending' }).where('id', '=', stays.id).execute();
    try {
      const confirmed = await admin.post(`fleet/jobs/${plan.body.id}/confirm`, {});
      assert.equal(confirmed.status, 202, JSON.stringify(confirmed.body));
      assert.equal(confirmed.body.queued, 1);
    } finally {
      await db.updateTable('lines').set({ port_out_status: 'none' }).where('id', '=', stays.id).execute();
    }
    const job = await waitForFleetJob(admin, plan.body.id, ['completed']);
    assert.equal(job.status, 'completed', JSON.stringify(job.counts));
    const rows = await db.selectFrom('fleet_job_lines').select(['row_no', 'state', 'reason', 'blockers', 'request_id']).where('job_id', '=', plan.body.id).orderBy('row_no').execute();
    assert.deepEqual(rows.map((r) => [r.state, r.reason, r.blockers, r.request_id === null]), [
      ['blocked', 'blocked_since_dry_run', ['port_out_pending'], true],
      ['completed', null, [], false],
    ]);
  });
});
