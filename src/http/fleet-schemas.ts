// A company's fleet jobs as TypeBox schemas: the fleet routes validate and serialise their answers
// with them, the OpenAPI document shows them, and the web console takes its types from them
// (web/src/api-types.ts). Pure: nothing of the server is imported here.
import { Type, type Static } from 'typebox';
import { Nullable } from './schemas.ts';


export const FleetJobStatusSchema = Type.Union([
  Type.Literal('dry_run'), Type.Literal('confirmed'), Type.Literal('running'), Type.Literal('completed'), Type.Literal('stopped'),
]);
export const FleetRowStateSchema = Type.Union([
  Type.Literal('rejected'), Type.Literal('blocked'), Type.Literal('ready'), Type.Literal('queued'),
  Type.Literal('executing'), Type.Literal('completed'), Type.Literal('failed'), Type.Literal('stopped'),
]);

export const FleetCarrierTotalsSchema = Type.Object({
  lines: Type.Integer(), ready: Type.Integer(), blocked: Type.Integer(), billFen: Type.Integer(), refundFen: Type.Integer(),
});

/** What the dry run found, in the job row: counts, reasons and blockers by code, money of the ready lines, per carrier. */
export const FleetTotalsSchema = Type.Object({
  rows: Type.Integer(), accepted: Type.Integer(), rejected: Type.Integer(), ready: Type.Integer(), blocked: Type.Integer(),
  reasons: Type.Record(Type.String(), Type.Integer()), blockers: Type.Record(Type.String(), Type.Integer()),
  billFen: Type.Integer(), refundFen: Type.Integer(),
  carriers: Type.Record(Type.String(), FleetCarrierTotalsSchema),
});

export const FleetJobViewSchema = Type.Object({
  id: Type.String(), status: FleetJobStatusSchema, source: Type.String(), effectiveDate: Nullable(Type.String()),
  createdAt: Type.String(), confirmedAt: Nullable(Type.String()), finishedAt: Nullable(Type.String()),
  rowsTotal: Type.Integer(), rowsAccepted: Type.Integer(), counts: Type.Record(Type.String(), Type.Integer()),
  percent: Type.Number(), etaSeconds: Nullable(Type.Integer()), totals: FleetTotalsSchema,
  endEmailFailure: Nullable(Type.Object({ at: Type.String(), error: Nullable(Type.String()) }, { description: 'The end e-mail failed every retry: POST …/resend-end-email sends it again' })),
});

/** One SSE `progress` / `end` event's data. */
export const FleetProgressSchema = Type.Pick(FleetJobViewSchema, ['id', 'status', 'counts', 'percent', 'etaSeconds']);

export const FleetConfirmAnswerSchema = Type.Object({ id: Type.String(), url: Type.String(), queued: Type.Integer(), blockedSinceDryRun: Type.Integer() });

export const FleetLineSchema = Type.Object({
  rowNo: Type.Integer(), input: Type.String(), kind: Nullable(Type.String()), carrier: Nullable(Type.String()),
  state: FleetRowStateSchema, reason: Nullable(Type.String()), blockers: Type.Array(Type.String()),
  billFen: Type.Integer(), refundFen: Type.Integer(),
});

export const FleetLinesPageSchema = Type.Object({ page: Type.Integer(), pageSize: Type.Integer(), lines: Type.Array(FleetLineSchema) });

/** A job in the company's list: what it is and where it stands, without its rows. */
export const FleetJobListItemSchema = Type.Object({
  id: Type.String(), status: FleetJobStatusSchema, source: Type.String(), effectiveDate: Nullable(Type.String()),
  createdAt: Type.String(), confirmedAt: Nullable(Type.String()), finishedAt: Nullable(Type.String()),
  rowsTotal: Type.Integer(), rowsAccepted: Type.Integer(),
});

export const FleetJobListSchema = Type.Object({ items: Type.Array(FleetJobListItemSchema) });

export type FleetJobStatus = Static<typeof FleetJobStatusSchema>;
export type FleetRowState = Static<typeof FleetRowStateSchema>;
export type FleetTotals = Static<typeof FleetTotalsSchema>;
export type FleetJobView = Static<typeof FleetJobViewSchema>;
export type FleetProgress = Static<typeof FleetProgressSchema>;
export type FleetConfirmAnswer = Static<typeof FleetConfirmAnswerSchema>;
export type FleetLine = Static<typeof FleetLineSchema>;
export type FleetLinesPage = Static<typeof FleetLinesPageSchema>;
export type FleetJobListItem = Static<typeof FleetJobListItemSchema>;
export type FleetJobList = Static<typeof FleetJobListSchema>;
