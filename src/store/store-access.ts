// Who may read a store request: a clerk, the requests of their own store; reviewers (who decide
// forwarded requests), ops and admins, every store request. Others are told it does not exist.
import type { AppContext } from '../context.ts';
import type { StaffRole } from '../db/schema.ts';
import { maskMsisdn } from '../lines/mask.ts';
import { AppError } from '../shared/errors.ts';

export interface StaffViewer { staffId: string; role: StaffRole; storeId: string | null; ip: string }

export async function assertCanReadStoreRequest(ctx: AppContext, viewer: StaffViewer, requestId: string): Promise<void> {
  const r = await ctx.db.selectFrom('cancellation_requests').select(['channel', 'store_id']).where('id', '=', requestId).executeTakeFirst();
  const visible = !!r && r.channel === 'store' && (viewer.role !== 'clerk' || r.store_id === viewer.storeId);
  if (!visible) throw new AppError('not_found', 'No store cancellation request of yours has that id.');
}

/** A refund route as staff may see it: another line's number masked. */
export function maskRoute(route: Record<string, unknown>): Record<string, unknown> {
  return typeof route.msisdn === 'string' ? { ...route, msisdn: maskMsisdn(route.msisdn) } : route;
}
