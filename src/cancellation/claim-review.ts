// A reviewer claims a request waiting for review for a while, so two reviewers do not read the same
// file; others see who holds it. The claim is a conditional update: it is taken only when nobody
// else holds an unexpired claim (zero rows: someone else has it, and the answer names them).
// Releasing gives it back; a decision clears it.
import type { Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { DB } from '../db/schema.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { AppError } from '../shared/errors.ts';

export const DEFAULT_CLAIM_MINUTES = 15;
export const MAX_CLAIM_MINUTES = 60;

interface Reviewer { staffId: string; ip: string }

export interface ReviewClaim { staffId: string; username: string; displayName: string; expiresAt: string }

/** Who holds an unexpired claim on the request, if anyone. */
export async function readClaim(db: AppContext['db'] | Transaction<DB>, requestId: string, now: Date): Promise<ReviewClaim | null> {
  const row = await db.selectFrom('cancellation_requests as r').innerJoin('staff as s', 's.id', 'r.claimed_by')
    .select(['s.id', 's.username', 's.display_name', 'r.claim_expires_at'])
    .where('r.id', '=', requestId).where('r.claim_expires_at', '>', now).executeTakeFirst();
  return row && row.claim_expires_at
    ? { staffId: row.id, username: row.username, displayName: row.display_name, expiresAt: new Date(row.claim_expires_at).toISOString() }
    : null;
}

/**
 * Takes (or renews) the claim for `who` inside `trx` when the request waits for review and nobody
 * else holds it. Throws not_found, conflict (no longer waiting) or claimed_by_other.
 */
export async function takeClaim(ctx: AppContext, trx: Transaction<DB>, who: Reviewer, requestId: string, minutes: number): Promise<ReviewClaim> {
  const now = ctx.now();
  const expires = new Date(now.getTime() + minutes * 60_000);
  const taken = await trx.updateTable('cancellation_requests')
    .set({ claimed_by: who.staffId, claim_expires_at: expires })
    .where('id', '=', requestId).where('status', '=', 'pending_review')
    .where((eb) => eb.or([eb('claimed_by', 'is', null), eb('claimed_by', '=', who.staffId), eb('claim_expires_at', '<=', now)]))
    .executeTakeFirst();
  if (Number(taken.numUpdatedRows) === 1) {
    const claim = await readClaim(trx, requestId, now);
    if (!claim) throw new AppError('not_found', 'The request was not found.');
    return claim;
  }
  const row = await trx.selectFrom('cancellation_requests').select(['status']).where('id', '=', requestId).executeTakeFirst();
  if (!row) throw new AppError('not_found', 'The request was not found.');
  if (row.status !== 'pending_review') {
    throw new AppError('conflict', `The request is ${row.status} now, not pending_review: someone else acted on it first.`, { requestId, status: row.status });
  }
  throw claimedByOther(await readClaim(trx, requestId, now));
}

export function claimedByOther(holder: ReviewClaim | null): AppError {
  const name = holder ? `${holder.displayName} (${holder.username})` : 'another reviewer';
  return new AppError('claimed_by_other', `Another reviewer, ${name}, holds this request${holder ? ` until ${holder.expiresAt}` : ''}. Only they can decide it until the claim expires.`, {
    claimedBy: holder?.username ?? null, claimedByName: holder ? name : null, claimExpiresAt: holder?.expiresAt ?? null,
  });
}

export async function claimReview(ctx: AppContext, who: Reviewer, requestId: string, minutes = DEFAULT_CLAIM_MINUTES): Promise<{ id: string; claim: ReviewClaim }> {
  return ctx.db.transaction().execute(async (trx) => {
    const claim = await takeClaim(ctx, trx, who, requestId, minutes);
    await appendAudit(trx, { actorKind: 'staff', actorId: who.staffId, ip: who.ip, action: 'review.claim', requestId, details: { minutes, expiresAt: claim.expiresAt } });
    return { id: requestId, claim };
  });
}

/** Gives the claim back. Only the holder releases; releasing what one does not hold is a no-op answer. */
export async function releaseReview(ctx: AppContext, who: Reviewer, requestId: string): Promise<{ id: string; claim: ReviewClaim | null }> {
  return ctx.db.transaction().execute(async (trx) => {
    const exists = await trx.selectFrom('cancellation_requests').select('id').where('id', '=', requestId).executeTakeFirst();
    if (!exists) throw new AppError('not_found', 'The request was not found.');
    const released = await trx.updateTable('cancellation_requests').set({ claimed_by: null, claim_expires_at: null })
      .where('id', '=', requestId).where('claimed_by', '=', who.staffId).executeTakeFirst();
    if (Number(released.numUpdatedRows) === 1) {
      await appendAudit(trx, { actorKind: 'staff', actorId: who.staffId, ip: who.ip, action: 'review.release', requestId, details: {} });
    }
    return { id: requestId, claim: await readClaim(trx, requestId, ctx.now()) };
  });
}
