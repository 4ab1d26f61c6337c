// What the customer signs at the counter, as data: masked facts of the line and the owner, the
// mandate and its documents (by digest), the checks, the money, the acknowledgements and a digest of
// the signature image. The agreement hash is the SHA-256 of its canonical JSON, so anyone holding
// the stored content and the signature can recompute it. Pure.
import crypto from 'node:crypto';
import { canonicalJson } from '../shared/canonical-json.ts';
import type { StoreQuote } from './quote-store-cancellation.ts';
import type { Lang } from '../cancellation/messages.ts';
import { routeLabel } from '../cancellation/messages.ts';
import { maskIccid, maskIdNumber, maskMsisdn } from '../lines/mask.ts';
import { provinceName } from '../lines/provinces.ts';
import { maskName } from '../identity/confirm-real-name.ts';
import type { Customer, Line, StoreDocumentKind, StoreDocumentType } from '../db/schema.ts';
import type { MandateType } from './documents.ts';
import type { StoreInfo } from './clerk-store.ts';

export const AGREEMENT_FORMAT = 'zhuxiao-store-agreement/2'; // 2: the applicant's masked name and relationship

export interface AgreementContent {
  format: typeof AGREEMENT_FORMAT;
  lang: Lang;
  requestId: string;
  signedAt: string;
  carrier: { code: string; name: string };
  store: { id: string; name: string };
  clerk: { displayName: string };
  line: { maskedMsisdn: string; maskedIccid: string; formFactor: 'physical' | 'esim'; plan: string; homeProvince: string; homeProvinceName: string; status: string };
  owner: { kind: 'person' | 'company'; maskedName: string; idType: string; maskedIdNumber: string; deceased: boolean };
  mandate: {
    type: MandateType;
    maskedApplicantIdNumber: string | null;
    /** Who applies for the owner (proxy, heir, company representative): name masked as on screen, and how they relate to the owner. */
    maskedApplicantName: string | null;
    relationship: string | null;
    documents: Array<{ kind: StoreDocumentKind; contentType: StoreDocumentType; sizeBytes: number; sha256: string }>;
  };
  checks: { iccidMatched: boolean | null; cardReturned: boolean; esimProfileDeleted: boolean | null; idNumberMatched: true; faceMatched: true };
  money: {
    items: Array<{ code: string; label: string; amountFen: number }>;
    billTotalFen: number;
    cashBalanceFen: number;
    promotionalCreditFen: number;
    refundFen: number;
    penalty: { applies: boolean; amountFen: number; accepted: boolean };
    refundRoute: { type: string; label: string; detail: string | null };
  };
  outOfProvince: null | { homeProvince: string; provinceName: string; forwarded: boolean; slaDays: number | null };
  acknowledgements: Array<{ code: string; text: string }>;
  quoteVersion: string;
  signature: { contentType: 'image/png'; width: number; height: number; sha256: string };
}

export interface AgreementFacts {
  lang: Lang;
  requestId: string;
  signedAt: Date;
  carrier: { code: string; nameZh: string; nameEn: string };
  store: StoreInfo;
  clerkDisplayName: string;
  line: Pick<Line, 'msisdn' | 'iccid' | 'form_factor' | 'plan_name' | 'home_province' | 'status'>;
  owner: Pick<Customer, 'kind' | 'id_type' | 'deceased'> & { name: string; idNumber: string };
  mandate: MandateType;
  applicantIdNumber: string | null;
  applicantName: string | null;
  relationship: string | null;
  documents: Array<{ kind: StoreDocumentKind; contentType: StoreDocumentType; bytes: { length: number }; sha256: string }>;
  checks: { iccidMatched: boolean | null; cardReturned: boolean; esimProfileDeleted: boolean | null };
  quote: StoreQuote;
  /** The refund route as stored (bank accounts masked, another line by id and number). */
  refundRoute: Record<string, unknown>;
  signature: { bytes: Buffer; width: number; height: number };
}

const sha256 = (data: Buffer | string) => crypto.createHash('sha256').update(data).digest('hex');

function routeDetail(route: Record<string, unknown>): string | null {
  if (route.type === 'bank') return `${String(route.bankName ?? '')} ${String(route.maskedAccount ?? '')}`.trim();
  if (route.type === 'line' && typeof route.msisdn === 'string') return maskMsisdn(route.msisdn);
  return null;
}

export function buildAgreementContent(f: AgreementFacts): AgreementContent {
  const en = f.lang === 'en';
  const q = f.quote;
  const home = f.line.home_province;
  return {
    format: AGREEMENT_FORMAT,
    lang: f.lang,
    requestId: f.requestId,
    signedAt: f.signedAt.toISOString(),
    carrier: { code: f.carrier.code, name: en ? f.carrier.nameEn : f.carrier.nameZh },
    store: { id: f.store.id, name: en ? f.store.nameEn : f.store.nameZh },
    clerk: { displayName: f.clerkDisplayName },
    line: {
      maskedMsisdn: maskMsisdn(f.line.msisdn),
      maskedIccid: maskIccid(f.line.iccid),
      formFactor: f.line.form_factor,
      plan: f.line.plan_name,
      homeProvince: home,
      homeProvinceName: provinceName(home, en ? 'en' : 'zh'),
      status: f.line.status,
    },
    owner: { kind: f.owner.kind, maskedName: maskName(f.owner.name), idType: f.owner.id_type, maskedIdNumber: maskIdNumber(f.owner.idNumber), deceased: f.owner.deceased },
    mandate: {
      type: f.mandate,
      maskedApplicantIdNumber: f.applicantIdNumber ? maskIdNumber(f.applicantIdNumber) : null,
      maskedApplicantName: f.applicantName ? maskName(f.applicantName) : null,
      relationship: f.relationship,
      documents: f.documents.map((d) => ({ kind: d.kind, contentType: d.contentType, sizeBytes: d.bytes.length, sha256: d.sha256 })),
    },
    checks: { iccidMatched: f.checks.iccidMatched, cardReturned: f.checks.cardReturned, esimProfileDeleted: f.checks.esimProfileDeleted, idNumberMatched: true, faceMatched: true },
    money: {
      items: q.bill.items.map((i) => ({ code: i.code, label: i.label, amountFen: i.amountFen })),
      billTotalFen: q.bill.totalFen,
      cashBalanceFen: q.refund.cashBalanceFen,
      promotionalCreditFen: q.refund.promotionalCreditFen,
      refundFen: q.refund.refundableFen,
      penalty: { applies: q.penalty.applies, amountFen: q.penalty.amountFen, accepted: q.penalty.accepted },
      refundRoute: { type: String(f.refundRoute.type), label: routeLabel(f.lang, String(f.refundRoute.type)), detail: routeDetail(f.refundRoute) },
    },
    outOfProvince: q.store.outOfProvince
      ? { homeProvince: home, provinceName: provinceName(home, en ? 'en' : 'zh'), forwarded: !!q.forwarding, slaDays: q.forwarding?.slaDays ?? null }
      : null,
    // Submission is refused unless every acknowledgement the quote asks for was confirmed.
    acknowledgements: q.requiredAcknowledgements.map((code) => ({ code, text: q.acknowledgementTexts[code] ?? code })),
    quoteVersion: q.version,
    signature: { contentType: 'image/png', width: f.signature.width, height: f.signature.height, sha256: sha256(f.signature.bytes) },
  };
}

/** The agreement hash: SHA-256 (hex) of the content's canonical JSON. */
export function agreementHash(content: AgreementContent): string {
  return sha256(canonicalJson(content));
}
