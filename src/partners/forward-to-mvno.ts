// A line sold by an MVNO is cancelled by the MVNO. Where the MVNO accepts forwarded requests, we
// hand the request over (once per line): the forward gets our ticket, and in the same transaction
// a PartnerCancellationForwardedEvent goes to the outbox for the endpoint the MVNO registered with
// ops (signed delivery, retried, src/webhooks). The MVNO answers through the partner API
// (answer-forward.ts); the subscriber sees each answer on the line.
import crypto from 'node:crypto';
import type { AppContext } from '../context.ts';
import { AppError } from '../shared/errors.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { PARTNER_FORWARD_EVENT } from '../webhooks/event-types.ts';
import { envelope, recordEvent } from '../webhooks/record-event.ts';
import { chinaDate } from '../billing/final-bill.ts';

/** Our ticket for a forward: FWD-<China date>-<8 characters>, e.g. FWD-20261202-7KQ2M9XD. */
export function newForwardTicket(now: Date): string {
  const alphabet = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
  const bytes = crypto.randomBytes(8);
  return `FWD-${chinaDate(now).replace(/-/g, '')}-${[...bytes].map((b) => alphabet[b % alphabet.length]).join('')}`;
}

/** Where the MVNO answers a forward (relative to the platform's public URL). */
export const answersPath = (ticket: string) => `/api/v1/partners/forwards/${ticket}/answers`;

export async function forwardToMvno(ctx: AppContext, who: { customerId: string; ip: string }, lineId: string): Promise<{ ticket: string; mvno: string; hotline: string }> {
  const line = await ctx.db.selectFrom('lines as l').leftJoin('mvno_brands as m', 'm.code', 'l.mvno_code')
    .select(['l.id', 'l.msisdn', 'l.iccid', 'l.mvno_code', 'l.customer_id', 'm.accepts_forwarded', 'm.hotline', 'm.name_en']).where('l.id', '=', lineId).executeTakeFirst();
  if (!line) throw new AppError('not_found', 'The line was not found.');
  if (!line.mvno_code) throw new AppError('not_forwardable', 'This line is run by the carrier itself; cancel it here.');
  if (!line.accepts_forwarded) {
    throw new AppError('not_forwardable', `${line.name_en} does not accept forwarded requests; call ${line.hotline}.`, { hotline: line.hotline });
  }
  const mvno = line.mvno_code;
  const ticket = await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.now();
    const fresh = newForwardTicket(now);
    const inserted = await trx.insertInto('partner_forwards').values({ id: crypto.randomUUID(), line_id: lineId, mvno_code: mvno, ticket: fresh, created_at: now, updated_at: now })
      .onConflict((oc) => oc.column('line_id').doNothing()).returning('ticket').executeTakeFirst();
    if (!inserted) {
      // Forwarded before (or at this moment by another tab): the first forward stands.
      return (await trx.selectFrom('partner_forwards').select('ticket').where('line_id', '=', lineId).executeTakeFirstOrThrow()).ticket;
    }
    await recordEvent(trx, {
      eventType: PARTNER_FORWARD_EVENT,
      envelope: envelope(PARTNER_FORWARD_EVENT, {
        forward: {
          ticket: fresh, mvno, msisdn: line.msisdn, iccidLast4: line.iccid.slice(-4), requestedAt: now.toISOString(),
          answerUrl: `${ctx.config.publicBaseUrl.replace(/\/$/, '')}${answersPath(fresh)}`,
        },
      }, now),
      audience: { kind: 'mvno', mvnoCode: mvno },
      at: now,
    });
    await appendAudit(trx, { actorKind: 'subscriber', actorId: who.customerId, ip: who.ip, action: 'partner.forward', subject: `line:${lineId}`, details: { mvno, ticket: fresh } });
    return fresh;
  });
  return { ticket, mvno, hotline: line.hotline! };
}
