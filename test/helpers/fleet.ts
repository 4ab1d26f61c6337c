// Running a demo fleet job to its end through the API, shared by the fleet tests.
import assert from 'node:assert/strict';
import type { AppContext } from '../../src/context.ts';
import { DEMO_COMPANY } from '../../src/db/seed/companies.ts';
import type { ApiClient } from './api.ts';

/** Up to n lines of the demo company nobody has asked to cancel yet, without blockers (no port-out, bundle or arrears). */
export async function freshFleetLines(ctx: AppContext, n: number) {
  return ctx.db.selectFrom('lines as l').select(['l.id', 'l.iccid', 'l.imsi', 'l.msisdn', 'l.carrier']).where('l.company_id', '=', DEMO_COMPANY.id).where('l.status', '=', 'active')
    .where('l.port_out_status', '=', 'none').where('l.bundle_role', '=', 'none')
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('billing_accounts as a').select('a.id').whereRef('a.id', '=', 'l.account_id').where('a.arrears_fen', '>', 0))))
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('cancellation_requests as r').select('r.id').whereRef('r.line_id', '=', 'l.id'))))
    .orderBy('l.iccid', 'desc').limit(n).execute();
}

/** Polls the job until its status is one of `statuses` (60 s at most) and returns its view. */
export async function waitForFleetJob(admin: ApiClient, id: string, statuses: string[]) {
  for (const until = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 250))) {
    const job = (await admin.get(`fleet/jobs/${id}`)).body;
    if (statuses.includes(job.status) || Date.now() > until) return job;
  }
}

/** Dry run, confirm, and wait for the end: the job's id and its final view. */
export async function runFleetJob(admin: ApiClient, rows: string[]) {
  const plan = await admin.post('fleet/jobs', { rows });
  assert.equal(plan.status, 201, JSON.stringify(plan.body));
  const confirmed = await admin.post(`fleet/jobs/${plan.body.id}/confirm`, {});
  assert.equal(confirmed.status, 202, JSON.stringify(confirmed.body));
  const job = await waitForFleetJob(admin, plan.body.id, ['completed']);
  assert.equal(job.status, 'completed', JSON.stringify(job.counts));
  return { id: plan.body.id as string, job };
}

/**
 * The e-mails with the key of a fleet job's end, once there is one (the end queues it; a worker sends
 * it: 30 s at most), or none. Waits on the dev outbox of the database the workers write to.
 */
export async function waitForFleetEndEmail(db: AppContext['db'], jobId: string) {
  for (const until = Date.now() + 30_000; ; await new Promise((r) => setTimeout(r, 250))) {
    const mail = await db.selectFrom('email_outbox').select(['subject', 'text']).where('idempotency_key', '=', `fleet:${jobId}:ended`).execute();
    if (mail.length || Date.now() > until) return mail;
  }
}
