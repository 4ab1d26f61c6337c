// The staff consoles' answers as TypeBox schemas: the OpenAPI document and the response serialiser
// use them, and the web client takes its types from them (web/src/api-types.ts), so the two cannot drift.
import { Type, type Static } from 'typebox';
import { Nullable } from './schemas.ts';


export const CarrierCodeSchema = Type.Union([Type.Literal('cmcc'), Type.Literal('cucc'), Type.Literal('ctcc'), Type.Literal('cbn')]);
export const ChannelSchema = Type.Union([Type.Literal('online'), Type.Literal('store'), Type.Literal('api'), Type.Literal('fleet')]);
export const RequestStatusSchema = Type.Union([
  Type.Literal('pending_review'), Type.Literal('approved'), Type.Literal('executing'), Type.Literal('completed'),
  Type.Literal('rejected'), Type.Literal('withdrawn'), Type.Literal('needs_attention'),
]);
export const LocalizedSchema = Type.Object({ zh: Type.String(), en: Type.String() });

export const ReviewClaimSchema = Type.Object({
  staffId: Type.String(), username: Type.String(), displayName: Type.String(), expiresAt: Type.String({ format: 'date-time' }),
});

export const ReviewQueueItemSchema = Type.Object({
  id: Type.String(),
  status: RequestStatusSchema,
  reference: Nullable(Type.String()),
  channel: ChannelSchema,
  carrier: CarrierCodeSchema,
  carrierName: LocalizedSchema,
  maskedMsisdn: Type.String(),
  formFactor: Type.Union([Type.Literal('physical'), Type.Literal('esim')]),
  submittedAt: Type.String(),
  slaDueAt: Nullable(Type.String()),
  overdue: Type.Boolean(),
  refundFen: Type.Integer(),
  billTotalFen: Type.Integer(),
  warnings: Type.Array(Type.String()),
  claim: Nullable(ReviewClaimSchema),
});

export const ReviewQueuePageSchema = Type.Object({
  total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer(), items: Type.Array(ReviewQueueItemSchema),
});

export const AuditActorSchema = Type.Object({
  kind: Type.String(), id: Nullable(Type.String()),
  /** Staff: their username and display name (the id stays for filtering). */
  username: Nullable(Type.String()), displayName: Nullable(Type.String()),
});

export const AuditEntrySchema = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  actorKind: Type.String(),
  actorId: Nullable(Type.String()),
  actor: AuditActorSchema,
  action: Type.String(),
  requestId: Nullable(Type.String()),
  reference: Nullable(Type.String()),
  subject: Nullable(Type.String()),
  details: Type.Record(Type.String(), Type.Unknown()),
  ip: Nullable(Type.String()),
});

export const AuditPageSchema = Type.Object({
  entries: Type.Array(AuditEntrySchema),
  nextBeforeSeq: Nullable(Type.Integer()),
  total: Type.Integer(),
});

export const AuditFacetsSchema = Type.Object({
  actions: Type.Array(Type.String()),
  staff: Type.Array(Type.Object({ id: Type.String(), username: Type.String(), displayName: Type.String(), role: Type.String() })),
});

export const StoreChoicesSchema = Type.Object({
  items: Type.Array(Type.Object({ id: Type.String(), carrier: CarrierCodeSchema, name: LocalizedSchema, province: Type.String() })),
});

/** A store request's cash refund: whether it can be handed over now, and when and by whom it was. */
export const CashHandOverSchema = Type.Object({
  due: Type.Boolean(), amountFen: Type.Integer(), handedOverAt: Nullable(Type.String()), handedOverBy: Nullable(Type.String()),
});
export const CashHandOverAnswerSchema = Type.Object({ ...CashHandOverSchema.properties, alreadyRecorded: Type.Boolean() });

export type CashHandOver = Static<typeof CashHandOverSchema>;
export type CashHandOverAnswer = Static<typeof CashHandOverAnswerSchema>;
export type StoreChoices = Static<typeof StoreChoicesSchema>;
export type ReviewClaim = Static<typeof ReviewClaimSchema>;
export type ReviewQueueItem = Static<typeof ReviewQueueItemSchema>;
export type ReviewQueuePage = Static<typeof ReviewQueuePageSchema>;
export type AuditEntry = Static<typeof AuditEntrySchema>;
export type AuditPage = Static<typeof AuditPageSchema>;
export type AuditFacets = Static<typeof AuditFacetsSchema>;
