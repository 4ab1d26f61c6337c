// The MVNO answers a forwarded cancellation: accepted, completed (with its own reference) or
// rejected (with a reason). Only a client bound to that MVNO may answer (scope partner:answer);
// another MVNO's ticket is "not found". forwarded → accepted → completed | rejected, or straight
// to completed / rejected; the last two are final. Sending the same answer again is a no-op that
// returns the same view (idempotent); a different answer after a final one is a 409. Each answer is
// one conditional update + its row + its audit entry (the client), in one transaction.
import crypto from 'node:crypto';
import type { AppContext } from '../context.ts';
import type { PartnerAnswer } from '../db/schema.ts';
import type { MachineClient } from '../http/machine-auth.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { AppError } from '../shared/errors.ts';
import { loadForwards, type ForwardView } from './forward-view.ts';

export interface AnswerInput { answer: PartnerAnswer; reference?: string; reason?: string }

const NEXT: Record<'forwarded' | PartnerAnswer, PartnerAnswer[]> = {
  forwarded: ['accepted', 'completed', 'rejected'],
  accepted: ['completed', 'rejected'],
  completed: [],
  rejected: [],
};

export async function answerForward(ctx: AppContext, client: MachineClient, ticket: string, input: AnswerInput, ip: string): Promise<ForwardView> {
  if (!client.mvnoCode) throw new AppError('permission_denied', 'Only a client bound to an MVNO answers forwarded cancellations.');
  const reference = input.reference?.trim() || null;
  const reason = input.reason?.trim() || null;
  if (input.answer === 'completed' && !reference) throw new AppError('validation_failed', 'A completed answer carries your own reference (reference).', { field: 'reference' });
  if (input.answer === 'rejected' && !reason) throw new AppError('validation_failed', 'A rejection carries the reason the subscriber will read (reason).', { field: 'reason' });

  await ctx.db.transaction().execute(async (trx) => {
    const f = await trx.selectFrom('partner_forwards').select(['id', 'status', 'mvno_code', 'line_id']).where('ticket', '=', ticket).forUpdate().executeTakeFirst();
    if (!f || f.mvno_code !== client.mvnoCode) throw new AppError('not_found', `No forwarded cancellation has the ticket ${ticket}.`);
    const earlier = await trx.selectFrom('partner_forward_answers').select(['partner_reference', 'reason']).where('forward_id', '=', f.id).where('answer', '=', input.answer).executeTakeFirst();
    if (earlier) {
      // The same answer again (a retry): fine if it says the same, a conflict if it says otherwise.
      if ((input.answer === 'completed' && earlier.partner_reference !== reference) || (input.answer === 'rejected' && earlier.reason !== reason)) {
        throw new AppError('conflict', `This forward was already answered ${input.answer} with other details.`, { status: f.status });
      }
      return;
    }
    if (!NEXT[f.status].includes(input.answer)) {
      throw new AppError('conflict', `This forward is ${f.status}; it cannot be answered ${input.answer} now.`, { status: f.status });
    }
    const now = ctx.now();
    const moved = await trx.updateTable('partner_forwards')
      .set({ status: input.answer, updated_at: now, ...(reference ? { partner_reference: reference } : {}) })
      .where('id', '=', f.id).where('status', '=', f.status).executeTakeFirst();
    if (Number(moved.numUpdatedRows) === 0) throw new AppError('conflict', 'Another answer arrived at the same moment; read the forward again.');
    await trx.insertInto('partner_forward_answers').values({
      id: crypto.randomUUID(), forward_id: f.id, answer: input.answer, partner_reference: reference, reason, client_id: client.clientId, at: now,
    }).execute();
    await appendAudit(trx, {
      actorKind: 'client', actorId: client.clientId, ip, action: 'partner.answer', subject: `line:${f.line_id}`,
      details: { ticket, mvno: client.mvnoCode, from: f.status, answer: input.answer, ...(reference ? { reference } : {}) },
    });
  });
  const view = (await loadForwards(ctx.db, { ticket })).values().next().value!;
  const { lineId: _lineId, ...rest } = view;
  return rest;
}
