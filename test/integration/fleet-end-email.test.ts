// A fleet job's end e-mail through the real relay adapter (not dev mode's outbox): when the relay
// refuses it on every retry, the job says so to its administrator (when, and the last error), the
// failure is audited, and "send again" queues it once more with the same key; it then goes, once,
// and the job's mark is gone. Sending again when nothing failed is a 409.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { ApiClient } from '../helpers/api.ts';
import { freshFleetLines, runFleetJob, waitForFleetJob } from '../helpers/fleet.ts';
import { DEMO_COMPANY } from '../../src/db/seed/companies.ts';
import type { EmailSimulator } from '../../src/adapters/email.ts';

let t: TestApp;
let admin: ApiClient;

before(async () => {
  t = await startTestApp({ config: { dev: false } });
  admin = new ApiClient(t.app);
  const r = await admin.post('staff/sign-in', { username: DEMO_COMPANY.admin.username, password: DEMO_COMPANY.admin.password });
  assert.equal(r.status, 200, JSON.stringify(r.body));
});
after(async () => {
  await t.close();
  await dropTemplate();
});

test('an end e-mail the relay refuses on every retry is shown on the job, audited, and sent again on request', async () => {
  const email = t.ctx.adapters.email as EmailSimulator;
  email.control.failRate = 1; // the relay answers nothing but errors
  const [line] = await freshFleetLines(t.ctx, 1);
  const { id } = await runFleetJob(admin, [line.iccid]);
  const key = `fleet:${id}:ended`;

  // The test app retries a queue job 8 times, a second apart: then the dead letter marks the job.
  let job = await waitFor(async () => {
    const view = (await admin.get(`fleet/jobs/${id}`)).body;
    return view.endEmailFailure ? view : undefined;
  });
  assert.match(job.endEmailFailure.error, /email: simulated failure/, 'the last error, in the relay\'s words');
  assert.ok(!Number.isNaN(Date.parse(job.endEmailFailure.at)));
  assert.ok((email.callsPerKey.get(key) ?? 0) >= 2, 'it was retried before it was given up');
  assert.equal(email.sent.filter((m) => m.idempotencyKey === key).length, 0);
  const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'details']).where('subject', '=', id).where('action', 'like', 'fleet.end_email%').execute();
  assert.deepEqual(audit.map((a) => a.action), ['fleet.end_email_failed']);

  email.control.failRate = 0; // the relay is back
  const resent = await admin.post(`fleet/jobs/${id}/resend-end-email`, {});
  assert.equal(resent.status, 202, JSON.stringify(resent.body));
  assert.deepEqual(resent.body, { queued: 1 });
  const mail = await waitFor(async () => email.sent.find((m) => m.idempotencyKey === key));
  assert.match(mail.text, /完成 1 条/);
  job = await waitForFleetJob(admin, id, ['completed']);
  assert.equal(job.endEmailFailure, null, 'the mark is gone once it is sent again');
  assert.equal((await admin.post(`fleet/jobs/${id}/resend-end-email`, {})).status, 409, 'nothing failed: nothing to send again');
  assert.equal(email.sent.filter((m) => m.idempotencyKey === key).length, 1, 'sent once');
  const after = await t.ctx.db.selectFrom('audit_log').select('action').where('subject', '=', id).where('action', 'like', 'fleet.end_email%').orderBy('seq').execute();
  assert.deepEqual(after.map((a) => a.action), ['fleet.end_email_failed', 'fleet.end_email_resend']);
});

/** Polls `probe` until it returns something (60 s at most). */
async function waitFor<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (const until = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 250))) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error('not seen within 60 s');
  }
}
