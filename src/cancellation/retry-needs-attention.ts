// Ops retries a request that needs attention: it resumes from the step that failed. In one
// transaction: the failed step gets a fresh set of attempts (status pending, attempts 0), the
// request moves needs_attention → executing (timeline, audit entry with who and from where), and the
// execution job is enqueued. Steps already done are never repeated: executeCancellation skips them.
// A request escalated before its execution started (its job failed every retry while approved) has
// no step list yet: it gets one here, as startExecution would have written it.
import type { AppContext } from '../context.ts';
import { AppError } from '../shared/errors.ts';
import { QUEUES } from '../jobs/queue.ts';
import { moveRequest, requestHead } from './move-request.ts';
import { STEP_ORDER, applicableSteps } from './execution-steps.ts';

export async function retryNeedsAttention(
  ctx: AppContext,
  who: { staffId: string; ip: string },
  requestId: string,
): Promise<{ id: string; status: 'executing'; resumesAt: string | null }> {
  return ctx.db.transaction().execute(async (trx) => {
    const head = await requestHead(trx, requestId);
    if (!head) throw new AppError('not_found', 'The request was not found.');
    if (head.status !== 'needs_attention') {
      throw new AppError('conflict', `Only a request that needs attention can be retried; this one is ${head.status}.`, { status: head.status });
    }
    const hasSteps = await trx.selectFrom('execution_steps').select('step').where('request_id', '=', requestId).limit(1).executeTakeFirst();
    if (!hasSteps) {
      const r = await trx.selectFrom('cancellation_requests').select(['line_id', 'refund_fen']).where('id', '=', requestId).executeTakeFirstOrThrow();
      const line = await trx.selectFrom('lines').selectAll().where('id', '=', r.line_id).executeTakeFirstOrThrow();
      const companions = await trx.selectFrom('companion_devices').select(['id', 'iccid']).where('line_id', '=', r.line_id).execute();
      const applies = applicableSteps({ line, refundFen: r.refund_fen, companions });
      await trx.insertInto('execution_steps').values(STEP_ORDER.map((step, position) => ({
        request_id: requestId, step, position, status: applies[step] ? ('pending' as const) : ('skipped' as const), last_error: null, result: null,
      }))).execute();
    }
    const failed = await trx.selectFrom('execution_steps').select(['step', 'attempts', 'last_error'])
      .where('request_id', '=', requestId).where('status', '=', 'failed').orderBy('position').execute();
    const next = failed[0] ?? await trx.selectFrom('execution_steps').select(['step', 'attempts', 'last_error'])
      .where('request_id', '=', requestId).where('status', '=', 'pending').orderBy('position').limit(1).executeTakeFirst();
    if (failed.length) {
      await trx.updateTable('execution_steps').set({ status: 'pending', attempts: 0, updated_at: new Date() })
        .where('request_id', '=', requestId).where('status', '=', 'failed').execute();
    }
    const step = next?.step ?? null;
    await moveRequest(ctx, trx, {
      requestId, from: 'needs_attention', to: 'executing', actor: { kind: 'staff', id: who.staffId, ip: who.ip },
      note: step ? `retried from step ${step}` : 'retried', msisdn: head.msisdn, channel: head.channel,
      auditDetails: { step, previousAttempts: next?.attempts ?? 0, lastError: next?.last_error ?? null },
    });
    await ctx.jobs.send(trx, QUEUES.execute, { requestId }, { key: requestId });
    return { id: requestId, status: 'executing' as const, resumesAt: step };
  });
}
