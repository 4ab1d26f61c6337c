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
import { STEPS, STEP_ORDER, applicableSteps, stepKey, type ExecRequest, type StepCall, type StepName } from './execution-steps.ts';

export type ExecutionOutcome = 'completed' | 'needs_attention' | 'not_executable' | 'retry_later';

export interface LoadedExecRequest { req: ExecRequest; status: RequestStatus; channel: RequestChannel }

/**
 * The requests with everything their steps need, in two statements whatever their number: the
 * requests, then their lines with the account, the carrier's settings and the companions. A fleet
 * chunk loads its 500 at once; the single path loads one.
 */
export async function loadExecRequests(ctx: AppContext, requestIds: readonly string[]): Promise<Map<string, LoadedExecRequest>> {
  const out = new Map<string, LoadedExecRequest>();
  if (requestIds.length === 0) return out;
  // What the steps use, not the stored quote (1.7 kB of JSON a request, kept beside the row) nor the rest.
  const requests = await ctx.db.selectFrom('cancellation_requests')
    .select(['id', 'status', 'channel', 'reference', 'line_id', 'carrier', 'bill_total_fen', 'refund_fen', 'refund_route', 'refund_route_secret_enc', 'store_id'])
    .select((eb) => eb('contact_email_enc', 'is not', null).as('has_contact_email'))
    .where('id', 'in', [...requestIds]).execute();
  if (requests.length === 0) return out;
  const lines = await ctx.db.selectFrom('lines as l')
    .innerJoin('billing_accounts as a', 'a.id', 'l.account_id')
    .innerJoin('carriers as c', 'c.code', 'l.carrier')
    .selectAll('l')
    .select((eb) => ['c.settings', 'a.payment_channel',
      jsonArrayFrom(eb.selectFrom('companion_devices as d').select(['d.id', 'd.iccid']).whereRef('d.line_id', '=', 'l.id').orderBy('d.id')).as('companions')])
    .where('l.id', 'in', [...new Set(requests.map((r) => r.line_id))]).execute();
  const byLine = new Map(lines.map((l) => [l.id, l]));
  // The carrier's settings are the request's carrier's (the line's carrier, as opened).
  const settingsOf = new Map<string, CarrierSettings>();
  const missing = [...new Set(requests.map((r) => r.carrier))].filter((c) => !lines.some((l) => l.carrier === c));
  if (missing.length) {
    for (const c of await ctx.db.selectFrom('carriers').select(['code', 'settings']).where('code', 'in', missing).execute()) settingsOf.set(c.code, c.settings as CarrierSettings);
  }
  for (const l of lines) settingsOf.set(l.carrier, l.settings as CarrierSettings);
  for (const r of requests) {
    const found = byLine.get(r.line_id);
    if (!found) throw new Error(`request ${r.id}: its line is missing`);
    const { settings: _lineCarrierSettings, payment_channel: paymentChannel, companions, ...line } = found;
    void _lineCarrierSettings;
    out.set(r.id, {
      status: r.status, channel: r.channel,
      req: {
        id: r.id, reference: r.reference, hasContactEmail: !!r.has_contact_email, line, billTotalFen: r.bill_total_fen, refundFen: r.refund_fen, refundRoute: r.refund_route as Record<string, unknown>,
        refundRouteSecretEnc: r.refund_route_secret_enc, settings: settingsOf.get(r.carrier)!, companions,
        storeId: r.store_id, paymentChannel,
      },
    });
  }
  return out;
}

/** The step list of a request that starts executing: every step, pending or skipped. */
export function executionStepRows(req: ExecRequest, channel: RequestChannel) {
  const applies = applicableSteps(req);
  // A fleet's lines are proven together by the fleet job's signed manifest, not one PDF each (docs/decisions/0006).
  if (channel === 'fleet') applies.certificate = false;
  return STEP_ORDER.map((step, position) => ({
    request_id: req.id, step, position, status: applies[step] ? ('pending' as const) : ('skipped' as const), last_error: null, result: null,
  }));
}

/**
 * approved → executing, creating the step list, in one transaction. The move is conditional: false
 * when another worker (or a person) moved the request first.
 */
async function startExecution(ctx: AppContext, req: ExecRequest, channel: RequestChannel): Promise<boolean> {
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await moveRequest(ctx, trx, { requestId: req.id, from: 'approved', to: 'executing', actor: { kind: 'worker' }, msisdn: req.line.msisdn, channel });
      await trx.insertInto('execution_steps').values(executionStepRows(req, channel)).onConflict((oc) => oc.columns(['request_id', 'step']).doNothing()).execute();
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
  const loaded = (await loadExecRequests(ctx, [requestId])).get(requestId);
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
      const localResult = await commitStep(ctx, requestId, step, await STEPS[step](ctx, req, stepKey(requestId, step)));
      if (step === 'certificate') serial = typeof localResult === 'string' ? localResult : undefined;
    } catch (err) {
      return recordStepFailure(ctx, requestId, step, s.attempts, err);
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

/**
 * A step's call came back: in one transaction, mark it done (conditionally: if another worker
 * finished it meanwhile, its local effects — balance changes, the certificate — must not apply a
 * second time) and apply its local effects. Returns what the effects returned (the serial), or
 * undefined when the step was done already.
 */
export async function commitStep(ctx: AppContext, requestId: string, step: StepName, call: StepCall): Promise<unknown> {
  const out = await ctx.db.transaction().execute(async (trx) => {
    const marked = await trx.updateTable('execution_steps')
      .set((eb) => ({ status: 'done', attempts: eb('attempts', '+', 1), last_error: null, result: JSON.stringify(call.result ?? null), updated_at: new Date() }))
      .where('request_id', '=', requestId).where('step', '=', step).where('status', '<>', 'done').executeTakeFirst();
    if (Number(marked.numUpdatedRows) !== 1) return undefined;
    const localOut = call.local ? await call.local(trx) : undefined;
    if (localOut !== undefined) {
      await trx.updateTable('execution_steps').set({ result: JSON.stringify(localOut) }).where('request_id', '=', requestId).where('step', '=', step).execute();
    }
    return localOut;
  });
  ctx.metrics.stepRuns.inc({ step, outcome: 'done' });
  return out;
}

/**
 * A step failed (its call, its checks or its local effects; `attemptsBefore` is what its row said):
 * the row says failed with the error; a promise the step would break (AttentionError), a refusal
 * for good, or the last allowed attempt moves the request to needs_attention; otherwise it is to be
 * retried later.
 */
export async function recordStepFailure(ctx: AppContext, requestId: string, step: StepName, attemptsBefore: number, err: unknown): Promise<'needs_attention' | 'retry_later'> {
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  const attempts = attemptsBefore + 1;
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
