// The API's types, taken from the server's own TypeBox schemas (src/http/*-schemas.ts: the portal,
// the review, the store counter, administration, the staff consoles, webhooks, ops, fleet): the same
// schemas serialise the answers and write the OpenAPI document, so the web client cannot drift from
// them. Type-only: nothing of the server is bundled.
export type {
  AuditEntry,
  CashHandOver,
  CashHandOverAnswer,
  AuditFacets,
  AuditPage,
  ReviewClaim,
  ReviewQueueItem,
  ReviewQueuePage,
  StoreChoices,
} from '../../src/http/staff-console-schemas.ts';
export type {
  DeliveryStatus,
  WebhookAttempt,
  WebhookDelivery,
  WebhookDeliveryDetail,
  WebhookSubscription,
} from '../../src/http/webhook-schemas.ts';
export type { CreateStaffBody } from '../../src/http/admin-schemas.ts';
export type { RefundRouteBody, SubmitCancellationBody } from '../../src/http/portal-schemas.ts';
export type { StoreSubmitBody } from '../../src/http/store-schemas.ts';
export type { DemoAccountsAnswer, EmailOutbox, SmsOutbox } from '../../src/http/dev-schemas.ts';
export type { AuditChainCheck, NeedsAttentionItem, OpsStats, Outcome } from '../../src/http/ops-schemas.ts';
export type {
  FleetConfirmAnswer,
  FleetJobList,
  FleetJobListItem,
  FleetJobStatus,
  FleetJobView,
  FleetLine,
  FleetLinesPage,
  FleetProgress,
  FleetRowState,
  FleetTotals,
} from '../../src/http/fleet-schemas.ts';
export type {
  Bill,
  BillItem,
  Blocker,
  CancellationRequest,
  CancellationSummary,
  ForwardedRequest,
  FormFactor,
  Line,
  Localized,
  Forwarded,
  Me,
  OutstandingPayment,
  PaidOnline,
  RecoveredLine,
  RecoveryCodeSent,
  Penalty,
  Quote,
  QuoteRefund,
  RefundRouteOption,
  RefundRouteType,
  RefundState,
  RequestReference,
  RequestStatus,
  StaffUser,
  StoreNearby,
  StoredRefundRoute,
  Submitted,
  TimelineEntry,
  Warning,
} from '../../src/http/portal-schemas.ts';
export type { ReviewDetail } from '../../src/http/review-schemas.ts';
export type {
  DocumentKind,
  MandateType,
  CounterPaid,
  StoreCancellation,
  StoreCustomer,
  StoreHistoryItem,
  StoreLine,
  StoreLookup,
  StoreQuote,
  StoreSubmitted,
} from '../../src/http/store-schemas.ts';
export type {
  CarrierAdmin,
  MvnoBrandAdmin,
  NumberPool,
  PoolNumber,
  PoolState,
  StaffAccount,
  StaffRole,
  StaffListItem,
  StaffUnlocked,
  StaffWithPassword,
} from '../../src/http/admin-schemas.ts';
export type { CarrierSettings } from '../../src/db/schema.ts';
