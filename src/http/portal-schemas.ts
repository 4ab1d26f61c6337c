// The subscriber portal's answers as TypeBox schemas: my lines (GET /me/lines, POST /me/lines/find),
// the quote (POST /cancellations/quote, and the store's quote built on it), a request's status page
// (GET /cancellations/{id}) and my list of requests. The routes serialise with them, the OpenAPI
// document shows them and the web client takes its types from them (web/src/api-types.ts), so the
// three cannot drift. Pure: no I/O, nothing of the server bundled into the web app.
import { Type, type Static } from 'typebox';
import { Nullable, Uuid } from './schemas.ts';
import { CarrierCodeSchema, ChannelSchema, LocalizedSchema, RequestStatusSchema, StoreChoicesSchema } from './staff-console-schemas.ts';
import { StaffRoleSchema } from './admin-schemas.ts';

export const FormFactorSchema = Type.Union([Type.Literal('physical'), Type.Literal('esim')]);
export const PartnerAnswerSchema = Type.Union([Type.Literal('accepted'), Type.Literal('completed'), Type.Literal('rejected')]);
export const RefundRouteTypeSchema = Type.Union([Type.Literal('original'), Type.Literal('bank'), Type.Literal('line'), Type.Literal('cash')]);
const Fen = Type.Integer();
/** Figures that fill a sentence (a blocker's or warning's parameters). */
const TextParams = Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]));

// ---------------------------------------------------------------- who is signed in

/** A staff member as their sign-in answers (POST /staff/sign-in). */
export const StaffUserSchema = Type.Object({ username: Type.String(), role: StaffRoleSchema, storeId: Nullable(Type.String()), displayName: Type.String() });
/** GET /auth/me: a subscriber, a staff member (with their store's name), or nobody. */
export const MeSchema = Type.Union([
  Type.Object({ kind: Type.Literal('subscriber'), msisdn: Type.String(), realNameVerified: Type.Boolean(), maskedName: Nullable(Type.String()) }),
  Type.Object({ kind: Type.Literal('staff'), ...StaffUserSchema.properties, storeName: Nullable(LocalizedSchema) }),
  Type.Object({ kind: Type.Null() }),
]);

// ---------------------------------------------------------------- lines

/** A cancellation handed to an MVNO: our ticket, where it stands, and the MVNO's answers in order. */
export const ForwardedRequestSchema = Type.Object({
  ticket: Type.String(),
  status: Type.Union([Type.Literal('forwarded'), PartnerAnswerSchema]),
  partnerReference: Nullable(Type.String()),
  createdAt: Type.String(),
  answers: Type.Array(Type.Object({ answer: PartnerAnswerSchema, partnerReference: Nullable(Type.String()), reason: Nullable(Type.String()), at: Type.String() })),
});

export const MvnoSchema = Type.Object({ code: Type.String(), name: LocalizedSchema, hotline: Type.String(), acceptsForwarded: Type.Boolean() });

export const LineSchema = Type.Object({
  id: Type.String(),
  msisdn: Type.String(),
  carrier: Type.String(),
  carrierName: LocalizedSchema,
  mvno: Nullable(MvnoSchema),
  soldBy: Type.String(),
  formFactor: FormFactorSchema,
  status: Type.String({ description: 'active, suspended, lost or cancelled' }),
  maskedIccid: Type.String(),
  maskedImsi: Type.String(),
  maskedEid: Nullable(Type.String()),
  deviceLabel: Nullable(Type.String()),
  homeProvince: Type.String(),
  homeProvinceName: LocalizedSchema,
  planName: Type.String(),
  monthlyFeeFen: Fen,
  bundleRole: Type.String(),
  hasBroadband: Type.Boolean(),
  contractEnd: Nullable(Type.String()),
  companions: Type.Array(Type.Object({ deviceLabel: Type.String(), formFactor: Type.Literal('esim') })),
  liveRequest: Nullable(Type.Object({ id: Type.String(), status: Type.String() })),
  frozenUntil: Nullable(Type.String({ description: "A cancelled number's freeze (冷冻期): its former owner may recover it until then" })),
  forwarded: Nullable(ForwardedRequestSchema),
});
export const LineListSchema = Type.Object({ lines: Type.Array(LineSchema) });
export const FoundLineSchema = Type.Object({ line: LineSchema });

