// Kysely table types. bigint columns are parsed to JS numbers (fen amounts stay far below 2^53),
// `date` columns stay 'YYYY-MM-DD' strings, timestamptz columns are Dates.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string | T, string | T>;

export type CarrierCode = 'cmcc' | 'cucc' | 'ctcc' | 'cbn';
export type LineStatus = 'active' | 'suspended' | 'lost' | 'cancelled';
export type RequestStatus =
  | 'pending_review' | 'approved' | 'executing' | 'completed' | 'rejected' | 'withdrawn' | 'needs_attention';

export interface CarrierSettings {
  /** Days a cancelled number stays frozen (冷冻期) before it is re-issued. */
  freezeDays: number;
  /** Hours a reviewer has to decide an online request. */
  reviewSlaHours: number;
  /** Whether online requests go through review at all. */
  onlineReviewRequired: boolean;
  /** Auto-approve online requests that carry no warnings and whose refund is at most this many fen (null: never). */
  autoApproveMaxRefundFen: number | null;
  /** Conditions that can only be cleared in a store. */
  storeOnlyConditions: string[];
  /** 'local': any store cancels any province's line (异地销户); 'forward': out-of-province requests go to the home province. */
  outOfProvince: 'local' | 'forward';
  /** Working-day SLA for forwarded out-of-province requests. */
  outOfProvinceSlaDays: number;
  /** Share (per cent) of the remaining monthly fees charged as the early-termination penalty when a contract has no fixed penalty. */
  penaltyRemainingFeePercent: number;
  /** Overdue charge on arrears, per mille per day. */
  arrearsDailyPerMille: number;
  /** Refund routes offered online. */
  refundRoutes: Array<'original' | 'bank' | 'line'>;
  /**
   * Fleet jobs: calls per second this carrier's outside systems take from one process (a token
   * bucket; a 429's Retry-After pauses it). Absent: FLEET_THROTTLE_DEFAULTS (src/fleet/carrier-throttle.ts).
   */
  fleetRatePerSecond?: number;
  /** Fleet jobs: calls in flight at once toward this carrier's outside systems, per process. Absent: the default. */
  fleetConcurrency?: number;
}

export interface CarriersTable {
  code: CarrierCode;
  name_zh: string;
  name_en: string;
  hotline: string;
  settings: Json<CarrierSettings>;
  updated_at: Generated<Date>;
}

export interface MvnoBrandsTable {
  code: string;
  name_zh: string;
  name_en: string;
  host_carrier: CarrierCode;
  hotline: string;
  accepts_forwarded: boolean;
}

export interface StoresTable {
  id: string;
  carrier: CarrierCode;
  name_zh: string;
  name_en: string;
  province: string;
}

export interface CustomersTable {
  id: string;
  kind: ColumnType<'person' | 'company', 'person' | 'company' | undefined, 'person' | 'company'>;
  name_enc: string;
  id_type: 'resident_id' | 'passport' | 'hk_macao_permit' | 'taiwan_permit' | 'business_licence';
  id_number_enc: string;
  id_blind: string;
  id_last6_blind: string;
  deceased: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface BillingAccountsTable {
  id: string;
  customer_id: string;
  carrier: CarrierCode;
  cash_balance_fen: number;
  promo_credit_fen: number;
  arrears_fen: number;
  arrears_since: string | null;
  payment_channel: Generated<string>;
  version: Generated<number>;
  updated_at: Generated<Date>;
}

export interface LinesTable {
  id: string;
  customer_id: string;
  account_id: string;
  carrier: CarrierCode;
  mvno_code: string | null;
  sold_by: Generated<'carrier' | 'mvno' | 'third_party'>;
  msisdn: string;
  imsi: string;
  iccid: string;
  form_factor: 'physical' | 'esim';
  eid: string | null;
  esim_profile_state: 'released' | 'downloaded' | 'installed' | 'deleted' | 'unavailable' | null;
  device_label: string | null;
  status: LineStatus;
  home_province: string;
  plan_name: string;
  monthly_fee_fen: number;
  usage_to_date_fen: number;
  contract_end: string | null;
  penalty_fen: number;
  bundle_role: 'none' | 'primary' | 'secondary';
  bundle_parent_id: string | null;
  has_broadband: boolean;
  port_out_status: 'none' | 'pending';
  store_only_reason: string | null;
  activated_at: string;
  cancelled_at: Timestamp | null;
  version: Generated<number>;
  updated_at: Generated<Date>;
}

export interface CompanionDevicesTable {
  id: string;
  line_id: string;
  device_label: string;
  iccid: string;
  eid: string;
  status: Generated<'active' | 'stopped'>;
}

export interface NumberPoolTable {
  msisdn: string;
  carrier: CarrierCode;
  state: 'assigned' | 'frozen' | 'recovered' | 'available';
  line_id: string | null;
  former_customer_id: string | null;
  frozen_until: Timestamp | null;
  updated_at: Generated<Date>;
}

export type StaffRole = 'clerk' | 'reviewer' | 'ops' | 'admin' | 'company_admin';
export interface StaffTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  role: StaffRole;
  store_id: string | null;
  disabled: Generated<boolean>;
  failed_attempts: Generated<number>;
  locked_until: Timestamp | null;
  created_at: Generated<Date>;
}

