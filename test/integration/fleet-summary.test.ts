// The fleet job's PDF summary: once a demo job has ended, its company, dates, counts, carriers, money
// and the manifest's signed root are in the PDF's text; before the end it is a 409, and another
// company's administrator gets the same 404 as for an unknown job.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import argon2 from 'argon2';
import { ApiClient } from '../helpers/api.ts';
import { withFleetAdmin } from '../helpers/fleet-admin.ts';
import { freshFleetLines, runFleetJob } from '../helpers/fleet.ts';
import { DEMO_COMPANY, FLEET_COMPANY, seedDemoCompany } from '../../src/db/seed/companies.ts';
import { formatFen } from '../../src/certificates/certificate-pdf.ts';

const s = withFleetAdmin();

function pdfText(pdf: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zx-fleet-summary-'));
  const file = path.join(dir, 'summary.pdf');
  fs.writeFileSync(file, pdf);
  try {
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('the fleet job\'s PDF summary', () => {
  test('tells the company, the counts per state and carrier, the money and the signed root of the finished job', async () => {
    const fresh = await freshFleetLines(s.t.ctx, 3);
    assert.equal(fresh.length, 3);
    const portOut = await s.t.ctx.db.selectFrom('lines').select('iccid').where('company_id', '=', DEMO_COMPANY.id).where('port_out_status', '=', 'pending').executeTakeFirstOrThrow();
    const { id } = await runFleetJob(s.admin, [...fresh.map((l) => l.iccid), portOut.iccid]);

    const r = await s.admin.get(`fleet/jobs/${id}/summary.pdf`);
    assert.equal(r.status, 200, String(r.body).slice(0, 300));
    assert.match(String(r.headers['content-type']), /application\/pdf/);
    assert.equal(r.headers['content-disposition'], `attachment; filename="fleet-${id}-summary.pdf"`);
    assert.equal(r.raw.subarray(0, 5).toString(), '%PDF-');

    const manifest = (await s.admin.get(`fleet/jobs/${id}/manifest`)).body;
    const text = pdfText(r.raw);
    assert.ok(text.includes(DEMO_COMPANY.nameZh), text); // every character of it is in the embedded font subset
    assert.ok(text.includes(DEMO_COMPANY.nameEn));
    assert.ok(text.includes(id));
    assert.ok(text.includes(manifest.head.rootHash), 'the signed Merkle root');
    assert.ok(!text.includes(DEMO_COMPANY.uscc), 'the company code is masked');
    assert.ok(text.includes(`${DEMO_COMPANY.uscc.slice(0, 6)}**********${DEMO_COMPANY.uscc.slice(-2)}`));
    assert.match(text, /Completed\s+3\b/);
    assert.match(text, /Blocked\s+1\b/);
    assert.match(text, /Total\s+4\b/);
    assert.match(text, /Tree size\s+4\b/);
    for (const sig of manifest.signatures) assert.ok(text.includes(sig.signed.keyId), `key id of ${sig.carrier}`);
    const carriers = new Set(fresh.map((l) => l.carrier));
    for (const c of carriers) {
      const n = fresh.filter((l) => l.carrier === c).length;
      assert.match(text, new RegExp(`Carrier ${c}\\s+线路 lines \\d+ · 已注销 completed ${n} · 失败 failed 0`));
    }
    const leaves = manifest.leaves as Array<{ billFen: number; refundFen: number }>;
    const bill = leaves.reduce((n, l) => n + l.billFen, 0);
    assert.ok(bill > 0, 'the completed lines settled a bill');
    assert.match(text, new RegExp(`Bills settled\\s+${formatFen(bill).replace(/[.$]/g, '\\$&')}`));
    assert.match(text, new RegExp(`Refunds\\s+${formatFen(leaves.reduce((n, l) => n + l.refundFen, 0)).replace(/[.$]/g, '\\$&')}`));
    assert.match(text, /Finished\s+\d{4}年\d+月\d+日 \d{2}:\d{2}:\d{2}（北京时间）/);
    assert.match(text, /China Standard Time \(UTC\+8\)/);
    assert.ok(text.includes('zhuxiao verify --fleet manifest.json --line ICCID'));
  });

  test('is a 409 before the job has ended, and the same 404 for another company\'s job as for an unknown one', async () => {
    const [line] = await freshFleetLines(s.t.ctx, 1);
    const plan = await s.admin.post('fleet/jobs', { rows: [line.iccid] });
    assert.equal(plan.status, 201);
    const early = await s.admin.get(`fleet/jobs/${plan.body.id}/summary.pdf`);
    assert.equal(early.status, 409);
    assert.equal(early.body.error.code, 'conflict');
    assert.equal(early.body.error.details.status, 'dry_run');

    await seedDemoCompany(s.t.ctx.db, s.t.ctx.vault, (p) => argon2.hash(p, { type: argon2.argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 }), { ...FLEET_COMPANY, lines: 5 });
    const other = new ApiClient(s.t.app);
    assert.equal((await other.post('staff/sign-in', { username: FLEET_COMPANY.admin.username, password: FLEET_COMPANY.admin.password })).status, 200);
    const theirs = await other.get(`fleet/jobs/${plan.body.id}/summary.pdf`);
    const unknown = await other.get('fleet/jobs/00000000-0000-4000-8000-000000000000/summary.pdf');
    assert.equal(theirs.status, 404);
    assert.deepEqual(theirs.body, unknown.body);
    assert.equal((await new ApiClient(s.t.app).get(`fleet/jobs/${plan.body.id}/summary.pdf`)).status, 401);
  });
});
