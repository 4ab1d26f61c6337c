// Ops resolves a request that needs attention by hand: staff finished the outstanding work outside
// the platform (for example removed the subscriber in the HSS console, or paid the refund by bank
// transfer) and say so in a note. In one transaction:
// - the outstanding steps (failed or pending) are marked skipped, with the note as their result;
// - the records a cancelled line must have are brought in line: the line is cancelled (if the
//   network step had not run), its companions stopped, its number frozen for the carrier's freeze
//   period (if the freeze step had not run). Money is NOT written to the ledger for a final bill or
//   refund step that did not run: only finance can say what was actually charged or paid, so those
//   steps are listed in the audit entry (moneyStepsNotRecorded) for reconciliation;
// - the certificate is issued if it was not yet: the subscriber gets the same proof as after an
//   automatic completion (this is the choice made here: a completed request always has a certificate);
// - the request moves needs_attention → completed with the note in the timeline and the audit trail,
//   and the subscriber gets the completion SMS.
import type { AppContext } from '../context.ts';
import type { CarrierSettings } from '../db/schema.ts';
import { AppError } from '../shared/errors.ts';
import { issueCertificate } from '../certificates/issue-certificate.ts';
import { moveRequest, requestHead } from './move-request.ts';

const MONEY_STEPS = ['final_bill', 'refund'];

export async function resolveNeedsAttention(
  ctx: AppContext,
  who: { staffId: string; ip: string },
  requestId: string,
  note: string,
): Promise<{ id: string; status: 'completed'; certificateSerial: string; resolvedSteps: string[] }> {
  const text = note.trim();
  if (text.length < 4) throw new AppError('validation_failed', 'Say what was done by hand (at least 4 characters).', { field: 'note' });
  if (text.length > 1000) throw new AppError('validation_failed', 'Keep the note under 1000 characters.', { field: 'note' });
  return ctx.db.transaction().execute(async (trx) => {
    const head = await requestHead(trx, requestId);
    if (!head) throw new AppError('not_found', 'The request was not found.');
    if (head.status !== 'needs_attention') {
      throw new AppError('conflict', `Only a request that needs attention can be resolved by hand; this one is ${head.status}.`, { status: head.status });
    }
    const now = ctx.now();
    const r = await trx.selectFrom('cancellation_requests').select(['line_id', 'certificate_serial']).where('id', '=', requestId).executeTakeFirstOrThrow();
    const steps = await trx.selectFrom('execution_steps').select(['step', 'status']).where('request_id', '=', requestId).orderBy('position').execute();
    const ran = (step: string) => steps.some((s) => s.step === step && (s.status === 'done' || s.status === 'skipped'));
    const outstanding = steps.filter((s) => s.status === 'failed' || s.status === 'pending').map((s) => s.step);
    if (outstanding.length) {
      await trx.updateTable('execution_steps')
        .set({ status: 'skipped', result: JSON.stringify({ resolvedByHand: true, by: who.staffId, note: text }), updated_at: now })
        .where('request_id', '=', requestId).where('step', 'in', outstanding).execute();
    }

    const line = await trx.selectFrom('lines').selectAll().where('id', '=', r.line_id).executeTakeFirstOrThrow();
    if (!ran('network_deprovision') && line.status !== 'cancelled') {
      await trx.updateTable('lines').set((eb) => ({ status: 'cancelled', cancelled_at: now, version: eb('version', '+', 1), updated_at: now }))
        .where('id', '=', line.id).execute();
    }
    if (!ran('companion_devices')) {
      await trx.updateTable('companion_devices').set({ status: 'stopped' }).where('line_id', '=', line.id).execute();
    }
    if (!ran('number_freeze')) {
      const carrier = await trx.selectFrom('carriers').select('settings').where('code', '=', line.carrier).executeTakeFirstOrThrow();
      const frozenUntil = new Date(now.getTime() + (carrier.settings as CarrierSettings).freezeDays * 86_400_000);
      await trx.insertInto('number_pool').values({
        msisdn: line.msisdn, carrier: line.carrier, state: 'frozen', line_id: line.id, former_customer_id: line.customer_id, frozen_until: frozenUntil,
      }).onConflict((oc) => oc.column('msisdn').doUpdateSet({
        state: 'frozen', line_id: line.id, former_customer_id: line.customer_id, frozen_until: frozenUntil, updated_at: now,
      })).execute();
    }
    const issuedNow = !r.certificate_serial;
    const serial = r.certificate_serial ?? await issueCertificate(ctx, trx, requestId, now);

    await moveRequest(ctx, trx, {
      requestId, from: 'needs_attention', to: 'completed', actor: { kind: 'staff', id: who.staffId, ip: who.ip }, note: text,
      patch: { completed_at: now, certificate_serial: serial }, msisdn: head.msisdn, channel: head.channel, serial,
      auditDetails: {
        resolvedSteps: outstanding,
        moneyStepsNotRecorded: outstanding.filter((s) => MONEY_STEPS.includes(s)),
        certificateSerial: serial,
        certificateIssuedOnResolve: issuedNow,
      },
    });
    return { id: requestId, status: 'completed' as const, certificateSerial: serial, resolvedSteps: outstanding };
  });
}