// ---------------------------------------------------------------- the quote

export const RemedyActionSchema = Type.Union([
  Type.Literal('pay_outstanding'), Type.Literal('accept_penalty'), Type.Literal('forward_to_mvno'), Type.Literal('visit_store'),
]);
export const BlockerSchema = Type.Object({
  code: Type.String(), message: Type.String(), remedy: Type.String(), remedyAction: Nullable(RemedyActionSchema), params: TextParams,
});
export const WarningSchema = Type.Object({
  code: Type.String(), message: Type.String(), requiresAcknowledgement: Type.Boolean(), params: Type.Optional(TextParams),
});
export const BillItemSchema = Type.Object({ code: Type.String(), label: Type.String(), amountFen: Fen });
export const BillSchema = Type.Object({ items: Type.Array(BillItemSchema), totalFen: Fen });
export const QuoteRefundSchema = Type.Object({
  cashBalanceFen: Fen,
  reservedByOtherRequestsFen: Type.Integer({ description: 'What other live requests on the same account hold of its cash' }),
  availableFen: Type.Integer({ description: 'What this request may draw on: cash less what others hold' }),
  promotionalCreditFen: Fen,
  owedFen: Fen,
  shortfallFen: Fen,
  refundableFen: Fen,
  settlesAccount: Type.Boolean({ description: 'The last line on its account: its cancellation settles (closes) the account' }),
  staysOnAccount: Nullable(Type.Object({
    amountFen: Fen, promotionalCreditFen: Fen,
    lines: Type.Array(Type.String(), { description: 'Masked tails of the lines that keep using the account' }),
    moreLines: Type.Optional(Type.Integer()),
  })),
  note: Type.String(),
});
export const PenaltySchema = Type.Object({ applies: Type.Boolean(), amountFen: Fen, accepted: Type.Boolean() });
export const RefundRouteOptionSchema = Type.Object({
  type: RefundRouteTypeSchema, label: Type.String(), lines: Type.Optional(Type.Array(Type.Object({ id: Type.String(), msisdn: Type.String() }))),
});
export const OutstandingPaymentSchema = Type.Object({ dueFen: Fen, offsetFen: Fen, shortfallFen: Fen, chargeFen: Fen });

export const QuoteSchema = Type.Object({
  version: Type.String(),
  lineId: Type.String(),
  channel: ChannelSchema,
  eligible: Type.Boolean(),
  blockers: Type.Array(BlockerSchema),
  warnings: Type.Array(WarningSchema),
  requiredAcknowledgements: Type.Array(Type.String()),
  acknowledgementTexts: Type.Record(Type.String(), Type.String(), { description: 'Reminder texts in the request\'s language, by acknowledgement code' }),
  bill: BillSchema,
  refund: QuoteRefundSchema,
  penalty: PenaltySchema,
  refundRoutes: Type.Array(RefundRouteOptionSchema),
  seller: Type.Optional(Type.Object({
    code: Type.String(), name: Type.String(), hotline: Type.String(), acceptsForwarded: Type.Boolean(), forwardedTicket: Nullable(Type.String()),
  })),
  freezeDays: Type.Integer(),
  computedOn: Type.String(),
  payment: Nullable(Type.Object({ online: OutstandingPaymentSchema, balanceOffset: Nullable(OutstandingPaymentSchema) }, {
    description: 'What "pay now" charges: online, or with the cash balance offset first; null when nothing is owed',
  })),
});

// ---------------------------------------------------------------- a request