/** Who opened a request: the subscriber online, a clerk in store, the carrier's BSS (TMF622), a company's fleet job. */
export type RequestChannel = 'online' | 'store' | 'api' | 'fleet';

export interface CancellationRequestsTable {
  id: string;
  line_id: string;
  customer_id: string;
  carrier: CarrierCode;
  channel: RequestChannel;
  status: RequestStatus;
  quote_version: string;
  quote: Json<unknown>;
  acknowledgements: Json<string[]>;
  refund_route: Json<Record<string, unknown>>;
  refund_route_secret_enc: string | null;
  bill_total_fen: number;
  refund_fen: number;
  sla_due_at: Timestamp | null;
  rejection_reason: string | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
  store_id: string | null;
  clerk_id: string | null;
  details: Json<Record<string, unknown>>;
  certificate_serial: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  completed_at: Timestamp | null;
  /** 受理编号: a reference people can read aloud (e.g. ZX-2612-7K4M-9QPD). */
  reference: string | null;
  /** Optional e-mail address for the certificate, encrypted. */
  contact_email_enc: string | null;
  /** Stable reason code when the request needs attention (e.g. refund_exceeds_balance). */
  attention_reason: string | null;
  /** The reviewer holding the request, until claim_expires_at (0016). */
  claimed_by: string | null;
  claim_expires_at: Timestamp | null;
  /** A store's cash refund: when and by which clerk it was handed over (0016). */
  cash_handed_over_at: Timestamp | null;
  cash_handed_over_by: string | null;
}

export interface RequestEventsTable {
  id: Generated<number>;
  request_id: string;
  from_status: RequestStatus | null;
  to_status: RequestStatus;
  at: Generated<Date>;
  actor_kind: string;
  actor_id: string | null;
  note: string | null;
}

export interface ExecutionStepsTable {
  request_id: string;
  step: string;
  position: number;
  status: 'pending' | 'done' | 'failed' | 'skipped';
  attempts: Generated<number>;
  last_error: string | null;
  result: Json<unknown> | null;
  updated_at: Generated<Date>;
}

export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  request_hash: string;
  status_code: number;
  body: Json<unknown>;
  created_at: Generated<Date>;
}

export interface LedgerEntriesTable {
  id: Generated<number>;
  account_id: string;
  request_id: string | null;
  kind: 'final_bill' | 'arrears_payment' | 'refund' | 'balance_offset';
  amount_fen: number;
  reference: string | null;
  idempotency_key: string;
  created_at: Generated<Date>;
}

