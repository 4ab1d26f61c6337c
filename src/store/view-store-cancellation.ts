// A store request as staff see it: its status, steps and timeline, the checks made, the returned
// card, the agreement, the scanned documents (by digest). Identifiers are masked.
import type { AppContext } from '../context.ts';
import { loadRequestView } from '../cancellation/view-cancellation.ts';
import { maskIccid, maskMsisdn } from '../lines/mask.ts';
import { assertCanReadStoreRequest, maskRoute, type StaffViewer } from './store-access.ts';

export async function viewStoreCancellation(ctx: AppContext, viewer: StaffViewer, requestId: string) {
  await assertCanReadStoreRequest(ctx, viewer, requestId);
  const { r, events, steps, refund, reference } = await loadRequestView(ctx, requestId);
  const [agreement, card, documents, cash] = await Promise.all([
    ctx.db.selectFrom('store_agreements').select(['agreement_hash', 'lang', 'signed_at']).where('request_id', '=', requestId).executeTakeFirst(),
    ctx.db.selectFrom('card_returns').select(['received_at', 'store_id']).where('request_id', '=', requestId).executeTakeFirst(),
    ctx.db.selectFrom('store_documents').select(['id', 'kind', 'content_type', 'size_bytes', 'sha256', 'created_at']).where('request_id', '=', requestId).orderBy('created_at').orderBy('id').execute(),
    ctx.db.selectFrom('cancellation_requests as r').leftJoin('staff as s', 's.id', 'r.cash_handed_over_by')
      .select(['r.cash_handed_over_at', 's.display_name']).where('r.id', '=', requestId).executeTakeFirstOrThrow(),
  ]);
  const cashRefund = (r.refund_route as { type?: string }).type === 'cash' && r.refund_fen > 0;
  const details = r.details as Record<string, unknown>;
  return {
    id: r.id,
    status: r.status,
    channel: r.channel,
    storeId: r.store_id,
    carrier: r.carrier,
    carrierName: { zh: r.name_zh, en: r.name_en },
    maskedMsisdn: maskMsisdn(r.msisdn),
    maskedIccid: maskIccid(r.iccid),
    formFactor: r.form_factor,
    createdAt: r.created_at.toISOString(),
    slaDueAt: r.sla_due_at ? new Date(r.sla_due_at).toISOString() : null,
    refundFen: r.refund_fen,
    refund,
    reference,
    billTotalFen: r.bill_total_fen,
    refundRoute: maskRoute(r.refund_route as Record<string, unknown>),
    mandate: details.mandate ?? null,
    applicant: applicantView(details.applicant),
    /** A cash refund: whether it can be handed over now (the refund step paid it) and when it was. */
    cashHandOver: cashRefund
      ? {
        due: steps.some((s) => s.step === 'refund' && s.status === 'done'),
        amountFen: r.refund_fen,
        handedOverAt: cash.cash_handed_over_at ? new Date(cash.cash_handed_over_at).toISOString() : null,
        handedOverBy: cash.display_name ?? null,
      }
      : null,
    checks: details.checks ?? null,
    penalty: details.penalty ?? null,
    outOfProvince: details.outOfProvince ?? null,
    cardReturn: card ? { returned: true, storeId: card.store_id, at: card.received_at.toISOString() } : { returned: false },
    agreement: agreement
      ? { hash: agreement.agreement_hash, lang: agreement.lang, signedAt: new Date(agreement.signed_at).toISOString(), pdf: `/api/v1/store/cancellations/${r.id}/agreement.pdf` }
      : null,
    documents: documents.map((d) => ({ id: d.id, kind: d.kind, contentType: d.content_type, sizeBytes: d.size_bytes, sha256: d.sha256 })),
    timeline: events.map((e) => ({ status: e.to_status, at: e.at.toISOString(), actorKind: e.actor_kind, ...(e.note ? { note: e.note } : {}) })),
    steps: steps.map((s) => ({ step: s.step, status: s.status, attempts: s.attempts })),
    ...(r.certificate_serial ? { certificateSerial: r.certificate_serial } : {}),
    ...(r.rejection_reason ? { rejectionReason: r.rejection_reason } : {}),
    ...(r.completed_at ? { completedAt: new Date(r.completed_at).toISOString() } : {}),
  };
}

/** The agent as staff see them: masked ID number and name, the relationship; never the sealed name. */
function applicantView(a: unknown) {
  if (!a || typeof a !== 'object') return null;
  const o = a as { maskedIdNumber?: string; maskedName?: string | null; relationship?: string | null };
  return { maskedIdNumber: o.maskedIdNumber ?? null, maskedName: o.maskedName ?? null, relationship: o.relationship ?? null };
}
