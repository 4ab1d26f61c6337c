// Read models of a request: the subscriber's status page, their list, the reviewer's decision
// screen (the queue is list-review-queue.ts). Identifiers are masked for staff; the owner sees their own number.
import type { AppContext } from '../context.ts';
import { AppError } from '../shared/errors.ts';
import { maskIccid, maskMsisdn } from '../lines/mask.ts';
import type { Quote } from './compose-quote.ts';
import { ackText, balanceStaysNote, billLabel, refundNote, warningText, type Lang } from './messages.ts';
import { refundState } from '../billing/refund-state.ts';
import { formatRequestReference } from './request-reference.ts';

export async function loadRequestView(ctx: AppContext, requestId: string) {
  const r = await ctx.db.selectFrom('cancellation_requests as r')
    .innerJoin('lines as l', 'l.id', 'r.line_id')
    .innerJoin('carriers as c', 'c.code', 'r.carrier')
    .select([
      'r.id', 'r.status', 'r.channel', 'r.line_id', 'r.customer_id', 'r.carrier', 'c.name_zh', 'c.name_en', 'r.created_at', 'r.updated_at', 'r.sla_due_at',
      'r.rejection_reason', 'r.certificate_serial', 'r.refund_fen', 'r.bill_total_fen', 'r.refund_route', 'r.acknowledgements', 'r.quote', 'r.completed_at',
      'r.store_id', 'r.details', 'l.msisdn', 'l.iccid', 'l.form_factor', 'r.reference', 'r.attention_reason', 'l.account_id',
    ])
    .where('r.id', '=', requestId).executeTakeFirst();
  if (!r) throw new AppError('not_found', 'The request was not found.');
  const [events, steps, ledger] = await Promise.all([
    ctx.db.selectFrom('request_events').select(['to_status', 'from_status', 'at', 'note', 'actor_kind']).where('request_id', '=', requestId).orderBy('id').execute(),
    ctx.db.selectFrom('execution_steps').select(['step', 'status', 'attempts', 'last_error', 'position']).where('request_id', '=', requestId).orderBy('position').execute(),
    // Refunds leave the line's account as negative entries (a refund to another line also credits that line's account).
    ctx.db.selectFrom('ledger_entries').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_fen'), eb.lit(0)).as('total'))
      .where('request_id', '=', requestId).where('kind', '=', 'refund').where('account_id', '=', r.account_id).executeTakeFirstOrThrow(),
  ]);
  const refund = refundState({ status: r.status, refundFen: r.refund_fen, ledgerRefundFen: -Number(ledger.total) });
  return { r, events, steps, refund, reference: r.reference ? { value: r.reference, display: formatRequestReference(r.reference) } : null };
}

export async function viewCancellationForOwner(ctx: AppContext, customerIds: string[], requestId: string) {
  const { r, events, steps, refund, reference } = await loadRequestView(ctx, requestId);
  if (!customerIds.includes(r.customer_id)) throw new AppError('not_found', 'No request of yours has that id.');
  return {
    id: r.id,
    status: r.status,
    channel: r.channel,
    lineId: r.line_id,
    msisdn: r.msisdn,
    carrier: r.carrier,
    carrierName: { zh: r.name_zh, en: r.name_en },
    createdAt: r.created_at.toISOString(),
    slaDueAt: r.sla_due_at ? new Date(r.sla_due_at).toISOString() : null,
    timeline: events.map((e) => ({ status: e.to_status, at: e.at.toISOString(), ...(e.note ? { note: e.note } : {}) })),
    steps: steps.map((s) => ({ step: s.step, status: s.status, attempts: s.attempts })),
    refundFen: r.refund_fen,
    refund,
    reference,
    billTotalFen: r.bill_total_fen,
    refundRoute: r.refund_route,
    ...(r.certificate_serial ? { certificateSerial: r.certificate_serial } : {}),
    ...(r.rejection_reason ? { rejectionReason: r.rejection_reason } : {}),
    ...(r.completed_at ? { completedAt: new Date(r.completed_at).toISOString() } : {}),
  };
}

