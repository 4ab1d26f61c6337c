// API client for /api/v1. Every call sends cookies (same origin), JSON, and the UI language as
// Accept-Language so the server answers messages in the user's language where it can.
// Errors follow the server's shape `{ "error": { "code", "message", "details"? } }` and surface as ApiError.

export const API_BASE = '/api/v1';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}

let acceptLanguage = 'zh-CN';

/** Called by the i18n provider whenever the user switches language. */
export function setApiLanguage(lang: string): void {
  acceptLanguage = lang;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export async function request<T>(
  method: Method,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const init: RequestInit = {
    method,
    credentials: 'same-origin',
    headers: {
      Accept: 'application/json',
      'Accept-Language': acceptLanguage,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  };
  let res: Response;
  try {
    res = await fetch(API_BASE + path, init);
  } catch (cause) {
    throw new ApiError(0, 'network', cause instanceof Error ? cause.message : 'Network error');
  }
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!res.ok) {
    const e = (data as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
    if (e && typeof e === 'object') {
      throw new ApiError(
        res.status,
        typeof e.code === 'string' ? e.code : `http_${res.status}`,
        typeof e.message === 'string' ? e.message : res.statusText,
        e.details,
      );
    }
    throw new ApiError(res.status, `http_${res.status}`, res.statusText || `HTTP ${res.status}`);
  }
  return data as T;
}

const get = <T>(path: string) => request<T>('GET', path);
const post = <T>(path: string, body: unknown = {}, headers?: Record<string, string>) =>
  request<T>('POST', path, body, headers);
const enc = encodeURIComponent;

// ---------------------------------------------------------------- types

export type Localized = { zh: string; en: string };
export type CarrierCode = 'cmcc' | 'cucc' | 'ctcc' | 'cbn' | (string & {});
export type LineStatus = 'active' | 'suspended' | 'lost' | 'cancelled';
export type FormFactor = 'physical' | 'esim';
export type RequestStatus =
  | 'pending_review'
  | 'approved'
  | 'executing'
  | 'completed'
  | 'rejected'
  | 'withdrawn'
  | 'needs_attention';

export type Me =
  | { kind: 'subscriber'; msisdn: string; realNameVerified: boolean; maskedName?: string | null }
  | { kind: 'staff'; username: string; role: StaffRole; storeId?: string | null; displayName?: string }
  | { kind: null };

export type StaffRole = 'reviewer' | 'clerk' | 'ops' | 'admin' | (string & {});

export interface Mvno {
  code: string;
  name: Localized;
  hotline: string;
  acceptsForwarded: boolean;
}

export interface Line {
  id: string;
  msisdn: string;
  carrier: CarrierCode;
  carrierName: Localized;
  mvno: Mvno | null;
  formFactor: FormFactor;
  status: LineStatus;
  maskedIccid: string;
  maskedImsi: string;
  maskedEid?: string | null;
  deviceLabel?: string | null;
  homeProvince?: string | null;
  homeProvinceName?: Localized | null;
  planName?: string | null;
  monthlyFeeFen?: number | null;
  bundleRole?: string | null;
  companions: { deviceLabel: string; formFactor: FormFactor }[];
  liveRequest: null | { id: string; status: RequestStatus };
}

// The server names the payment remedy 'pay_outstanding' (arrears or a final-bill shortfall); 'pay_arrears' is accepted too.
export type RemedyAction = 'pay_arrears' | 'pay_outstanding' | 'accept_penalty' | 'forward_to_mvno' | 'visit_store';

export interface Blocker {
  code: string;
  message: string;
  remedy: string;
  remedyAction?: RemedyAction | null;
}

export interface Warning {
  code: string;
  message: string;
}

export interface BillItem {
  code: string;
  label: string;
  amountFen: number;
}

export interface Bill {
  items: BillItem[];
  totalFen: number;
}

export interface Refund {
  cashBalanceFen: number;
  promotionalCreditFen: number;
  owedFen: number;
  refundableFen: number;
  shortfallFen?: number;
  note?: string | null;
}

export type RefundRouteType = 'original' | 'bank' | 'line' | 'cash';

export interface RefundRouteOption {
  type: RefundRouteType;
  label: string;
  lines?: { id: string; msisdn: string }[];
}

export interface Quote {
  version: string | number;
  eligible: boolean;
  blockers: Blocker[];
  warnings: Warning[];
  requiredAcknowledgements: string[];
  /** Reminder texts in the request's language, by acknowledgement code. */
  acknowledgementTexts?: Record<string, string>;
  bill: Bill;
  refund: Refund;
  penalty?: { applies: boolean; amountFen: number; accepted: boolean };
  refundRoutes: RefundRouteOption[];
  seller?: {
    code: string;
    name: string | Localized;
    hotline: string;
    acceptsForwarded: boolean;
    forwardedTicket?: string | null;
  } | null;
  freezeDays?: number;
}

export type RefundRoute =
  | { type: 'original' }
  | { type: 'cash' }
  | { type: 'bank'; bankAccount: string; accountName: string; bankName: string }
  | { type: 'line'; lineId: string };

/** A refund route as stored on a request (account numbers masked). */
export interface StoredRefundRoute {
  type: RefundRouteType;
  bankName?: string;
  maskedAccount?: string;
  lineId?: string;
  msisdn?: string;
}

export interface TimelineEntry {
  status: RequestStatus | (string & {});
  at: string;
  note?: string | null;
}

export interface CancellationRequest {
  id: string;
  status: RequestStatus;
  channel: string;
  lineId: string;
  msisdn: string;
  carrier: CarrierCode;
  carrierName?: Localized;
  createdAt: string;
  completedAt?: string | null;
  slaDueAt?: string | null;
  timeline: TimelineEntry[];
  certificateSerial?: string | null;
  rejectionReason?: string | null;
  refundFen?: number | null;
  steps?: { step: string; status: string; attempts: number }[];
}

export interface CancellationSummary {
  id: string;
  lineId: string;
  msisdn: string;
  carrier: CarrierCode;
  status: RequestStatus;
  createdAt: string;
  certificateSerial?: string | null;
}

export interface StaffUser {
  username: string;
  role: StaffRole;
  storeId?: string | null;
  displayName?: string;
}

export interface ReviewItem {
  id: string;
  channel: string;
  carrier: CarrierCode;
  carrierName: Localized;
  maskedMsisdn: string;
  formFactor: FormFactor;
  submittedAt: string;
  slaDueAt: string | null;
  overdue: boolean;
  refundFen: number;
  billTotalFen: number;
  warnings: string[];
}

export interface ReviewDetail extends ReviewItem {
  status?: RequestStatus;
  timeline: TimelineEntry[];
  quote: { bill: Bill; refund: Refund; warnings: Warning[] };
  acknowledgements: string[];
  refundRoute: StoredRefundRoute | null;
  maskedIccid?: string;
  ownerLiveLines?: number;
  rejectionReason?: string | null;
}

export interface CertificateCheck {
  valid: boolean;
  serial: string;
  carrier: CarrierCode;
  carrierName: Localized | string;
  maskedMsisdn: string;
  maskedIccid: string;
  completedAt: string;
  channel: string;
  refundFen: number;
  keyId: string;
  signature: string;
  formFactor?: FormFactor;
  /** Why the certificate is not valid (valid: false). */
  reason?: string;
}

export interface DemoSubscriber {
  msisdn: string;
  label: string | Localized;
  description?: string | Localized;
  idLast6?: string;
}

export interface DemoStaff {
  username: string;
  password: string;
  role: StaffRole;
}

export interface DemoAccounts {
  subscribers: DemoSubscriber[];
  staff: DemoStaff[];
}

export interface OutboxMessage {
  to: string;
  text: string;
  at?: string;
}

// ---------------------------------------------------------------- endpoints

export const getMe = () => get<Me>('/auth/me');
export const requestSmsCode = (msisdn: string) => post<unknown>('/auth/sms-code', { msisdn });
export const signIn = (msisdn: string, code: string) => post<unknown>('/auth/sign-in', { msisdn, code });
export const verifyRealName = (idLast6: string) => post<unknown>('/auth/real-name', { idLast6 });
export const signOut = () => post<unknown>('/auth/sign-out');

/** Dev mode only: resolves to null when the server is not in dev mode (404). */
export async function getDemoAccounts(): Promise<DemoAccounts | null> {
  try {
    const raw = await get<unknown>('/dev/demo-accounts');
    return normalizeDemoAccounts(raw);
  } catch (err) {
    if (isApiError(err) && (err.status === 404 || err.status === 403)) return null;
    throw err;
  }
}

/** Accepts a few plausible shapes of the demo-accounts payload. */
export function normalizeDemoAccounts(raw: unknown): DemoAccounts {
  const obj = (raw ?? {}) as Record<string, unknown>;
  const subsRaw = (obj.subscribers ?? obj.scenarios ?? obj.accounts ?? []) as unknown[];
  const subscribers: DemoSubscriber[] = Array.isArray(subsRaw)
    ? subsRaw.flatMap((s) => {
        const o = (s ?? {}) as Record<string, unknown>;
        const msisdn = o.msisdn ?? o.phone ?? o.number;
        if (typeof msisdn !== 'string') return [];
        const label = (o.label ?? o.scenario ?? o.name ?? o.title ?? msisdn) as string | Localized;
        const description = (o.description ?? o.summary) as string | Localized | undefined;
        return [{ msisdn, label, description, idLast6: typeof o.idLast6 === 'string' ? o.idLast6 : undefined }];
      })
    : [];
  const staffRaw = (obj.staff ?? []) as unknown[];
  const staff: DemoStaff[] = Array.isArray(staffRaw)
    ? staffRaw.flatMap((s) => {
        const o = (s ?? {}) as Record<string, unknown>;
        return typeof o.username === 'string' && typeof o.password === 'string'
          ? [{ username: o.username, password: o.password, role: String(o.role ?? '') }]
          : [];
      })
    : [];
  return { subscribers, staff };
}

/** Dev mode only: SMS messages sent to a number, newest first. */
export async function getOutbox(to: string): Promise<OutboxMessage[]> {
  const raw = await get<unknown>(`/dev/outbox?to=${enc(to)}`);
  const list = Array.isArray(raw) ? raw : ((raw as { messages?: unknown[]; items?: unknown[] })?.messages ??
    (raw as { items?: unknown[] })?.items ?? []);
  return (list as Record<string, unknown>[]).map((m) => ({
    to: String(m.to ?? ''),
    text: String(m.text ?? m.body ?? ''),
    at: typeof m.at === 'string' ? m.at : typeof m.sentAt === 'string' ? m.sentAt : undefined,
  }));
}

/** The 6-digit verification code in an SMS text, if any. */
export function extractSmsCode(text: string): string | null {
  const m = /(?<!\d)(\d{6})(?!\d)/.exec(text);
  return m ? m[1] : null;
}

export const getLines = () => get<{ lines: Line[] }>('/me/lines');
export const findLine = (q: string) => get<{ line: Line }>(`/me/lines/find?q=${enc(q)}`);

export const getQuote = (lineId: string, acceptPenalty: boolean) =>
  post<Quote>('/cancellations/quote', acceptPenalty ? { lineId, acceptPenalty: true } : { lineId });
export const payArrears = (lineId: string, acceptPenalty: boolean) =>
  post<unknown>('/billing/pay-arrears', acceptPenalty ? { lineId, acceptPenalty: true } : { lineId });
export const forwardToMvno = (lineId: string) => post<{ ticket: unknown }>('/partners/forward', { lineId });

export interface SubmitCancellation {
  lineId: string;
  quoteVersion: string | number;
  acknowledgements: string[];
  confirmLast4: string;
  refundRoute: RefundRoute;
  acceptPenalty?: boolean;
}

export const submitCancellation = (body: SubmitCancellation, idempotencyKey: string) =>
  post<{ id: string; status: RequestStatus }>('/cancellations', body, { 'Idempotency-Key': idempotencyKey });
export const getCancellation = (id: string) => get<CancellationRequest>(`/cancellations/${enc(id)}`);
export const withdrawCancellation = (id: string) => post<unknown>(`/cancellations/${enc(id)}/withdraw`);
export const getMyCancellations = () => get<{ items: CancellationSummary[] }>('/me/cancellations');

export const staffSignIn = (username: string, password: string) =>
  post<{ staff: StaffUser }>('/staff/sign-in', { username, password });
export const getReviewQueue = () => get<{ items: ReviewItem[] }>('/review/queue');
export const getReview = (id: string) => get<ReviewDetail>(`/review/${enc(id)}`);
export const approveReview = (id: string) => post<unknown>(`/review/${enc(id)}/approve`);
export const rejectReview = (id: string, reason: string) => post<unknown>(`/review/${enc(id)}/reject`, { reason });

export const verifyCertificate = (serial: string) =>
  get<CertificateCheck>(`/certificates/${enc(serial)}/verify`);
export const certificatePdfUrl = (serial: string) => `${API_BASE}/certificates/${enc(serial)}.pdf`;
export const publicKeyUrl = `${API_BASE}/certificates/public-key`;

export const TERMINAL_STATUSES: readonly RequestStatus[] = ['completed', 'rejected', 'withdrawn'];
