// A cancellation taken at the counter. In one transaction: the quote the clerk showed is still
// current, the card / identity / mandate checks pass, every reminder is acknowledged, the refund route
// (cash at the counter included) is accepted, the request opens — approved, so the workers carry it
// out at once — with the scanned documents (sealed), the signed agreement (content, hash, sealed
// signature and PDF) and the returned card recorded. Two cases go to review instead: an
// out-of-province line when the carrier forwards those to the home province (deadline in working
// days), and an heir's death certificate the real-name record does not know of yet.
import crypto from 'node:crypto';
import type { Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { DB } from '../db/schema.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { alreadyRequested, assertConfirmations, matchQuote } from '../cancellation/submit-cancellation.ts';
import { loadQuoteFacts } from '../cancellation/load-quote-facts.ts';
import { acceptContactEmail } from '../cancellation/contact-email.ts';
import { openRequest } from '../cancellation/open-request.ts';
import { acceptRefundRoute, type RefundRouteInput } from '../cancellation/refund-route.ts';
import type { Lang } from '../cancellation/messages.ts';
import { normaliseIdNumber } from '../identity/pii.ts';
import { maskIdNumber } from '../lines/mask.ts';
import { maskName } from '../identity/confirm-real-name.ts';
import { AppError } from '../shared/errors.ts';
import { isUniqueViolation, withIdempotency } from '../shared/idempotency.ts';
import { loadStore, type Clerk } from './clerk-store.ts';
import { composeStoreQuote, type StoreQuote } from './quote-store-cancellation.ts';
import { verifyStoreChecks, type StoreChecksInput } from './verify-store-checks.ts';
import { checkSignaturePng } from './signature-png.ts';
import { agreementHash, buildAgreementContent } from './agreement-content.ts';
import { renderAgreementPdf } from './render-agreement-pdf.ts';
import { signPdfWithPlaceholder } from '../pki/pdf-signature.ts';
import { activeIdentity } from '../pki/pki-store.ts';
import type { CarrierCode } from '../db/schema.ts';
import { addWorkingDays } from './working-days.ts';

export interface StoreSubmitInput extends StoreChecksInput {
  lineId: string;
  quoteVersion: string;
  acknowledgements: string[];
  refundRoute: RefundRouteInput;
  /** The customer's on-screen signature, base64 PNG. */
  signaturePng: string;
  acceptPenalty?: boolean;
  /** The agreement's language (default: the request's Accept-Language). */
  lang?: Lang;
  /** Optional address the certificate is e-mailed to. */
  email?: string;
}

export interface StoreSubmitResult { id: string; status: 'approved' | 'pending_review'; agreementHash: string; reference: string }

const digest = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

/** The body as the idempotency check sees it: large base64 fields by digest. */
function fingerprint(input: StoreSubmitInput): unknown {
  return {
    ...input,
    signaturePng: digest(input.signaturePng),
    mandate: { ...input.mandate, documents: (input.mandate.documents ?? []).map((d) => ({ kind: d.kind, name: d.name ?? null, content: digest(d.contentBase64) })) },
  };
}

export async function submitStoreCancellation(
  ctx: AppContext,
  clerk: Clerk,
  input: StoreSubmitInput,
  opts: { lang: Lang; idempotencyKey?: string },
): Promise<{ statusCode: number; body: StoreSubmitResult; replayed: boolean }> {
  const lang: Lang = input.lang ?? opts.lang;
  const store = await loadStore(ctx.db, clerk.storeId);

  const run = async (trx: Transaction<DB>): Promise<{ statusCode: number; body: StoreSubmitResult }> => {
    const now = ctx.now();
    const facts = await loadQuoteFacts(trx, { lineId: input.lineId, channel: 'store', acceptPenalty: false, now, storeProvince: store.province, lockAccount: true });
    if (facts.liveRequestId) throw await alreadyRequested(trx, input.lineId);
    const [customer, staff] = await Promise.all([
      trx.selectFrom('customers').selectAll().where('id', '=', facts.line.customer_id).executeTakeFirstOrThrow(),
      trx.selectFrom('staff').select(['display_name']).where('id', '=', clerk.staffId).executeTakeFirstOrThrow(),
    ]);

    const checks = verifyStoreChecks(input, { line: facts.line, customer }, (id) => ctx.vault.blindIndex(id, 'id'), now);
    const signature = checkSignaturePng(input.signaturePng);

    const quotes = [composeStoreQuote(facts, lang, store), composeStoreQuote({ ...facts, acceptPenalty: true }, lang, store)];
    const quote = matchQuote(input.acceptPenalty ? [quotes[1], quotes[0]] : quotes, input.quoteVersion) as StoreQuote;
    assertConfirmations(quote, input.acknowledgements, null, facts.line.msisdn);
    const route = acceptRefundRoute(quote, input.refundRoute, ctx.vault);

    const s = facts.carrier.settings;
    const review = quote.forwarding ? 'out_of_province_forwarded' : checks.needsReview;
    const status = review ? 'pending_review' : 'approved';
    const slaDueAt = quote.forwarding
      ? addWorkingDays(now, quote.forwarding.slaDays)
      : review ? new Date(now.getTime() + s.reviewSlaHours * 3_600_000) : null;
    const note = quote.forwarding
      ? `taken at store ${store.id}; forwarded to the home province (${facts.line.home_province}), due within ${quote.forwarding.slaDays} working days`
      : review === 'death_not_on_record'
        ? `taken at store ${store.id}; the death certificate is not on record yet: check the documents`
        : `taken at store ${store.id}; carried out on the spot`;

    const documentMeta = checks.documents.map((d) => ({ kind: d.kind, contentType: d.contentType, sizeBytes: d.bytes.length, sha256: d.sha256 }));
    const { id, reference } = await openRequest(ctx, trx, {
      lineId: facts.line.id,
      customerId: facts.line.customer_id,
      carrier: facts.line.carrier,
      msisdn: facts.line.msisdn,
      channel: 'store',
      status,
      quote,
      acknowledgements: input.acknowledgements,
      refundRoute: route.route,
      refundRouteSecretEnc: route.secretEnc,
      slaDueAt,
      storeId: store.id,
      clerkId: clerk.staffId,
      details: {
        mandate: checks.mandate,
        applicant: checks.applicantIdNumber
          ? {
            maskedIdNumber: maskIdNumber(checks.applicantIdNumber),
            maskedName: checks.applicantName ? maskName(checks.applicantName) : null,
            relationship: checks.relationship,
            // The whole name, sealed (personal data is encrypted at rest).
            nameEnc: checks.applicantName ? ctx.vault.encrypt(checks.applicantName) : null,
          }
          : null,
        checks: { iccidMatched: checks.iccidMatched, cardReturned: checks.cardReturned, esimProfileDeleted: checks.esimProfileDeleted, idNumberMatched: true, faceMatched: true },
        penalty: { applies: quote.penalty.applies, amountFen: quote.penalty.amountFen, accepted: quote.penalty.accepted },
        outOfProvince: quote.store.outOfProvince ? { homeProvince: facts.line.home_province, storeProvince: store.province, forwarded: !!quote.forwarding } : null,
        review,
        documents: documentMeta,
        lang,
      },
      actor: { kind: 'staff', id: clerk.staffId, ip: clerk.ip },
      note,
      contactEmail: acceptContactEmail(input.email),
    });

    if (checks.documents.length) {
      await trx.insertInto('store_documents').values(checks.documents.map((d) => ({
        id: crypto.randomUUID(),
        request_id: id,
        kind: d.kind,
        content_type: d.contentType,
        size_bytes: d.bytes.length,
        sha256: d.sha256,
        name_enc: d.name ? ctx.vault.encrypt(d.name) : null,
        content_enc: ctx.vault.encrypt(d.bytes.toString('base64')),
        uploaded_by: clerk.staffId,
      }))).execute();
    }

    const content = buildAgreementContent({
      lang,
      requestId: id,
      signedAt: now,
      carrier: facts.carrier,
      store,
      clerkDisplayName: staff.display_name,
      line: facts.line,
      owner: { ...customer, name: ctx.vault.decrypt(customer.name_enc), idNumber: normaliseIdNumber(ctx.vault.decrypt(customer.id_number_enc)) },
      mandate: checks.mandate,
      applicantIdNumber: checks.applicantIdNumber,
      applicantName: checks.applicantName,
      relationship: checks.relationship,
      documents: checks.documents,
      checks,
      quote,
      refundRoute: route.route,
      signature,
    });
    const hash = agreementHash(content);
    const pdf = await signPdfWithPlaceholder(await renderAgreementPdf(content, hash, signature.bytes, {
      signature: { name: staff.display_name, reason: `受理员工 ${staff.display_name} 签署注销协议 Store agreement ${id}`, location: 'CN', signingTime: now },
    }), await activeIdentity(ctx, 'carrier', facts.carrier.code as CarrierCode, trx), (req) => ctx.adapters.tsa.timestamp(req));
    await trx.insertInto('store_agreements').values({
      request_id: id,
      lang,
      content: JSON.stringify(content),
      agreement_hash: hash,
      signature_sha256: content.signature.sha256,
      signature_enc: ctx.vault.encrypt(signature.bytes.toString('base64')),
      pdf_enc: ctx.vault.encrypt(pdf.toString('base64')),
      signed_at: now,
      store_id: store.id,
      clerk_id: clerk.staffId,
    }).execute();
    await appendAudit(trx, {
      actorKind: 'staff', actorId: clerk.staffId, ip: clerk.ip, action: 'store.agreement_signed', requestId: id,
      details: { storeId: store.id, mandate: checks.mandate, agreementHash: hash, lang, documents: documentMeta.map((d) => ({ kind: d.kind, sha256: d.sha256 })) },
    });
    if (checks.cardReturned) {
      await trx.insertInto('card_returns').values({ request_id: id, line_id: facts.line.id, iccid: facts.line.iccid, store_id: store.id, received_by: clerk.staffId }).execute();
      await appendAudit(trx, { actorKind: 'staff', actorId: clerk.staffId, ip: clerk.ip, action: 'store.card_returned', requestId: id, details: { storeId: store.id } });
    }
    return { statusCode: 201, body: { id, status, agreementHash: hash, reference } };
  };

  const scope = `staff:${clerk.staffId}:store-submit`;
  try {
    if (opts.idempotencyKey) return await withIdempotency(ctx.db, scope, opts.idempotencyKey, fingerprint(input), run);
    return { ...(await ctx.db.transaction().execute(run)), replayed: false };
  } catch (e) {
    if (!isUniqueViolation(e) && !(e instanceof AppError && e.code === 'already_requested')) throw e;
    // Another request holds the line. With a key, it may be this very submission sent twice at once
    // (a double tap, a retry after a timeout): if that one stored its answer under the key, it is ours.
    if (opts.idempotencyKey) {
      const sameKey = await withIdempotency<StoreSubmitResult>(ctx.db, scope, opts.idempotencyKey, fingerprint(input), async () => {
        throw e;
      }).catch((again: unknown) => {
        if (again instanceof AppError && again.code === 'idempotency_key_reused') throw again;
        return null;
      });
      if (sameKey) return sameKey;
    }
    throw isUniqueViolation(e) ? await alreadyRequested(ctx.db, input.lineId) : e;
  }
}
