// TM Forum's own conformance test kit for TMF622 v4 (../shared/external/tmf622-ctk-v4, kept
// unmodified), run against a real server: a copy of the kit in a temporary folder, its npm
// dependencies installed once and cached under the OS temp folder (keyed by the kit's package
// files), a config.json with this server's URL (127.0.0.1), a real Bearer token and a delete order
// for a real demo line. The kit exits 0 whatever happens, so the verdict is its jsonResults.json:
// no failures, and about 63 assertions (5 when nothing answered).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { demoAccounts } from '../helpers/api.ts';
import { createMachineClient, fetchToken } from '../helpers/machine-client.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// Beside the repository (CI clones it next to ../shared); ZHUXIAO_TMF622_CTK points elsewhere.
const KIT = path.resolve(process.env.ZHUXIAO_TMF622_CTK ?? path.join(ROOT, '../shared/external/tmf622-ctk-v4'));
const present = fs.existsSync(path.join(KIT, 'ctk', 'index.js'));

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The kit's node_modules, installed once per version of its package files and reused by later runs. */
async function cachedModules(): Promise<string> {
  const h = crypto.createHash('sha256');
  for (const f of ['package.json', 'package-lock.json']) {
    const p = path.join(KIT, 'ctk', f);
    if (fs.existsSync(p)) h.update(f).update(fs.readFileSync(p));
  }
  const dir = path.join(os.tmpdir(), `zhuxiao-ctk622-modules-${h.digest('hex').slice(0, 16)}`);
  if (fs.existsSync(path.join(dir, 'node_modules', 'newman'))) return path.join(dir, 'node_modules');
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'zhuxiao-ctk622-install-'));
  for (const f of ['package.json', 'package-lock.json']) {
    const p = path.join(KIT, 'ctk', f);
    if (fs.existsSync(p)) fs.copyFileSync(p, path.join(staging, f));
  }
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = await run(npm, ['install', '--no-audit', '--no-fund', '--omit=dev', '--no-save'], staging);
  assert.equal(r.code, 0, `npm install for the CTK failed:\n${r.output.slice(-2000)}`);
  // Renamed into place whole, so a concurrent run never sees half an install.
  try {
    fs.renameSync(staging, dir);
  } catch {
    fs.rmSync(staging, { recursive: true, force: true }); // another run got there first
  }
  return path.join(dir, 'node_modules');
}

let t: TestApp;
let baseUrl = '';

before(async () => {
  if (!present) return;
  t = await startTestApp();
  baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  await t?.close();
  await dropTemplate();
});

test('TM Forum TMF622 v4 conformance test kit: every assertion passes', { skip: present ? false : `the CTK is not at ${KIT} (../shared/external/tmf622-ctk-v4 beside the repository, or ZHUXIAO_TMF622_CTK)` }, async (tc) => {
  const modules = await cachedModules();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zhuxiao-ctk622-'));
  try {
    fs.cpSync(KIT, work, { recursive: true });
    fs.chmodSync(work, 0o755);
    for (const f of fs.readdirSync(work, { recursive: true }) as string[]) fs.chmodSync(path.join(work, f), fs.statSync(path.join(work, f)).isDirectory() ? 0o755 : 0o644);
    fs.symlinkSync(modules, path.join(work, 'ctk', 'node_modules'), 'dir');

    const client = await createMachineClient(t.ctx, { scopes: ['tmf622:write', 'tmf622:read'], name: 'TMF622 CTK' });
    const token = await fetchToken(baseUrl, client.clientId, client.clientSecret);
    const who = (await demoAccounts(t.app)).subscribers.find((s) => s.scenario === 'clean_physical')!;
    const line = who.lines[0];
    const { customer_id } = await t.ctx.db.selectFrom('lines').select('customer_id').where('id', '=', line.id).executeTakeFirstOrThrow();
    const config = {
      url: `${baseUrl}/tmf-api/productOrderingManagement/v4/`,
      headers: { Accept: 'application/json', 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      payloads: {
        ProductOrder: {
          POST: {
            payload: {
              externalId: 'CTK-1',
              productOrderItem: [{ id: '1', action: 'delete', product: { id: line.id, productCharacteristic: [{ name: 'acknowledgements', value: 'all' }, { name: 'refundRoute', value: 'original' }] } }],
              relatedParty: [{ id: customer_id, '@referredType': 'Individual', role: 'customer' }],
            },
          },
        },
      },
    };
    fs.writeFileSync(path.join(work, 'config.json'), JSON.stringify(config, null, 2));

    const r = await run(process.execPath, ['index.js'], path.join(work, 'ctk'));
    const resultsFile = path.join(work, 'jsonResults.json');
    assert.ok(fs.existsSync(resultsFile), `the CTK wrote no jsonResults.json (exit ${r.code}):\n${r.output.slice(-2000)}`);
    const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')).run;
    const failures = (results.failures as Array<{ error: { test?: string; message: string }; source?: { name?: string } }>).map((f) => `${f.source?.name ?? '?'}: ${f.error.test ?? ''} ${f.error.message}`);
    assert.deepEqual(failures, [], `CTK failures:\n${failures.join('\n')}`);
    const assertions = results.stats.assertions as { total: number; failed: number };
    assert.ok(assertions.total >= 60, `the CTK ran ${assertions.total} assertions; 63 expected (5 means nothing answered)`);
    assert.equal(assertions.failed, 0);
    tc.diagnostic(`CTK: ${assertions.total - assertions.failed} / ${assertions.total} assertions passed, ${results.stats.requests.total} requests`);

    // The order the kit placed is a real cancellation request on the api channel.
    const req = await t.ctx.db.selectFrom('cancellation_requests').select(['channel', 'status']).where('line_id', '=', line.id).executeTakeFirstOrThrow();
    assert.equal(req.channel, 'api');
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});
