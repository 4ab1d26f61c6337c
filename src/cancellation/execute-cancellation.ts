// Carries out an approved request: approved → executing, then each pending step in order, then
// executing → completed with the certificate serial. Run by a worker from the job queue; safe to
// run again at any point (finished steps are skipped). A step that keeps failing, or that the far
// side refuses for good, moves the request to needs_attention: it is never dropped.
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { AppContext } from '../context.ts';
import type { CarrierSettings, RequestChannel, RequestStatus } from '../db/schema.ts';
import { AppError } from '../shared/errors.ts';
import { PermanentAdapterError } from '../adapters/errors.ts';
import { AttentionError, type AttentionReason } from './attention.ts';
import { moveRequest, requestHead } from './move-request.ts';
import { STEPS, STEP_ORDER, applicableSteps, stepKey, type ExecRequest, type StepName } from './execution-steps.ts';

export type ExecutionOutcome = 'completed' | 'needs_attention' | 'not_executable' | 'retry_later';

/** The request with everything its steps need, in two statements: the request, then its line with the rest. */
async function loadExecRequest(ctx: AppContext, requestId: string): Promise<{ req: ExecRequest; status: RequestStatus; channel: RequestChannel } | undefined> {
  const r = await ctx.db.selectFrom('cancellation_requests').selectAll().where('id', '=', requestId).executeTakeFirst();
  if (!r) return undefined;
  const { settings, payment_channel: paymentChannel, companions, ...line } = await ctx.db.selectFrom('lines as l')
    .innerJoin('billing_accounts as a', 'a.id', 'l.account_id')
    .innerJoin('carriers as c', (j) => j.on('c.code', '=', r.carrier))
    .selectAll('l')
    .select((eb) => ['c.settings', 'a.payment_channel',
      jsonArrayFrom(eb.selectFrom('companion_devices as d').select(['d.id', 'd.iccid']).whereRef('d.line_id', '=', 'l.id').orderBy('d.id')).as('companions')])
    .where('l.id', '=', r.line_id).executeTakeFirstOrThrow();
  return {
    status: r.status, channel: r.channel,
    req: {
      id: r.id, reference: r.reference, hasContactEmail: !!r.contact_email_enc, line, billTotalFen: r.bill_total_fen, refundFen: r.refund_fen, refundRoute: r.refund_route as Record<string, unknown>,
      refundRouteSecretEnc: r.refund_route_secret_enc, settings: settings as CarrierSettings, companions,
      storeId: r.store_id, paymentChannel,
    },
  };
}

/**
 * approved → executing, creating the step list, in one transaction. The move is conditional: false
 * when another worker (or a person) moved the request first.
 */
async function startExecution(ctx: AppContext, req: ExecRequest, channel: RequestChannel): Promise<boolean> {
  const applies = applicableSteps(req);
  // A fleet's lines are proven together by the fleet job's signed manifest, not one PDF each (docs/decisions/0006).
  if (channel === 'fleet') applies.certificate = false;
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await moveRequest(ctx, trx, { requestId: req.id, from: 'approved', to: 'executing', actor: { kind: 'worker' }, msisdn: req.line.msisdn, channel });
      await trx.insertInto('execution_steps').values(STEP_ORDER.map((step, position) => ({
        request_id: req.id, step, position, status: applies[step] ? ('pending' as const) : ('skipped' as const), last_error: null, result: null,
      }))).onConflict((oc) => oc.columns(['request_id', 'step']).doNothing()).execute();
    });
    return true;
  } catch (err) {
    if (err instanceof AppError && err.code === 'conflict') return false; // zero rows: someone else won
    throw err;
  }
}

/**
 * Runs (or resumes) one request. The request is read once: a step's effects on the line and the
 * account do not change what a later step needs from them (the refund re-reads the balance, the
 * certificate reads its own facts). A step costs BEGIN, its conditional mark (which also stores the
 * outside system's answer), its local effects and COMMIT.
 */
export async function executeCancellation(ctx: AppContext, requestId: string): Promise<ExecutionOutcome> {
  const loaded = await loadExecRequest(ctx, requestId);
  if (!loaded) return 'not_executable';
  const { req, channel } = loaded;
  let status = loaded.status;
  if (status === 'approved' && !(await startExecution(ctx, req, channel))) {
    status = (await ctx.db.selectFrom('cancellation_requests').select('status').where('id', '=', requestId).executeTakeFirstOrThrow()).status;
  } else if (status === 'approved') {
    status = 'executing';
  }
  if (status !== 'executing') return 'not_executable';

  const steps = await ctx.db.selectFrom('execution_steps').selectAll().where('request_id', '=', requestId).orderBy('position').execute();
  const issued = steps.find((s) => s.step === 'certificate' && s.status === 'done')?.result;
  let serial = typeof issued === 'string' ? issued : undefined;
  for (const s of steps) {
    if (s.status === 'done' || s.status === 'skipped') continue;
    const step = s.step as StepName;
    try {
      const { result, local } = await STEPS[step](ctx, req, stepKey(requestId, step));
      const localResult = await ctx.db.transaction().execute(async (trx) => {
        // Mark the step done first, conditionally: if another worker finished it meanwhile, its local
        // effects (balance changes, the certificate) must not be applied a second time.
        const marked = await trx.updateTable('execution_steps')
          .set((eb) => ({ status: 'done', attempts: eb('attempts', '+', 1), last_error: null, result: JSON.stringify(result ?? null), updated_at: new Date() }))
          .where('request_id', '=', requestId).where('step', '=', step).where('status', '<>', 'done').executeTakeFirst();
        if (Number(marked.numUpdatedRows) !== 1) return undefined;
        const out = local ? await local(trx) : undefined;
        if (out !== undefined) {
          await trx.updateTable('execution_steps').set({ result: JSON.stringify(out) }).where('request_id', '=', requestId).where('step', '=', step).execute();
        }
        return out;
      });
      if (step === 'certificate') serial = typeof localResult === 'string' ? localResult : undefined;
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

  // The serial is known unless another worker issued the certificate while this one ran the step.
  serial ??= (await ctx.db.selectFrom('cancellation_requests').select('certificate_serial').where('id', '=', requestId).executeTakeFirstOrThrow()).certificate_serial ?? undefined;
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await moveRequest(ctx, trx, {
        requestId, from: 'executing', to: 'completed', actor: { kind: 'worker' }, msisdn: req.line.msisdn, channel,
        patch: { completed_at: ctx.now() }, serial, auditDetails: { certificateSerial: serial ?? null },
      });
    });
  } catch (err) {
    if (err instanceof AppError && err.code === 'conflict') return 'not_executable'; // another worker completed it (or it was escalated)
    throw err;
  }
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
