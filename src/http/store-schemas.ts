// The store counter's answers as TypeBox schemas: the customer lookup, the store's quote (the
// portal's quote plus the store's facts), a store request as staff see it, the clerk's day. The
// routes serialise with them, the OpenAPI document shows them, the web client takes its types from
// them (web/src/api-types.ts). Pure: no I/O.
import { Type, type Static } from 'typebox';
import { Nullable, Uuid } from './schemas.ts';
import { MAX_DOCUMENTS, MAX_DOCUMENT_BYTES, MAX_SIGNATURE_BYTES, base64Length } from '../shared/body-limits.ts';
import { CashHandOverSchema } from './staff-console-schemas.ts';
import {
  CancellationRequestSchema, FormFactorSchema, RefundRouteBodySchema, LineSchema, PenaltySchema, QuoteSchema, RequestStepSchema, StaffTimelineEntrySchema,
} from './portal-schemas.ts';

export const IdTypeSchema = Type.Union([
  Type.Literal('resident_id'), Type.Literal('passport'), Type.Literal('hk_macao_permit'), Type.Literal('taiwan_permit'), Type.Literal('business_licence'),
]);
export const MandateTypeSchema = Type.Union([Type.Literal('owner'), Type.Literal('proxy'), Type.Literal('deceased_owner'), Type.Literal('company')]);
export const DocumentKindSchema = Type.Union([
  Type.Literal('agent_id'), Type.Literal('authorisation_letter'), Type.Literal('death_certificate'), Type.Literal('relationship_proof'),
  Type.Literal('company_letter'), Type.Literal('applicant_id'), Type.Literal('other'),
]);

export const StoreCustomerSchema = Type.Object({
  id: Type.String(), maskedName: Type.String(), maskedIdNumber: Type.String(), idType: IdTypeSchema,
  kind: Type.Union([Type.Literal('person'), Type.Literal('company')]), deceased: Type.Boolean(),
});

/** A line as a clerk sees it: the number masked, plus whether this store can cancel it. */
const { msisdn: _fullNumber, ...lineWithoutNumber } = LineSchema.properties;
export const StoreLineSchema = Type.Object({
  ...lineWithoutNumber, maskedMsisdn: Type.String(), outOfProvince: Type.Boolean(), cancellableHere: Type.Boolean(),
});
export const StoreLookupSchema = Type.Object({ customer: StoreCustomerSchema, lines: Type.Array(StoreLineSchema) });

export const StoreQuoteSchema = Type.Object({
  ...QuoteSchema.properties,
  store: Type.Object({ id: Type.String(), province: Type.String(), outOfProvince: Type.Boolean() }),
  forwarding: Nullable(Type.Object({
    province: Type.String(), provinceName: Type.String(), slaDays: Type.Integer(), message: Type.String(), remedy: Type.String(),
  }, { description: 'Set when the carrier forwards out-of-province requests: the request goes to the home province' })),
});

/** What the clerk's checks recorded at submission (stored in the request's details). */
export const StoreChecksSchema = Type.Object({
  iccidMatched: Nullable(Type.Boolean()), cardReturned: Type.Boolean(), esimProfileDeleted: Nullable(Type.Boolean()),
  idNumberMatched: Type.Boolean(), faceMatched: Type.Boolean(),
});
export const OutOfProvinceSchema = Type.Object({ homeProvince: Type.String(), storeProvince: Type.String(), forwarded: Type.Boolean() });

const owner = CancellationRequestSchema.properties;
/** A store request as staff see it (GET /store/cancellations/{id}): identifiers masked. */
export const StoreCancellationSchema = Type.Object({
  id: owner.id, status: owner.status, channel: owner.channel, carrier: owner.carrier, carrierName: owner.carrierName,
  createdAt: owner.createdAt, slaDueAt: owner.slaDueAt, refundFen: owner.refundFen, refund: owner.refund, reference: owner.reference,
  billTotalFen: owner.billTotalFen, refundRoute: owner.refundRoute,
  certificateSerial: owner.certificateSerial, rejectionReason: owner.rejectionReason, completedAt: owner.completedAt,
  storeId: Nullable(Type.String()),
  maskedMsisdn: Type.String(),
  maskedIccid: Type.String(),
  formFactor: FormFactorSchema,
  mandate: Nullable(MandateTypeSchema),
  applicant: Nullable(Type.Object({ maskedIdNumber: Nullable(Type.String()), maskedName: Nullable(Type.String()), relationship: Nullable(Type.String()) })),
  cashHandOver: Nullable(CashHandOverSchema),
  checks: Nullable(StoreChecksSchema),
  penalty: Nullable(PenaltySchema),
  outOfProvince: Nullable(OutOfProvinceSchema),
  cardReturn: Type.Object({ returned: Type.Boolean(), storeId: Type.Optional(Type.String()), at: Type.Optional(Type.String()) }),
  agreement: Nullable(Type.Object({ hash: Type.String(), lang: Type.String(), signedAt: Type.String(), pdf: Type.String() })),
  documents: Type.Array(Type.Object({ id: Type.String(), kind: DocumentKindSchema, contentType: Type.String(), sizeBytes: Type.Integer(), sha256: Type.String() })),
  timeline: Type.Array(StaffTimelineEntrySchema),
  steps: Type.Array(RequestStepSchema),
});

