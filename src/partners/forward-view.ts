// A forward as its subscriber (and the MVNO) sees it: our ticket, where it stands, the MVNO's own
// reference once it has one, and every answer in order.
import type { Kysely } from 'kysely';
import type { DB, PartnerAnswer } from '../db/schema.ts';

export interface ForwardView {
  ticket: string;
  mvno: string;
  status: 'forwarded' | PartnerAnswer;
  partnerReference: string | null;
  createdAt: string;
  answers: Array<{ answer: PartnerAnswer; partnerReference: string | null; reason: string | null; at: string }>;
}

/** The forwards of these lines, by line id. */
export async function loadForwards(db: Kysely<DB>, where: { lineIds?: string[]; ticket?: string }): Promise<Map<string, ForwardView & { lineId: string }>> {
  let q = db.selectFrom('partner_forwards').select(['id', 'line_id', 'ticket', 'mvno_code', 'status', 'partner_reference', 'created_at']);
  if (where.lineIds) q = q.where('line_id', 'in', where.lineIds.length ? where.lineIds : ['00000000-0000-0000-0000-000000000000']);
  if (where.ticket !== undefined) q = q.where('ticket', '=', where.ticket);
  const forwards = await q.execute();
  const answers = forwards.length
    ? await db.selectFrom('partner_forward_answers').select(['forward_id', 'answer', 'partner_reference', 'reason', 'at'])
      .where('forward_id', 'in', forwards.map((f) => f.id)).orderBy('at').orderBy('id').execute()
    : [];
  return new Map(forwards.map((f) => [f.line_id, {
    lineId: f.line_id, ticket: f.ticket, mvno: f.mvno_code, status: f.status, partnerReference: f.partner_reference, createdAt: new Date(f.created_at).toISOString(),
    answers: answers.filter((a) => a.forward_id === f.id).map((a) => ({ answer: a.answer, partnerReference: a.partner_reference, reason: a.reason, at: new Date(a.at).toISOString() })),
  }]));
}