export const TimelineEntrySchema = Type.Object({ status: RequestStatusSchema, at: Type.String(), note: Type.Optional(Type.String()) });
/** A timeline entry as staff see it: with who moved the request (the reviewer's and the store's views). */
export const StaffTimelineEntrySchema = Type.Object({ ...TimelineEntrySchema.properties, actorKind: Type.String() });
export const StepStatusSchema = Type.Union([Type.Literal('pending'), Type.Literal('done'), Type.Literal('failed'), Type.Literal('skipped')]);
export const RequestStepSchema = Type.Object({ step: Type.String(), status: StepStatusSchema, attempts: Type.Integer() });
/** The refund as the ledger records it (the promise alone is refundFen). */
export const RefundStateSchema = Type.Object({
  promisedFen: Fen, paidFen: Fen,
  status: Type.Union([Type.Literal('none'), Type.Literal('pending'), Type.Literal('paid'), Type.Literal('not_recorded')]),
});
/** 受理编号: `value` as stored (ZX + 12 digits), `display` grouped for reading aloud. */
export const RequestReferenceSchema = Type.Object({ value: Type.String(), display: Type.String() });
/** A refund route as stored on a request (account numbers masked). */
export const StoredRefundRouteSchema = Type.Object({
  type: RefundRouteTypeSchema,
  bankName: Type.Optional(Type.String()),
  maskedAccount: Type.Optional(Type.String()),
  lineId: Type.Optional(Type.String()),
  msisdn: Type.Optional(Type.String()),
});

/** The stored route's type: the column is JSON (a record to the database types), written only by src/cancellation/refund-route.ts in this shape. */
export const storedRefundRoute = (route: Record<string, unknown>): StoredRefundRoute => route as StoredRefundRoute;

/** A request as its owner sees it (GET /cancellations/{id}); staff get the same with the number masked. */
export const CancellationRequestSchema = Type.Object({
  id: Type.String(),
  status: RequestStatusSchema,
  channel: ChannelSchema,
  lineId: Type.String(),
  msisdn: Type.String(),
  carrier: CarrierCodeSchema,
  carrierName: LocalizedSchema,
  createdAt: Type.String(),
  slaDueAt: Nullable(Type.String()),
  timeline: Type.Array(TimelineEntrySchema),
  steps: Type.Array(RequestStepSchema),
  refundFen: Fen,
  refund: RefundStateSchema,
  reference: Nullable(RequestReferenceSchema),
  billTotalFen: Fen,
  refundRoute: StoredRefundRouteSchema,
  certificateSerial: Type.Optional(Type.String()),
  rejectionReason: Type.Optional(Type.String()),
  completedAt: Type.Optional(Type.String()),
});

export const CancellationSummarySchema = Type.Object({
  id: Type.String(),
  lineId: Type.String(),
  msisdn: Type.String(),
  carrier: CarrierCodeSchema,
  status: RequestStatusSchema,
  channel: ChannelSchema,
  createdAt: Type.String(),
  reference: Type.Optional(Type.String({ description: '受理编号, grouped for reading aloud' })),
  certificateSerial: Type.Optional(Type.String()),
  rejectionReason: Type.Optional(Type.String()),
});
export const CancellationListSchema = Type.Object({ items: Type.Array(CancellationSummarySchema) });

// ---------------------------------------------------------------- the other answers of the portal

/** A submitted request (201 of POST /cancellations). */
export const SubmittedSchema = Type.Object({
  id: Type.String(), status: Type.String(), reference: Type.String({ description: '受理编号, e.g. ZX482109376152 (shown as ZX 4821 0937 6152)' }),
});
/** What paying the arrears (and any final-bill shortfall) took: online, after the cash balance offset. */
export const PaidOnlineSchema = Type.Object({ paidFen: Fen, offsetFen: Fen, paymentId: Nullable(Type.String()) });
/** A cancellation forwarded to the MVNO: our ticket and whom to call. */
export const ForwardedSchema = Type.Object({ ticket: Type.String(), mvno: Type.String(), hotline: Type.String() });
/** GET /stores: the carrier's stores in a province (the same rows as the admin's store choices). */
export const StoreListSchema = Type.Object({ stores: StoreChoicesSchema.properties.items });
export const RecoveryCodeSentSchema = Type.Object({ sentTo: Type.String(), expiresInSeconds: Type.Integer(), frozenUntil: Type.String() });
export const RecoveredLineSchema = Type.Object({
  lineId: Type.String(), msisdn: Type.String(), carrier: Type.String(), status: Type.Literal('active'), maskedIccid: Type.String(),
});

