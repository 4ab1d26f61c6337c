/**
 * GSMA SGP.22 ES2+ JSON messages (operator <-> SM-DP+), as TypeBox schemas with their static types.
 * The schemas are plain JSON Schema, so they can also be given to Fastify (type-provider-typebox) for the
 * operator-side `handleDownloadProgressInfo` route. Vendors add fields: objects are not closed.
 */
import Type, { type Static } from 'typebox';

export const ES2PLUS_PATH = '/gsma/rsp2/es2plus';

/** ICCID as ES2+ carries it: 89 + 17-18 more characters (digits; a few old cards carry a letter or F pad). */
export const ICCID_PATTERN = '^89[0-9A-Za-z]{17,18}$';
export const EID_PATTERN = '^[0-9]{32}$';
/** `YYYY-MM-DDThh:mm:ssTZD`, TZD = Z or +hh:mm / -hh:mm. */
export const ES2PLUS_TIMESTAMP_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})$';

export const Es2PlusFunctionNames = ['downloadOrder', 'confirmOrder', 'cancelOrder', 'releaseProfile'] as const;
export type Es2PlusFunctionName = (typeof Es2PlusFunctionNames)[number];

export const ExecutionStatusSchema = Type.Union([
  Type.Literal('Executed-Success'),
  Type.Literal('Executed-WithWarning'),
  Type.Literal('Failed'),
  Type.Literal('Expired'),
]);
export type ExecutionStatus = Static<typeof ExecutionStatusSchema>;

export const StatusCodeDataSchema = Type.Object({
  /** e.g. '8.2.1' (ICCID). */
  subjectCode: Type.String(),
  /** e.g. '3.9' (unknown). */
  reasonCode: Type.String(),
  subjectIdentifier: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
});
export type StatusCodeData = Static<typeof StatusCodeDataSchema>;

export const FunctionExecutionStatusSchema = Type.Object({
  status: ExecutionStatusSchema,
  statusCodeData: Type.Optional(StatusCodeDataSchema),
});
export type FunctionExecutionStatus = Static<typeof FunctionExecutionStatusSchema>;

export const RequestHeaderSchema = Type.Object({
  functionRequesterIdentifier: Type.String({ minLength: 1 }),
  functionCallIdentifier: Type.String({ minLength: 1 }),
});
export type RequestHeader = Static<typeof RequestHeaderSchema>;

export const ResponseHeaderSchema = Type.Object({
  functionExecutionStatus: FunctionExecutionStatusSchema,
});
export type ResponseHeader = Static<typeof ResponseHeaderSchema>;

/** Every ES2+ response: header, plus function-specific fields on success. */
export const ResponseEnvelopeSchema = Type.Object({ header: ResponseHeaderSchema });
export type ResponseEnvelope = Static<typeof ResponseEnvelopeSchema>;

// --- downloadOrder ---------------------------------------------------------------------------------
export const DownloadOrderRequestSchema = Type.Object({
  header: RequestHeaderSchema,
  eid: Type.Optional(Type.String({ pattern: EID_PATTERN })),
  iccid: Type.Optional(Type.String({ pattern: ICCID_PATTERN })),
  profileType: Type.Optional(Type.String({ minLength: 1 })),
});
export type DownloadOrderRequest = Static<typeof DownloadOrderRequestSchema>;

export const DownloadOrderResponseSchema = Type.Object({
  header: ResponseHeaderSchema,
  /** Mandatory on success. */
  iccid: Type.Optional(Type.String()),
});
export type DownloadOrderResponse = Static<typeof DownloadOrderResponseSchema>;

// --- confirmOrder ----------------------------------------------------------------------------------
export const ConfirmOrderRequestSchema = Type.Object({
  header: RequestHeaderSchema,
  iccid: Type.String({ pattern: ICCID_PATTERN }),
  releaseFlag: Type.Boolean(),
  eid: Type.Optional(Type.String({ pattern: EID_PATTERN })),
  matchingId: Type.Optional(Type.String({ minLength: 1 })),
  confirmationCode: Type.Optional(Type.String({ minLength: 1 })),
  smdsAddress: Type.Optional(Type.String({ minLength: 1 })),
});
export type ConfirmOrderRequest = Static<typeof ConfirmOrderRequestSchema>;

export const ConfirmOrderResponseSchema = Type.Object({
  header: ResponseHeaderSchema,
  /** Mandatory on success. */
  matchingId: Type.Optional(Type.String()),
  eid: Type.Optional(Type.String()),
  smdpAddress: Type.Optional(Type.String()),
});
export type ConfirmOrderResponse = Static<typeof ConfirmOrderResponseSchema>;

// --- cancelOrder -----------------------------------------------------------------------------------
export const FinalProfileStatusIndicatorSchema = Type.Union([Type.Literal('Available'), Type.Literal('Unavailable')]);
export type FinalProfileStatusIndicator = Static<typeof FinalProfileStatusIndicatorSchema>;

export const CancelOrderRequestSchema = Type.Object({
  header: RequestHeaderSchema,
  iccid: Type.String({ pattern: ICCID_PATTERN }),
  finalProfileStatusIndicator: FinalProfileStatusIndicatorSchema,
  eid: Type.Optional(Type.String({ pattern: EID_PATTERN })),
  matchingId: Type.Optional(Type.String({ minLength: 1 })),
});
export type CancelOrderRequest = Static<typeof CancelOrderRequestSchema>;
export type CancelOrderResponse = ResponseEnvelope;

// --- releaseProfile --------------------------------------------------------------------------------
export const ReleaseProfileRequestSchema = Type.Object({
  header: RequestHeaderSchema,
  iccid: Type.String({ pattern: ICCID_PATTERN }),
});
export type ReleaseProfileRequest = Static<typeof ReleaseProfileRequestSchema>;
export type ReleaseProfileResponse = ResponseEnvelope;

// --- handleDownloadProgressInfo (SM-DP+ -> operator) -----------------------------------------------
/**
 * Standard notification points: 1 eligibility / retry-limit failure, 2 confirmation-code retries
 * exceeded, 3 profile downloaded, 4 profile installed. Vendors add others (one uses 5 = deleted), so any
 * integer is accepted.
 */
export const NotificationPoint = {
  eligibilityOrRetryLimitFailure: 1,
  confirmationCodeRetriesExceeded: 2,
  downloaded: 3,
  installed: 4,
  /** Vendor extension. */
  deleted: 5,
} as const;

export const HandleDownloadProgressInfoRequestSchema = Type.Object({
  header: RequestHeaderSchema,
  eid: Type.Optional(Type.String({ pattern: EID_PATTERN })),
  iccid: Type.String({ pattern: ICCID_PATTERN }),
  profileType: Type.String({ minLength: 1 }),
  timestamp: Type.String({ pattern: ES2PLUS_TIMESTAMP_PATTERN }),
  notificationPointId: Type.Integer(),
  notificationPointStatus: FunctionExecutionStatusSchema,
  /** Base64 of the DER-encoded ProfileInstallationResultData, when present. */
  resultData: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9+/]*={0,2}$' })),
});
export type HandleDownloadProgressInfoRequest = Static<typeof HandleDownloadProgressInfoRequestSchema>;

/** Profile states on the SM-DP+ (SGP.22). */
export const ProfileStates = [
  'Available',
  'Allocated',
  'Linked',
  'Confirmed',
  'Released',
  'Downloaded',
  'Installed',
  'Error',
  'Unavailable',
] as const;
export type ProfileState = (typeof ProfileStates)[number];
