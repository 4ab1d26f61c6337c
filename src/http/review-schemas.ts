// The reviewer's decision screen (GET /review/{id}) as a TypeBox schema: the route serialises with
// it, the OpenAPI document shows it, the web client takes its type from it (web/src/api-types.ts).
// It is the queue's row (staff-console-schemas.ts) plus the request's facts, built from the
// portal's pieces (portal-schemas.ts). Pure: no I/O.
import { Type, type Static } from 'typebox';
import { Nullable } from './schemas.ts';
import { ReviewQueueItemSchema } from './staff-console-schemas.ts';
import {
  BillSchema, PenaltySchema, QuoteRefundSchema, RefundStateSchema, RequestReferenceSchema, RequestStepSchema, StoredRefundRouteSchema,
  StaffTimelineEntrySchema, WarningSchema,
} from './portal-schemas.ts';

// The quote as it was stored at submission: requests stored before 2026-12-01 lack the shared
// account's figures, so those are optional here (a required field missing would fail the answer).
const { reservedByOtherRequestsFen, availableFen, settlesAccount, staysOnAccount, ...refundAlways } = QuoteRefundSchema.properties;
export const StoredQuoteRefundSchema = Type.Object({
  ...refundAlways,
  reservedByOtherRequestsFen: Type.Optional(reservedByOtherRequestsFen),
  availableFen: Type.Optional(availableFen),
  settlesAccount: Type.Optional(settlesAccount),
  staysOnAccount: Type.Optional(staysOnAccount),
});

export const ReviewDetailSchema = Type.Object({
  ...ReviewQueueItemSchema.properties, // the queue's row; its reference (a string there) is the pair below
  maskedIccid: Type.String(),
  timeline: Type.Array(StaffTimelineEntrySchema),
  steps: Type.Array(Type.Object({ ...RequestStepSchema.properties, lastError: Nullable(Type.String()) })),
  /** The stored quote's texts in the reader's language. */
  quote: Type.Object({ bill: BillSchema, refund: StoredQuoteRefundSchema, warnings: Type.Array(WarningSchema), penalty: PenaltySchema }),
  acknowledgements: Type.Array(Type.String()),
  acknowledgementTexts: Type.Record(Type.String(), Type.String(), { description: 'The wording the subscriber ticked, in the reader\'s language' }),
  refundRoute: StoredRefundRouteSchema,
  ownerLiveLines: Type.Integer(),
  refund: RefundStateSchema,
  reference: Nullable(RequestReferenceSchema),
  attentionReason: Type.Optional(Type.String()),
  rejectionReason: Type.Optional(Type.String()),
  certificateSerial: Type.Optional(Type.String()),
});

export type ReviewDetail = Static<typeof ReviewDetailSchema>;