export async function listMyCancellations(ctx: AppContext, customerIds: string[]) {
  const rows = await ctx.db.selectFrom('cancellation_requests as r').innerJoin('lines as l', 'l.id', 'r.line_id')
    .select(['r.id', 'r.line_id', 'l.msisdn', 'r.carrier', 'r.status', 'r.channel', 'r.created_at', 'r.certificate_serial', 'r.rejection_reason', 'r.reference'])
    .where('r.customer_id', 'in', customerIds).orderBy('r.created_at', 'desc').limit(100).execute();
  return rows.map((r) => ({
    id: r.id, lineId: r.line_id, msisdn: r.msisdn, carrier: r.carrier, status: r.status, channel: r.channel, createdAt: r.created_at.toISOString(),
    ...(r.reference ? { reference: formatRequestReference(r.reference) } : {}),
    ...(r.certificate_serial ? { certificateSerial: r.certificate_serial } : {}),
    ...(r.rejection_reason ? { rejectionReason: r.rejection_reason } : {}),
  }));
}

export async function viewForReviewer(ctx: AppContext, requestId: string, lang: Lang = 'zh-CN') {
  const { r, events, steps, refund, reference } = await loadRequestView(ctx, requestId);
  const quote = r.quote as Quote;
  const lines = await ctx.db.selectFrom('lines').select((eb) => eb.fn.countAll<number>().as('n')).where('customer_id', '=', r.customer_id).where('status', '<>', 'cancelled').executeTakeFirstOrThrow();
  return {
    id: r.id,
    status: r.status,
    channel: r.channel,
    carrier: r.carrier,
    carrierName: { zh: r.name_zh, en: r.name_en },
    maskedMsisdn: maskMsisdn(r.msisdn),
    maskedIccid: maskIccid(r.iccid),
    formFactor: r.form_factor,
    submittedAt: r.created_at.toISOString(),
    slaDueAt: r.sla_due_at ? new Date(r.sla_due_at).toISOString() : null,
    overdue: r.sla_due_at ? new Date(r.sla_due_at).getTime() < ctx.now().getTime() && r.status === 'pending_review' : false,
    refundFen: r.refund_fen,
    billTotalFen: r.bill_total_fen,
    warnings: quote.warnings.map((w) => w.code),
    timeline: events.map((e) => ({ status: e.to_status, at: e.at.toISOString(), actorKind: e.actor_kind, ...(e.note ? { note: e.note } : {}) })),
    steps: steps.map((s) => ({ step: s.step, status: s.status, attempts: s.attempts, lastError: s.last_error })),
    quote: inLanguage(quote, lang),
    acknowledgements: r.acknowledgements,
    acknowledgementTexts: Object.fromEntries((r.acknowledgements as string[]).map((c) => [c, ackText(lang, c, { days: quote.freezeDays })])),
    refundRoute: r.refund_route,
    ownerLiveLines: Number(lines.n),
    refund,
    reference,
    ...(r.status === 'needs_attention' && r.attention_reason ? { attentionReason: r.attention_reason } : {}),
    ...(r.rejection_reason ? { rejectionReason: r.rejection_reason } : {}),
    ...(r.certificate_serial ? { certificateSerial: r.certificate_serial } : {}),
  };
}

/**
 * The stored quote's texts in the reader's language, from its codes and figures (the quote was
 * stored in the language of the submission): bill labels, warnings, the refund note.
 */
function inLanguage(quote: Quote, lang: Lang) {
  const warningParams = (w: Quote['warnings'][number]): Record<string, string | number> | null =>
    w.params ?? (w.code === 'promotional_credit' ? { promoFen: quote.refund.promotionalCreditFen } : w.code === 'esim_profile' ? {} : null);
  const stays = quote.refund.staysOnAccount;
  return {
    bill: { ...quote.bill, items: quote.bill.items.map((i) => ({ ...i, label: billLabel(lang, i.code) })) },
    refund: {
      ...quote.refund,
      note: quote.refund.settlesAccount || !stays ? refundNote(lang) : balanceStaysNote(lang, { amountFen: stays.amountFen, tails: stays.lines, more: stays.moreLines }),
    },
    warnings: quote.warnings.map((w) => {
      const p = warningParams(w);
      return { ...w, message: p ? warningText(lang, w.code, p) : w.message };
    }),
    penalty: quote.penalty,
  };
}