export interface SigningKeysTable {
  key_id: string;
  carrier: CarrierCode;
  public_key_pem: string;
  private_key_enc: string;
  active: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface CertificatesTable {
  serial: string;
  request_id: string;
  carrier: CarrierCode;
  key_id: string;
  facts: Json<Record<string, unknown>>;
  payload_signature: string;
  pdf: Uint8Array;
  issued_at: Generated<Date>;
  /** sha256 hex of the verification code carried by the QR code. */
  verify_code_hash: string | null;
}

export interface EsimEventsTable {
  id: Generated<number>;
  line_id: string | null;
  iccid: string;
  event: string;
  details: Json<Record<string, unknown>>;
  at: Generated<Date>;
}

export interface PartnerForwardsTable {
  id: string;
  line_id: string;
  mvno_code: string;
  ticket: string;
  created_at: Generated<Date>;
}

export interface SmsCodesTable {
  msisdn: string;
  code_hash: string;
  expires_at: Timestamp;
  attempts: Generated<number>;
  created_at: Generated<Date>;
}

export interface RateLimitHitsTable {
  bucket: string;
  at: Generated<Date>;
}

export interface SessionsTable {
  id_hash: string;
  kind: 'subscriber' | 'staff';
  subject_id: string;
  customer_id: string | null;
  real_name_verified: Generated<boolean>;
  created_at: Generated<Date>;
  expires_at: Timestamp;
}

export interface SmsOutboxTable {
  id: Generated<number>;
  to_msisdn: string;
  text: string;
  idempotency_key: string | null;
  sent_at: Generated<Date>;
}

export interface AuditLogTable {
  seq: Generated<number>;
  at: Timestamp;
  actor_kind: string;
  actor_id: string | null;
  action: string;
  request_id: string | null;
  subject: string | null;
  details: Json<Record<string, unknown>>;
  ip: string | null;
  /** The pre-0006 hash chain; null for entries written since (they are sealed in the Merkle tree). */
  prev_hash: string | null;
  hash: string | null;
  /** Position in the audit Merkle tree and the entry's leaf hash (hex); null until sealed. */
  leaf_index: number | null;
  leaf_hash: string | null;
}

export interface DemoScenariosTable {
  scenario: string;
  customer_id: string;
  msisdn: string;
}

export interface DB {
  demo_scenarios: DemoScenariosTable;
  carriers: CarriersTable;
  mvno_brands: MvnoBrandsTable;
  stores: StoresTable;
  customers: CustomersTable;
  billing_accounts: BillingAccountsTable;
  lines: LinesTable;
  companion_devices: CompanionDevicesTable;
  number_pool: NumberPoolTable;
  staff: StaffTable;
  cancellation_requests: CancellationRequestsTable;
  request_events: RequestEventsTable;
  execution_steps: ExecutionStepsTable;
  idempotency_keys: IdempotencyKeysTable;
  ledger_entries: LedgerEntriesTable;
  signing_keys: SigningKeysTable;
  certificates: CertificatesTable;
  esim_events: EsimEventsTable;
  partner_forwards: PartnerForwardsTable;
  sms_codes: SmsCodesTable;
  rate_limit_hits: RateLimitHitsTable;
  sessions: SessionsTable;
  sms_outbox: SmsOutboxTable;
  audit_log: AuditLogTable;
}

export type Line = Selectable<LinesTable>;
export type NewLine = Insertable<LinesTable>;
export type Customer = Selectable<CustomersTable>;
export type BillingAccount = Selectable<BillingAccountsTable>;
export type Carrier = Selectable<CarriersTable>;
export type MvnoBrand = Selectable<MvnoBrandsTable>;
export type CancellationRequest = Selectable<CancellationRequestsTable>;
export type Staff = Selectable<StaffTable>;

// In-store cancellation (migration 0003_store): scanned documents, signed agreements, returned cards.
export type StoreDocumentKind =
  | 'agent_id' | 'authorisation_letter' | 'death_certificate' | 'relationship_proof' | 'company_letter' | 'applicant_id' | 'other';
export type StoreDocumentType = 'image/png' | 'image/jpeg' | 'application/pdf';

export interface StoreDocumentsTable {
  id: string;
  request_id: string;
  kind: StoreDocumentKind;
  content_type: StoreDocumentType;
  size_bytes: number;
  sha256: string;
  name_enc: string | null;
  content_enc: string;
  uploaded_by: string;
  created_at: Generated<Date>;
}

export interface StoreAgreementsTable {
  request_id: string;
  lang: 'zh-CN' | 'en';
  content: Json<Record<string, unknown>>;
  agreement_hash: string;
  signature_sha256: string;
  signature_enc: string;
  pdf_enc: string;
  signed_at: Timestamp;
  store_id: string;
  clerk_id: string;
}

export interface CardReturnsTable {
  request_id: string;
  line_id: string;
  iccid: string;
  store_id: string;
  received_by: string;
  received_at: Generated<Date>;
}

// Declaration merging: the store tables join the DB interface above.
export interface DB {
  store_documents: StoreDocumentsTable;
  store_agreements: StoreAgreementsTable;
  card_returns: CardReturnsTable;
}

// Operations (0004_ops): the blocking conditions quotes met, and number-recovery codes.
export interface QuoteBlockersTable {
  id: Generated<number>;
  quoted_at: Timestamp;
  carrier: CarrierCode;
  channel: RequestChannel;
  code: string;
}

export interface NumberRecoveryCodesTable {
  msisdn: string;
  customer_id: string;
  sent_to: string;
  code_hash: string;
  expires_at: Timestamp;
  attempts: Generated<number>;
  created_at: Generated<Date>;
}

// Declaration merging: the operations tables join the DB interface above.
export interface DB {
  quote_blockers: QuoteBlockersTable;
  number_recovery_codes: NumberRecoveryCodesTable;
}

// The promises (0005_promises): e-mail dev outbox.
export interface EmailOutboxTable {
  id: Generated<number>;
  to_address_enc: string;
  to_masked: string;
  subject: string;
  text: string;
  attachment_name: string | null;
  request_id: string | null;
  idempotency_key: string | null;
  sent_at: Generated<Date>;
}

export interface DB {
  email_outbox: EmailOutboxTable;
}

// Hardening the edges (0007_edges): failed staff sign-ins per (username, client address).
export interface StaffSignInFailuresTable {
  username: string;
  client: string;
  failures: number;
  last_failed_at: Timestamp;
  locked_until: Timestamp | null;
}

export interface DB {
  staff_sign_in_failures: StaffSignInFailuresTable;
}

// Audit sealing (0006_audit_sealing): the checkpoint signing key and the signed checkpoints.
export interface AuditSigningKeysTable {
  key_id: string;
  public_key_pem: string;
  private_key_enc: string;
  active: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface AuditCheckpointsTable {
  tree_size: number;
  root_hash: string;
  signed_at: Timestamp;
  key_id: string;
  signature: string;
  frontier: Json<string[]>;
}

export interface DB {
  audit_signing_keys: AuditSigningKeysTable;
  audit_checkpoints: AuditCheckpointsTable;
}

export interface PkiCertificatesTable {
  serial: string;
  kind: 'root' | 'carrier' | 'tsa' | 'log';
  carrier: CarrierCode | null;
  subject: string;
  cert_pem: string;
  private_key_enc: string | null;
  not_before: Timestamp;
  not_after: Timestamp;
  active: Generated<boolean>;
  revoked_at: Timestamp | null;
  created_at: Generated<Date>;
}

export interface CertificateLogTable {
  leaf_index: number;
  serial: string;
  pdf_sha256: string;
  leaf_hash: string;
  logged_at: Timestamp;
}

export interface DB {
  pki_certificates: PkiCertificatesTable;
  certificate_log: CertificateLogTable;
}

// Machine clients and TM Forum orders (migration 0011).
export interface MachineClientsTable {
  client_id: string;
  name: string;
  secret_hash: string;
  scopes: Json<string[]>;
  mvno_code: string | null;
  company_id: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
  revoked_at: Timestamp | null;
}

export interface AccessTokenKeysTable {
  key_id: string;
  public_jwk: Json<Record<string, string>>;
  private_key_enc: string;
  active: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface TmfProductOrdersTable {
  id: string;
  request_id: string | null;
  line_id: string;
  customer_id: string;
  client_id: string;
  external_id: string | null;
  description: string | null;
  order_item_id: string;
  requested_start_date: Timestamp | null;
  requested_completion_date: Timestamp | null;
  blockers: Json<Array<{ code: string; message: string }>>;
  order_date: Generated<Date>;
}

export interface TmfCancelProductOrdersTable {
  id: string;
  product_order_id: string;
  client_id: string;
  state: 'acknowledged' | 'inProgress' | 'done' | 'terminatedWithError';
  cancellation_reason: string | null;
  error_message: string | null;
  creation_date: Generated<Date>;
  effective_cancellation_date: Timestamp | null;
}

export interface DB {
  machine_clients: MachineClientsTable;
  access_token_keys: AccessTokenKeysTable;
  tmf_product_orders: TmfProductOrdersTable;
  tmf_cancel_product_orders: TmfCancelProductOrdersTable;
}

// Signed event delivery and MVNO answers (migration 0012).
export type WebhookDeliveryStatus = 'pending' | 'queued' | 'delivered' | 'dead' | 'cancelled';
export interface WebhookSubscriptionsTable {
  id: string;
  owner_kind: 'client' | 'mvno';
  owner_id: string;
  company_id: string | null;
  mvno_code: string | null;
  callback_url: string;
  secret_enc: string;
  event_types: Json<string[]>;
  query: string | null;
  status: ColumnType<'active' | 'disabled' | 'deleted', 'active' | 'disabled' | 'deleted' | undefined, 'active' | 'disabled' | 'deleted'>;
  disabled_reason: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface WebhookEventsTable {
  id: string;
  event_type: string;
  /** The body delivered, exactly as sent (JSON text). */
  payload: string;
  created_at: Generated<Date>;
}

export interface WebhookDeliveriesTable {
  id: string;
  event_id: string;
  subscription_id: string;
  status: ColumnType<WebhookDeliveryStatus, WebhookDeliveryStatus | undefined, WebhookDeliveryStatus>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Timestamp | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: string;
  attempt: number;
  at: Timestamp;
  outcome: 'delivered' | 'retry' | 'gone' | 'refused' | 'dead';
  status_code: number | null;
  error: string | null;
  latency_ms: number;
}

export type PartnerAnswer = 'accepted' | 'completed' | 'rejected';
// Declaration merging: the forward's state, set by the MVNO's answers.
export interface PartnerForwardsTable {
  status: ColumnType<'forwarded' | PartnerAnswer, 'forwarded' | PartnerAnswer | undefined, 'forwarded' | PartnerAnswer>;
  partner_reference: string | null;
  updated_at: Generated<Date>;
}

export interface PartnerForwardAnswersTable {
  id: string;
  forward_id: string;
  answer: PartnerAnswer;
  partner_reference: string | null;
  reason: string | null;
  client_id: string;
  at: Generated<Date>;
}

export interface DB {
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  partner_forward_answers: PartnerForwardAnswersTable;
}

// Fleet cancellation (migration 0013). Declaration merging adds the company columns to lines and staff.
export type LineUse = 'personal' | 'staff' | 'iot';
export interface LinesTable {
  company_id: ColumnType<string | null, string | null | undefined, string | null>;
  line_use: Generated<LineUse>;
}
export interface StaffTable {
  /** The company a company_admin acts for (null for every other role). */
  company_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface CompaniesTable {
  id: string;
  customer_id: string;
  uscc: string;
  name_zh: string;
  name_en: string;
  contact_email_enc: string | null;
  created_at: Generated<Date>;
}

export type FleetJobStatus = 'dry_run' | 'confirmed' | 'running' | 'completed' | 'stopped';
export interface FleetJobsTable {
  id: string;
  company_id: string;
  status: FleetJobStatus;
  actor_kind: 'company_admin' | 'client';
  actor_id: string;
  idempotency_key: string | null;
  source: 'json' | 'csv';
  effective_date: string | null;
  rows_total: number;
  rows_accepted: number;
  totals: Json<unknown>;
  created_at: Generated<Date>;
  confirmed_at: Timestamp | null;
  finished_at: Timestamp | null;
  /** The end e-mail failed every retry: when, and the last error (0017); cleared when it is sent again. */
  end_email_failed_at: Timestamp | null;
  end_email_error: string | null;
}

export type FleetLineState = 'rejected' | 'blocked' | 'ready' | 'queued' | 'executing' | 'completed' | 'failed' | 'stopped';
export interface FleetJobLinesTable {
  job_id: string;
  row_no: number;
  input: string;
  id_kind: 'iccid' | 'msisdn' | 'eid' | null;
  line_id: string | null;
  carrier: CarrierCode | null;
  state: FleetLineState;
  reason: string | null;
  blockers: Json<string[]>;
  bill_fen: Generated<number>;
  refund_fen: Generated<number>;
  request_id: string | null;
  updated_at: Generated<Date>;
}

export interface DB {
  companies: CompaniesTable;
  fleet_jobs: FleetJobsTable;
  fleet_job_lines: FleetJobLinesTable;
}
