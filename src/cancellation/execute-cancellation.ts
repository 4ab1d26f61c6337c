// Carries out an approved request: approved → executing, then each pending step in order, then
// executing → completed with the certificate serial. Run by a worker from the job queue; safe to
// run again at any point (finished steps are skipped). A step that keeps failing, or that the far
// side refuses for good, moves the request to needs_attention: it is never dropped.
import type { AppContext } from '../context.ts';
import type { CarrierSettings } from '../db/schema.ts';
import { PermanentAdapterError } from '../adapters/errors.ts';
import { AttentionError, type AttentionReason } from './attention.ts';
import { moveRequest, requestHead } from './move-request.ts';
import { STEPS, STEP_ORDER, applicableSteps, stepKey, type ExecRequest, type StepName } from './execution-steps.ts';

export type ExecutionOutcome = 'completed' | 'needs_attention' | 'not_executable' | 'retry_later';

async function loadExecRequest(ctx: AppContext, requestId: string): Promise<ExecRequest> {
  const r = await ctx.db.selectFrom('cancellation_requests').selectAll().where('id', '=', requestId).executeTakeFirstOrThrow();
  const [line, carrier, companions, account] = await Promise.all([
    ctx.db.selectFrom('lines').selectAll().where('id', '=', r.line_id).executeTakeFirstOrThrow(),
    ctx.db.selectFrom('carriers').select('settings').where('code', '=', r.carrier).executeTakeFirstOrThrow(),
    ctx.db.selectFrom('companion_devices').select(['id', 'iccid']).where('line_id', '=', r.line_id).orderBy('id').execute(),
    ctx.db.selectFrom('billing_accounts as a').innerJoin('lines as l', 'l.account_id', 'a.id').select('a.payment_channel').where('l.id', '=', r.line_id).executeTakeFirstOrThrow(),
  ]);
  return {
    id: r.id, reference: r.reference, hasContactEmail: !!r.contact_email_enc, line, billTotalFen: r.bill_total_fen, refundFen: r.refund_fen, refundRoute: r.refund_route as Record<string, unknown>,
    refundRouteSecretEnc: r.refund_route_secret_enc, settings: carrier.settings as CarrierSettings, companions,
    storeId: r.store_id, paymentChannel: account.payment_channel,
  };
}

/** approved → executing, creating the step list, in one transaction. */
async function startExecution(ctx: AppContext, requestId: string): Promise<void> {
  const req = await loadExecRequest(ctx, requestId);
  const applies = applicableSteps(req);
  await ctx.db.transaction().execute(async (trx) => {
    const head = await requestHead(trx, requestId);
    if (!head || head.status !== 'approved') return;
    await moveRequest(ctx, trx, { requestId, from: 'approved', to: 'executing', actor: { kind: 'worker' }, msisdn: head.msisdn, channel: head.channel });
    await trx.insertInto('execution_steps').values(STEP_ORDER.map((step, position) => ({
      request_id: requestId, step, position, status: applies[step] ? ('pending' as const) : ('skipped' as const), last_error: null, result: null,
    }))).onConflict((oc) => oc.columns(['request_id', 'step']).doNothing()).execute();
  });
}

export async function executeCancellation(ctx: AppContext, requestId: string): Promise<ExecutionOutcome> {
  const initial = await ctx.db.selectFrom('cancellation_requests').select('status').where('id', '=', requestId).executeTakeFirst();
  if (!initial) return 'not_executable';
  if (initial.status === 'approved') await startExecution(ctx, requestId);
  const status = (await ctx.db.selectFrom('cancellation_requests').select('status').where('id', '=', requestId).executeTakeFirstOrThrow()).status;
  if (status !== 'executing') return 'not_executable';

  const steps = await ctx.db.selectFrom('execution_steps').selectAll().where('request_id', '=', requestId).orderBy('position').execute();
  for (const s of steps) {
    if (s.status === 'done' || s.status === 'skipped') continue;
    const step = s.step as StepName;
    // Reload before each step: earlier steps change the line and the account.
    const req = await loadExecRequest(ctx, requestId);
    try {
      const { result, local } = await STEPS[step](ctx, req, stepKey(requestId, step));
      await ctx.db.transaction().execute(async (trx) => {
        // Mark the step done first, conditionally: if another worker finished it meanwhile, its local
        // effects (balance changes, the certificate) must not be applied a second time.
        const marked = await trx.updateTable('execution_steps')
          .set((eb) => ({ status: 'done', attempts: eb('attempts', '+', 1), last_error: null, updated_at: new Date() }))
          .where('request_id', '=', requestId).where('step', '=', step).where('status', '<>', 'done').executeTakeFirst();
        if (Number(marked.numUpdatedRows) !== 1) return;
        const localResult = local ? await local(trx) : undefined;
        await trx.updateTable('execution_steps').set({ result: JSON.stringify(localResult ?? result ?? null) })
          .where('request_id', '=', requestId).where('step', '=', step).execute();
      });
      ctx.metrics.stepRuns.inc({ step, outcome: 'done' });
    } catch (err) {
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      const attempts = s.attempts + 1;
      await ctx.db.updateTable('execution_steps').set({ status: 'failed', attempts, last_error: message.slice(0, 1000), updated_at: new Date() })
        .where('request_id', '=', requestId).where('step', '=', step).execute();
      ctx.metrics.stepRuns.inc({ step, outcome: 'failed' });
      if (err instanceof AttentionError) {
        await escalate(ctx, requestId, `${step}: ${err.message}`, err.reason);
        return 'needs_attention';
      }
      const permanent = err instanceof PermanentAdapterError;
      if (permanent || attempts >= ctx.execution.maxStepAttempts) {
        await escalate(ctx, requestId, `${step} failed ${attempts} time(s)${permanent ? ' (refused by the far side)' : ''}: ${message}`,
          permanent ? 'refused_by_far_side' : 'step_failed_repeatedly');
        return 'needs_attention';
      }
      ctx.logger.warn({ requestId, step, attempts }, 'execution step failed; will retry');
      return 'retry_later';
    }
  }

  await ctx.db.transaction().execute(async (trx) => {
    const head = await requestHead(trx, requestId);
    const serial = (await trx.selectFrom('cancellation_requests').select('certificate_serial').where('id', '=', requestId).executeTakeFirstOrThrow()).certificate_serial;
    await moveRequest(ctx, trx, {
      requestId, from: 'executing', to: 'completed', actor: { kind: 'worker' }, msisdn: head!.msisdn, channel: head!.channel,
      patch: { completed_at: ctx.now() }, serial: serial ?? undefined, auditDetails: { certificateSerial: serial },
    });
  });
  return 'completed';
}

export async function escalate(ctx: AppContext, requestId: string, reason: string, code: AttentionReason): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const head = await requestHead(trx, requestId);
    if (!head || (head.status !== 'executing' && head.status !== 'approved')) return;
    await moveRequest(ctx, trx, {
      requestId, from: head.status, to: 'needs_attention', actor: { kind: 'worker' }, note: reason.slice(0, 500), msisdn: head.msisdn, channel: head.channel,
      patch: { attention_reason: code }, auditDetails: { reason: code },
    });
  });
}