export type Localized = Static<typeof LocalizedSchema>;
export type Submitted = Static<typeof SubmittedSchema>;
export type PaidOnline = Static<typeof PaidOnlineSchema>;
export type Forwarded = Static<typeof ForwardedSchema>;
export type StoreNearby = Static<typeof StoreListSchema>['stores'][number];
export type RecoveryCodeSent = Static<typeof RecoveryCodeSentSchema>;
export type RecoveredLine = Static<typeof RecoveredLineSchema>;
export type StaffUser = Static<typeof StaffUserSchema>;
export type Me = Static<typeof MeSchema>;
export type RequestStatus = Static<typeof RequestStatusSchema>;
export type FormFactor = Static<typeof FormFactorSchema>;
export type PartnerAnswer = Static<typeof PartnerAnswerSchema>;
export type ForwardedRequest = Static<typeof ForwardedRequestSchema>;
export type Mvno = Static<typeof MvnoSchema>;
export type Line = Static<typeof LineSchema>;
export type RemedyAction = Static<typeof RemedyActionSchema>;
export type Blocker = Static<typeof BlockerSchema>;
export type Warning = Static<typeof WarningSchema>;
export type BillItem = Static<typeof BillItemSchema>;
export type Bill = Static<typeof BillSchema>;
export type QuoteRefund = Static<typeof QuoteRefundSchema>;
export type Penalty = Static<typeof PenaltySchema>;
export type RefundRouteType = Static<typeof RefundRouteTypeSchema>;

// ---------------------------------------------------------------- request bodies

/** Where the refund goes, as the subscriber or the clerk chooses it (bank details only for 'bank', a line only for 'line'). */
export const RefundRouteBodySchema = Type.Object({
  type: RefundRouteTypeSchema,
  bankAccount: Type.Optional(Type.String({ maxLength: 40 })),
  accountName: Type.Optional(Type.String({ maxLength: 100 })),
  bankName: Type.Optional(Type.String({ maxLength: 100 })),
  lineId: Type.Optional(Uuid),
});

/** POST /cancellations: the quote's version, every acknowledgement it asked for, the number's last four digits. */
export const SubmitCancellationBodySchema = Type.Object({
  lineId: Uuid,
  quoteVersion: Type.String({ minLength: 1, maxLength: 64 }),
  acknowledgements: Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20 }),
  confirmLast4: Type.String({ maxLength: 8 }),
  refundRoute: RefundRouteBodySchema,
  acceptPenalty: Type.Optional(Type.Boolean()),
  email: Type.Optional(Type.String({ maxLength: 254, description: 'Optional: the certificate is e-mailed here once the line is cancelled' })),
});

export type RefundRouteBody = Static<typeof RefundRouteBodySchema>;
export type SubmitCancellationBody = Static<typeof SubmitCancellationBodySchema>;
export type RefundRouteOption = Static<typeof RefundRouteOptionSchema>;
export type OutstandingPayment = Static<typeof OutstandingPaymentSchema>;
export type Quote = Static<typeof QuoteSchema>;
export type TimelineEntry = Static<typeof TimelineEntrySchema>;
export type RefundState = Static<typeof RefundStateSchema>;
export type RequestReference = Static<typeof RequestReferenceSchema>;
export type StoredRefundRoute = Static<typeof StoredRefundRouteSchema>;
export type CancellationRequest = Static<typeof CancellationRequestSchema>;
export type CancellationSummary = Static<typeof CancellationSummarySchema>;
