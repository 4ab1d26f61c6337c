// A line sold by an MVNO is cancelled by the MVNO. Where the MVNO accepts forwarded requests, we
// hand the request over (once per line) and show the subscriber the partner's ticket.
import crypto from 'node:crypto';
import type { AppContext } from '../context.ts';
import { AppError } from '../shared/errors.ts';
import { appendAudit } from '../audit/append-audit.ts';

export async function forwardToMvno(ctx: AppContext, who: { customerId: string; ip: string }, lineId: string): Promise<{ ticket: string; mvno: string; hotline: string }> {
  const line = await ctx.db.selectFrom('lines as l').leftJoin('mvno_brands as m', 'm.code', 'l.mvno_code')
    .select(['l.id', 'l.msisdn', 'l.mvno_code', 'l.customer_id', 'm.accepts_forwarded', 'm.hotline', 'm.name_en']).where('l.id', '=', lineId).executeTakeFirst();
  if (!line) throw new AppError('not_found', 'The line was not found.');
  if (!line.mvno_code) throw new AppError('not_forwardable', 'This line is run by the carrier itself; cancel it here.');
  if (!line.accepts_forwarded) {
    throw new AppError('not_forwardable', `${line.name_en} does not accept forwarded requests; call ${line.hotline}.`, { hotline: line.hotline });
  }
  const existing = await ctx.db.selectFrom('partner_forwards').select('ticket').where('line_id', '=', lineId).executeTakeFirst();
  if (existing) return { ticket: existing.ticket, mvno: line.mvno_code, hotline: line.hotline! };
  const { partnerTicket } = await ctx.adapters.partners.forwardCancellation({
    mvnoCode: line.mvno_code, msisdn: line.msisdn, customerRef: line.customer_id, idempotencyKey: `forward:${lineId}`,
  });
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('partner_forwards').values({ id: crypto.randomUUID(), line_id: lineId, mvno_code: line.mvno_code!, ticket: partnerTicket })
      .onConflict((oc) => oc.column('line_id').doNothing()).execute();
    await appendAudit(trx, { actorKind: 'subscriber', actorId: who.customerId, ip: who.ip, action: 'partner.forward', subject: `line:${lineId}`, details: { mvno: line.mvno_code, ticket: partnerTicket } });
  });
  return { ticket: partnerTicket, mvno: line.mvno_code, hotline: line.hotline! };
}