export const StoreHistoryItemSchema = Type.Object({
  id: owner.id, status: owner.status, carrier: owner.carrier,
  maskedMsisdn: Type.String(), formFactor: FormFactorSchema, createdAt: Type.String(),
  billTotalFen: Type.Integer(), refundFen: Type.Integer(),
  refundRoute: Type.String({ description: 'The refund route\'s type' }),
  certificateSerial: Type.Optional(Type.String()),
});
export const CounterPaymentMethodSchema = Type.Union([Type.Literal('store_cash'), Type.Literal('store_pos')]);
/** What the counter took for the arrears (and any final-bill shortfall). */
export const CounterPaidSchema = Type.Object({ paidFen: Type.Integer(), paymentId: Nullable(Type.String()), method: CounterPaymentMethodSchema });
/** A store request opened (201 of POST /store/cancellations). */
export const StoreSubmittedSchema = Type.Object({
  id: Type.String(), status: Type.Union([Type.Literal('approved'), Type.Literal('pending_review')]), agreementHash: Type.String(), reference: Type.String(),
});

export const StoreHistorySchema = Type.Object({ items: Type.Array(StoreHistoryItemSchema) });

export type MandateType = Static<typeof MandateTypeSchema>;
export type DocumentKind = Static<typeof DocumentKindSchema>;
export type StoreCustomer = Static<typeof StoreCustomerSchema>;
export type StoreLine = Static<typeof StoreLineSchema>;
export type StoreLookup = Static<typeof StoreLookupSchema>;
export type StoreQuote = Static<typeof StoreQuoteSchema>;
export type StoreCancellation = Static<typeof StoreCancellationSchema>;
export type StoreHistoryItem = Static<typeof StoreHistoryItemSchema>;
export type CounterPaid = Static<typeof CounterPaidSchema>;
export type StoreSubmitted = Static<typeof StoreSubmittedSchema>;

// ---------------------------------------------------------------- request bodies

/** POST /store/cancellations: the checks at the counter, the mandate with its documents, the signature. */
export const StoreSubmitBodySchema = Type.Object({
  lineId: Uuid,
  quoteVersion: Type.String({ minLength: 1, maxLength: 64 }),
  iccidScanned: Type.Optional(Type.String({ maxLength: 40 })),
  esimProfileDeleted: Type.Optional(Type.Boolean()),
  identityCheck: Type.Object({ idNumber: Type.String({ minLength: 1, maxLength: 40 }), faceMatched: Type.Boolean() }),
  mandate: Type.Object({
    type: MandateTypeSchema,
    documents: Type.Optional(Type.Array(Type.Object({
      kind: DocumentKindSchema,
      name: Type.Optional(Type.String({ maxLength: 200 })),
      contentBase64: Type.String({ minLength: 1, maxLength: base64Length(MAX_DOCUMENT_BYTES) + 1024 }),
    }), { maxItems: MAX_DOCUMENTS })),
    applicantIdNumber: Type.Optional(Type.String({ maxLength: 40 })),
    applicantName: Type.Optional(Type.String({ maxLength: 100, description: 'The agent, heir or representative: required unless the owner applies' })),
    relationship: Type.Optional(Type.String({ maxLength: 60, description: "The applicant's relationship to the owner: required unless the owner applies" })),
  }),
  acknowledgements: Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20 }),
  refundRoute: RefundRouteBodySchema,
  signaturePng: Type.String({ minLength: 1, maxLength: base64Length(MAX_SIGNATURE_BYTES) + 1024 }),
  acceptPenalty: Type.Optional(Type.Boolean()),
  lang: Type.Optional(Type.Union([Type.Literal('zh-CN'), Type.Literal('en')])),
  email: Type.Optional(Type.String({ maxLength: 254, description: 'Optional: the certificate is e-mailed here' })),
});

export type StoreSubmitBody = Static<typeof StoreSubmitBodySchema>;
