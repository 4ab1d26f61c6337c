// Status SMS of fleet lines: a data-only IoT SIM (a 13-digit IoT number) is sent none, a staff phone
// of the same company is. Seen where a person would see it: the SMS outbox, after the network
// refused each line for good (the request goes to needs attention, a change that sends a notice).
// Runs on PGlite, and on PostgreSQL when DATABASE_URL is set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withFleetAdmin } from '../helpers/fleet-admin.ts';
import { DEMO_COMPANY } from '../../src/db/seed/companies.ts';
import { checkMsisdn } from '../../src/identifiers/index.ts';

const app = withFleetAdmin();

const smsTo = (msisdn: string) => app.t.ctx.db.selectFrom('sms_outbox').select('text').where('to_msisdn', '=', msisdn).execute();

/** A job over the given lines, confirmed and followed to its end; with `refuse`, the network refuses its first call for good. */
async function runJob(iccids: string[], refuse: boolean) {
  const control = (app.t.ctx.adapters.network as unknown as { control: { permanentFailNext: number } }).control;
  const plan = await app.admin.post('fleet/jobs', { rows: iccids });
  assert.equal(plan.status, 201, JSON.stringify(plan.body));
  assert.equal(plan.body.counts.ready, iccids.length, JSON.stringify(plan.body.counts));
  if (refuse) control.permanentFailNext = 1;
  assert.equal((await app.admin.post(`fleet/jobs/${plan.body.id}/confirm`, {})).status, 202);
  let job;
  for (const until = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 250))) {
    job = (await app.admin.get(`fleet/jobs/${plan.body.id}`)).body;
    if (job.status === 'completed' || Date.now() > until) break;
  }
  return job;
}

/** A one-line job the network refuses for good: the line's request ends in needs attention. */
async function failedJob(iccid: string) {
  const job = await runJob([iccid], true);
  assert.equal(job.counts.failed, 1, JSON.stringify(job.counts));
}

/** The status notice of needs attention ("hit a problem; our staff are on it"). */
const attentionNotices = async (msisdn: string) => (await smsTo(msisdn)).filter((m) => m.text.includes('hit a problem'));

/** The company's first active, unblocked physical line of that use, after skipping `skip` of them. */
const pick = (use: 'staff' | 'iot', skip = 0) => app.t.ctx.db.selectFrom('lines as l').innerJoin('billing_accounts as a', 'a.id', 'l.account_id')
  .select(['l.id', 'l.iccid', 'l.msisdn'])
  .where('l.company_id', '=', DEMO_COMPANY.id).where('l.line_use', '=', use).where('l.status', '=', 'active').where('l.form_factor', '=', 'physical')
  .where('l.port_out_status', '=', 'none').where('l.bundle_role', '=', 'none').where('l.has_broadband', '=', false).where('a.arrears_fen', '=', 0)
  .orderBy('l.iccid').offset(skip).limit(1).executeTakeFirstOrThrow();

test('a line that needs attention: the staff phone is told, the IoT SIM is sent no status notice', async () => {
  const staff = await pick('staff');
  const iot = await pick('iot');
  assert.equal(checkMsisdn(iot.msisdn).iot, true, 'the IoT SIM has a 13-digit IoT number');
  assert.notEqual(checkMsisdn(staff.msisdn).iot, true, 'the staff phone has an ordinary number');

  await failedJob(iot.iccid); // first: its notice, were there one, would be queued before the staff phone's
  await failedJob(staff.iccid);
  let staffSms: Array<{ text: string }> = [];
  for (const until = Date.now() + 30_000; staffSms.length === 0 && Date.now() < until; await new Promise((r) => setTimeout(r, 250))) {
    staffSms = await attentionNotices(staff.msisdn);
  }
  assert.equal(staffSms.length, 1, 'the staff phone hears its cancellation hit a problem');
  assert.match(staffSms[0].text, new RegExp(staff.msisdn.slice(-4)));
  assert.deepEqual(await attentionNotices(iot.msisdn), [], 'the IoT SIM is sent no status notice');
});

test('lines cancelled: the staff phone gets the last notice before it goes silent, the IoT SIM gets no SMS at all', async () => {
  const staff = await pick('staff', 1); // the first of each use went to needs attention above
  const iot = await pick('iot', 1);
  const job = await runJob([staff.iccid, iot.iccid], false);
  assert.equal(job.counts.completed, 2, JSON.stringify(job.counts));
  const lastNotice = (m: { text: string }) => m.text.includes('will stop receiving SMS');
  assert.equal((await smsTo(staff.msisdn)).filter(lastNotice).length, 1, 'the staff phone hears it is being cancelled, once');
  assert.deepEqual(await smsTo(iot.msisdn), [], 'nothing is sent to the IoT SIM');
});
