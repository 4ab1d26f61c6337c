// The API's types for the staff consoles, taken from the server's own TypeBox schemas
// (src/http/staff-console-schemas.ts, src/http/webhook-schemas.ts, src/http/ops-schemas.ts, src/http/fleet-schemas.ts): the same schemas validate and serialise the answers and
// write the OpenAPI document, so the web client cannot drift from them. Type-only: nothing of
// the server is bundled.
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
export type { NeedsAttentionItem, OpsStats, Outcome } from '../../src/http/ops-schemas.ts';
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
export type { CarrierSettings } from '../../src/db/schema.ts';
