// A reviewer approves (execution starts, in the same transaction) or rejects with a reason the
// subscriber will see. Two reviewers on the same request: the second is told someone else decided.
// A request another reviewer holds a claim on is refused (claimed_by_other) until the claim expires;
// the check is the claim's own conditional update, in the decision's transaction.
import type { AppContext } from '../context.ts';
import { AppError } from '../shared/errors.ts';
import { QUEUES } from '../jobs/queue.ts';
import { moveRequest, requestHead } from './move-request.ts';
import { takeClaim } from './claim-review.ts';

interface Reviewer { staffId: string; ip: string }

const RELEASED = { claimed_by: null, claim_expires_at: null };

export async function approveCancellation(ctx: AppContext, who: Reviewer, requestId: string): Promise<{ id: string; status: string }> {
  return ctx.db.transaction().execute(async (trx) => {
    const head = await requestHead(trx, requestId);
    if (!head) throw new AppError('not_found', 'The request was not found.');
    const now = ctx.now();
    await takeClaim(ctx, trx, who, requestId, 1);
    await moveRequest(ctx, trx, {
      requestId, from: 'pending_review', to: 'approved', actor: { kind: 'staff', id: who.staffId, ip: who.ip },
      patch: { decided_by: who.staffId, decided_at: now, ...RELEASED }, msisdn: head.msisdn, channel: head.channel,
    });
    await ctx.jobs.send(trx, QUEUES.execute, { requestId }, { key: requestId });
    ctx.metrics.reviewLatency.observe({ carrier: head.carrier, decision: 'approved' }, (now.getTime() - head.created_at.getTime()) / 1000);
    return { id: requestId, status: 'approved' };
  });
}

export async function rejectCancellation(ctx: AppContext, who: Reviewer, requestId: string, reason: string): Promise<{ id: string; status: string }> {
  const text = reason.trim();
  if (text.length < 4) throw new AppError('validation_failed', 'Give the subscriber a reason they can act on (at least 4 characters).');
  if (text.length > 500) throw new AppError('validation_failed', 'Keep the reason under 500 characters.');
  return ctx.db.transaction().execute(async (trx) => {
    const head = await requestHead(trx, requestId);
    if (!head) throw new AppError('not_found', 'The request was not found.');
    const now = ctx.now();
    await takeClaim(ctx, trx, who, requestId, 1);
    await moveRequest(ctx, trx, {
      requestId, from: 'pending_review', to: 'rejected', actor: { kind: 'staff', id: who.staffId, ip: who.ip }, note: text,
      patch: { decided_by: who.staffId, decided_at: now, rejection_reason: text, ...RELEASED }, msisdn: head.msisdn, channel: head.channel, reason: text,
    });
    ctx.metrics.reviewLatency.observe({ carrier: head.carrier, decision: 'rejected' }, (now.getTime() - head.created_at.getTime()) / 1000);
    return { id: requestId, status: 'rejected' };
  });
}
