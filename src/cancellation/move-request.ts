// A transition plus what every transition brings: the subscriber's SMS and the metric.
import type { Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { DB } from '../db/schema.ts';
import { notifyStatus } from './notify-status.ts';
import { queueCertificateEmail } from './send-certificate-email.ts';
import { transition, type TransitionInput } from './transitions.ts';
import type { RequestChannel } from '../db/schema.ts';
import { recordProductOrderTransition } from '../webhooks/record-order-event.ts';

export async function moveRequest(
  ctx: AppContext,
  trx: Transaction<DB>,
  t: TransitionInput & { msisdn: string; channel: RequestChannel; reason?: string; serial?: string },
): Promise<void> {
  await transition(trx, t);
  if (t.to === 'completed') await queueCertificateEmail(ctx, trx, t.requestId);
  await notifyStatus(ctx, trx, { requestId: t.requestId, msisdn: t.msisdn, status: t.to, reason: t.reason, serial: t.serial });
  // A TMF622 order's hub listeners hear of its state change in this same transaction.
  if (t.channel === 'api') await recordProductOrderTransition(ctx, trx, t);
  ctx.metrics.requestTransitions.inc({ from: t.from, to: t.to, channel: t.channel });
}

/** The facts a transition needs about a request, read inside the transaction. */
export async function requestHead(trx: Transaction<DB>, requestId: string) {
  return trx.selectFrom('cancellation_requests as r').innerJoin('lines as l', 'l.id', 'r.line_id')
    .select(['r.id', 'r.status', 'r.channel', 'r.customer_id', 'r.carrier', 'r.created_at', 'l.msisdn'])
    .where('r.id', '=', requestId).executeTakeFirst();
}
