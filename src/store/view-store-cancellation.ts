// Read side of a store request, for staff: its status, steps and timeline, the checks made, the
// returned card, the agreement (and its PDF again), the scanned documents. Identifiers are masked.
// A clerk sees the requests of their own store; reviewers (who decide forwarded requests), ops and
// admins see every store request. Opening a scanned document is audited.
import type { AppContext } from '../context.ts';
import type { StaffRole } from '../db/schema.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { loadRequestView } from '../cancellation/view-cancellation.ts';
import { maskIccid, maskMsisdn } from '../lines/mask.ts';
import { AppError } from '../shared/errors.ts';

export interface StaffViewer { staffId: string; role: StaffRole; storeId: string | null; ip: string }

const notFound = () => new AppError('not_found', 'No store cancellation request of yours has that id.');

async function storeRequest(ctx: AppContext, viewer: StaffViewer, requestId: string) {
  const r = await ctx.db.selectFrom('cancellation_requests').select(['id', 'channel', 'store_id']).where('id', '=', requestId).executeTakeFirst();
  if (!r || r.channel !== 'store') throw notFound();
  if (viewer.role === 'clerk' && r.store_id !== viewer.storeId) throw notFound();
  return r;
}

/** A refund route as staff may see it: another line's number masked. */
export function maskRoute(route: Record<string, unknown>): Record<string, unknown> {
  return typeof route.msisdn === 'string' ? { ...route, msisdn: maskMsisdn(route.msisdn) } : route;
}

export async function viewStoreCancellation(ctx: AppContext, viewer: StaffViewer, requestId: string) {
  await storeRequest(ctx, viewer, requestId);
  const { r, events, steps } = await loadRequestView(ctx, requestId);
  const [agreement, card, documents] = await Promise.all([
    ctx.db.selectFrom('store_agreements').select(['agreement_hash', 'lang', 'signed_at']).where('request_id', '=', requestId).executeTakeFirst(),
    ctx.db.selectFrom('card_returns').select(['received_at', 'store_id']).where('request_id', '=', requestId).executeTakeFirst(),
    ctx.db.selectFrom('store_documents').select(['id', 'kind', 'content_type', 'size_bytes', 'sha256', 'created_at']).where('request_id', '=', requestId).orderBy('created_at').orderBy('id').execute(),
  ]);
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
    billTotalFen: r.bill_total_fen,
    refundRoute: maskRoute(r.refund_route as Record<string, unknown>),
    mandate: details.mandate ?? null,
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

/** The signed agreement PDF, as it was produced at the counter. */
export async function storeAgreementPdf(ctx: AppContext, viewer: StaffViewer, requestId: string): Promise<Buffer> {
  await storeRequest(ctx, viewer, requestId);
  const a = await ctx.db.selectFrom('store_agreements').select('pdf_enc').where('request_id', '=', requestId).executeTakeFirst();
  if (!a) throw new AppError('not_found', 'This request has no signed agreement.');
  return Buffer.from(ctx.vault.decrypt(a.pdf_enc), 'base64');
}

/** One scanned document (personal data: every opening is audited). */
export async function storeDocument(ctx: AppContext, viewer: StaffViewer, requestId: string, documentId: string): Promise<{ contentType: string; bytes: Buffer }> {
  await storeRequest(ctx, viewer, requestId);
  const d = await ctx.db.selectFrom('store_documents').select(['id', 'kind', 'content_type', 'content_enc'])
    .where('request_id', '=', requestId).where('id', '=', documentId).executeTakeFirst();
  if (!d) throw new AppError('not_found', 'This request has no document with that id.');
  await appendAudit(ctx.db, { actorKind: 'staff', actorId: viewer.staffId, ip: viewer.ip, action: 'store.document_viewed', requestId, details: { documentId: d.id, kind: d.kind } });
  return { contentType: d.content_type, bytes: Buffer.from(ctx.vault.decrypt(d.content_enc), 'base64') };
}
