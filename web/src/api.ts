import type {
  AuditChainCheck, CancellationRequest, CreateStaffBody, RefundRouteBody, StoreSubmitBody, SubmitCancellationBody, DemoAccountsAnswer, SmsOutbox, CancellationSummary, CarrierAdmin, CarrierSettings, CounterPaid, DocumentKind, FormFactor, Forwarded, Line, Localized,
  MandateType, Me, MvnoBrandAdmin, NeedsAttentionItem, NumberPool, OpsStats, PaidOnline, Quote, RecoveredLine, RecoveryCodeSent, RequestStatus,
  StaffAccount, StaffListItem, StaffRole as ServerStaffRole, StaffUnlocked, StaffUser, StaffWithPassword, StoreCancellation,
  StoreHistoryItem, StoreLookup, StoreNearby, StoreQuote, StoreSubmitted, Submitted,
} from './api-types.ts';

// The answers' types, re-exported for the pages (their source: web/src/api-types.ts).
export type {
  BillItem, Blocker, CancellationRequest, CarrierAdmin, CarrierSettings, DocumentKind, Line, Localized, MandateType, Me, MvnoBrandAdmin, PoolNumber, PoolState, Quote,
  QuoteRefund, RefundRouteType, RequestStatus, StaffListItem, StoreCancellation, StoreCustomer, StoredRefundRoute, StoreHistoryItem,
  StoreLine, StoreLookup, StoreQuote, TimelineEntry,
} from './api-types.ts';

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

// The answers' types (lines, the quote, a request, the reviewer's screen) come from the server's
// schemas: web/src/api-types.ts. What stays here is the client's own: sign-in, the bodies it sends.
export type CarrierCode = 'cmcc' | 'cucc' | 'ctcc' | 'cbn' | (string & {});

/** A staff role as the web shows it: the server's roles, and any role a newer server adds. */
export type StaffRole = ServerStaffRole | (string & {});

/** A refund route as the subscriber chooses it (the body of a submission). */
export type RefundRoute =
  | { type: 'original' }
  | { type: 'cash' }
  | { type: 'bank'; bankAccount: string; accountName: string; bankName: string }
  | { type: 'line'; lineId: string };
/** Every route the union allows is a body the server's schema accepts: this fails to compile otherwise. */
type AcceptedByTheServer<T extends RefundRouteBody> = T;
export type RefundRouteAsSent = AcceptedByTheServer<RefundRoute>;

/**
 * The public check of a certificate by serial (or of an uploaded file). `access` says how much it
 * shows: 'none' (the serial exists, nothing else: the verification code is needed), 'code'
 * (validity, carrier, masked number, date), 'owner' / 'staff' / 'file' (every fact, money included).
 */
export interface CertificateCheck {
  access?: 'none' | 'code' | 'owner' | 'staff' | 'file';
  exists?: boolean;
  valid?: boolean;
  serial?: string;
  carrier?: CarrierCode;
  carrierName?: Localized | string;
  maskedMsisdn?: string;
  maskedIccid?: string;
  completedAt?: string;
  channel?: string;
  refundFen?: number;
  refundRoute?: string;
  refundRouteLabel?: Localized;
  keyId?: string;
  signature?: string;
  formFactor?: FormFactor;
  /** Why the certificate is not valid (valid: false). */
  reason?: string;
}

/** A demo subscriber as the sign-in page offers it (dev mode): the scenario is its label. */
export interface DemoSubscriber {
  msisdn: string;
  label: string | Localized;
  description?: string | Localized;
  idLast6?: string;
}

export interface DemoAccounts {
  subscribers: DemoSubscriber[];
  staff: DemoAccountsAnswer['staff'];
}

export type OutboxMessage = SmsOutbox['messages'][number];

// ---------------------------------------------------------------- endpoints

export const getMe = () => get<Me>('/auth/me');
export const requestSmsCode = (msisdn: string) => post<unknown>('/auth/sms-code', { msisdn });
export const signIn = (msisdn: string, code: string) => post<unknown>('/auth/sign-in', { msisdn, code });
export const verifyRealName = (idLast6: string) => post<unknown>('/auth/real-name', { idLast6 });
export const signOut = () => post<unknown>('/auth/sign-out');

/** Dev mode only: resolves to null when the server is not in dev mode (404). */
export async function getDemoAccounts(): Promise<DemoAccounts | null> {
  const raw = await getDemoAccountsAnswer();
  return raw && toDemoAccounts(raw);
}

/** The server's demo accounts as the sign-in pages list them: a subscriber per scenario, and the staff. */
export function toDemoAccounts(raw: DemoAccountsAnswer): DemoAccounts {
  return {
    subscribers: raw.subscribers.map((s) => ({ msisdn: s.msisdn, label: s.scenario, description: s.description, idLast6: s.idLast6 })),
    staff: raw.staff,
  };
}

async function getDemoAccountsAnswer(): Promise<DemoAccountsAnswer | null> {
  try {
    return await get<DemoAccountsAnswer>('/dev/demo-accounts');
  } catch (err) {
    if (isApiError(err) && (err.status === 404 || err.status === 403)) return null;
    throw err;
  }
}

/** Dev mode only: SMS messages sent to a number, newest first. */
export async function getOutbox(to: string): Promise<OutboxMessage[]> {
  return (await get<SmsOutbox>(`/dev/outbox?to=${enc(to)}`)).messages;
}

/** The 6-digit verification code in an SMS text, if any. */
export function extractSmsCode(text: string): string | null {
  const m = /(?<!\d)(\d{6})(?!\d)/.exec(text);
  return m ? m[1] : null;
}

export const getLines = () => get<{ lines: Line[] }>('/me/lines');
export const findLine = (q: string) => post<{ line: Line }>('/me/lines/find', { q });

export const getQuote = (lineId: string, acceptPenalty: boolean) =>
  post<Quote>('/cancellations/quote', acceptPenalty ? { lineId, acceptPenalty: true } : { lineId });
/** The online ways to pay that the payment adapter offers subscribers. */
export type OnlineWallet = 'wechat_pay' | 'alipay' | 'unionpay';
export const ONLINE_WALLETS: readonly OnlineWallet[] = ['wechat_pay', 'alipay', 'unionpay'];
export const payArrears = (lineId: string, acceptPenalty: boolean, how: { method: 'online' | 'balance'; wallet?: OnlineWallet }) =>
  post<PaidOnline>('/billing/pay-arrears', {
    lineId, method: how.method, ...(how.wallet ? { wallet: how.wallet } : {}), ...(acceptPenalty ? { acceptPenalty: true } : {}),
  });
export const getStores = (carrier: string, province?: string | null) =>
  get<{ stores: StoreNearby[] }>(`/stores?carrier=${enc(carrier)}${province ? `&province=${enc(province)}` : ''}`);
export const requestRecoveryCode = (msisdn: string) =>
  post<RecoveryCodeSent>('/numbers/recover/code', { msisdn });
export const recoverNumber = (body: { msisdn: string; code: string; idLast6: string; iccid: string }) =>
  post<RecoveredLine>('/numbers/recover', body);
export const forwardToMvno = (lineId: string) => post<Forwarded>('/partners/forward', { lineId });

/** The body of a submission (the server's schema), its refund route as the stricter union above. */
export type SubmitCancellation = Omit<SubmitCancellationBody, 'refundRoute'> & { refundRoute: RefundRoute };

export const submitCancellation = (body: SubmitCancellation, idempotencyKey: string) =>
  post<Submitted>('/cancellations', body, { 'Idempotency-Key': idempotencyKey });
export const getCancellation = (id: string) => get<CancellationRequest>(`/cancellations/${enc(id)}`);
export const withdrawCancellation = (id: string) => post<unknown>(`/cancellations/${enc(id)}/withdraw`);
export const getMyCancellations = () => get<{ items: CancellationSummary[] }>('/me/cancellations');

export const staffSignIn = (username: string, password: string) =>
  post<{ staff: StaffUser }>('/staff/sign-in', { username, password });

export const verifyCertificate = (serial: string, code?: string) =>
  get<CertificateCheck>(`/certificates/${enc(serial)}/verify${code ? `?c=${enc(code)}` : ''}`);
export const certificatePdfUrl = (serial: string) => `${API_BASE}/certificates/${enc(serial)}.pdf`;
export const publicKeyUrl = `${API_BASE}/certificates/public-keys.pem`;

export const TERMINAL_STATUSES: readonly RequestStatus[] = ['completed', 'rejected', 'withdrawn'];

// ================================================================ store console (role clerk)

// The counter's answers (lookup, quote, a store request, the clerk's day) come from the server's
// schemas: web/src/api-types.ts.


/** The documents each mandate must bring (same table as the server's REQUIRED_DOCUMENTS). */
export const REQUIRED_DOCUMENTS: Record<MandateType, DocumentKind[]> = {
  owner: [],
  proxy: ['agent_id', 'authorisation_letter'],
  deceased_owner: ['death_certificate', 'relationship_proof'],
  company: ['company_letter'],
};
export const MANDATE_TYPES: readonly MandateType[] = ['owner', 'proxy', 'deceased_owner', 'company'];
/** Documents larger than this are refused by the server (5 MB each). */
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;

/** The body of a store submission (the server's schema), its refund route as the stricter union above. */
export type StoreSubmit = Omit<StoreSubmitBody, 'refundRoute'> & { refundRoute: RefundRoute };
export type StoreDocumentUpload = NonNullable<StoreSubmitBody['mandate']['documents']>[number];

export const storeLookup = (q: { idNumber: string } | { msisdn: string }) =>
  post<StoreLookup>('/store/customers/lookup', q);
export const getStoreQuote = (lineId: string, acceptPenalty: boolean) =>
  post<StoreQuote>('/store/quote', acceptPenalty ? { lineId, acceptPenalty: true } : { lineId });
export const payAtCounter = (lineId: string, method: 'store_cash' | 'store_pos', acceptPenalty: boolean) =>
  post<CounterPaid>(
    '/store/pay',
    acceptPenalty ? { lineId, method, acceptPenalty: true } : { lineId, method },
  );
export const submitStoreCancellation = (body: StoreSubmit, idempotencyKey: string) =>
  post<StoreSubmitted>('/store/cancellations', body, {
    'Idempotency-Key': idempotencyKey,
  });
export const getStoreCancellation = (id: string) => get<StoreCancellation>(`/store/cancellations/${enc(id)}`);
export const storeAgreementPdfUrl = (id: string) => `${API_BASE}/store/cancellations/${enc(id)}/agreement.pdf`;
export const getStoreHistory = () => get<{ items: StoreHistoryItem[] }>('/store/history');

/** Dev mode only: the demo customers with their ID numbers and lines (null when dev mode is off). */
export type DemoCustomer = DemoAccountsAnswer['subscribers'][number];

export async function getDemoCustomers(): Promise<DemoCustomer[] | null> {
  return (await getDemoAccountsAnswer())?.subscribers ?? null;
}

// ================================================================ staff administration (role admin)

// The accounts' answers come from the server's schemas: web/src/api-types.ts.

export type CreateStaff = CreateStaffBody;

export const listStaffAccounts = () => get<{ items: StaffListItem[] }>('/admin/staff');
export const createStaffAccount = (body: CreateStaff) => post<StaffWithPassword>('/admin/staff', body);
export const disableStaffAccount = (id: string) => post<{ staff: StaffAccount }>(`/admin/staff/${enc(id)}/disable`);
export const enableStaffAccount = (id: string) => post<{ staff: StaffAccount }>(`/admin/staff/${enc(id)}/enable`);
export const unlockStaffAccount = (id: string) => post<StaffUnlocked>(`/admin/staff/${enc(id)}/unlock`);
export const resetStaffAccountPassword = (id: string) => post<StaffWithPassword>(`/admin/staff/${enc(id)}/reset-password`);

// ================================================================ operations dashboard (roles ops, admin)

// The figures' and the needs-attention queue's types come from the server's schemas: web/src/api-types.ts.

export interface StatsFilter {
  from?: string;
  to?: string;
  carrier?: string;
}

function statsQuery(f: StatsFilter): string {
  const p = new URLSearchParams();
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', f.to);
  if (f.carrier) p.set('carrier', f.carrier);
  const s = p.toString();
  return s ? `?${s}` : '';
}

export const getOpsStats = (f: StatsFilter) => get<OpsStats>(`/ops/stats${statsQuery(f)}`);
export const opsStatsCsvUrl = (f: StatsFilter) => `${API_BASE}/ops/stats.csv${statsQuery(f)}`;

export const getNeedsAttention = () => get<{ items: NeedsAttentionItem[] }>('/ops/needs-attention');
export const retryNeedsAttention = (id: string) => post<unknown>(`/ops/needs-attention/${enc(id)}/retry`);
export const resolveNeedsAttention = (id: string, note: string) =>
  post<unknown>(`/ops/needs-attention/${enc(id)}/resolve`, { note });

// The audit trail's types come from the server's schemas: web/src/api-types.ts.

// A carrier's settings: the server's own type (src/db/schema.ts, checked against its schema), and the carriers' and MVNO
// brands' rows: the server's schemas (src/http/admin-schemas.ts), via web/src/api-types.ts.

export const getCarriersAdmin = async () => (await get<{ carriers: CarrierAdmin[] }>('/admin/carriers')).carriers;
export const updateCarrierSettings = (code: string, settings: CarrierSettings) =>
  request<unknown>('PUT', `/admin/carriers/${enc(code)}/settings`, settings);
export const getMvnoBrandsAdmin = async () => (await get<{ brands: MvnoBrandAdmin[] }>('/admin/mvno-brands')).brands;
export const updateMvnoBrand = (code: string, body: { acceptsForwarded: boolean; hotline: string }) =>
  request<unknown>('PUT', `/admin/mvno-brands/${enc(code)}`, body);

export function getNumberPool(f: { state?: string; msisdn?: string; carrier?: string }) {
  // A number to look for travels in a POST body, never in the URL.
  if (f.msisdn) return post<NumberPool>('/ops/numbers/search', { msisdn: f.msisdn, state: f.state || undefined, carrier: f.carrier || undefined });
  const p = new URLSearchParams();
  if (f.state) p.set('state', f.state);
  if (f.carrier) p.set('carrier', f.carrier);
  const s = p.toString();
  return get<NumberPool>(`/ops/numbers${s ? `?${s}` : ''}`);
}

export const verifyAuditChain = () => get<AuditChainCheck>('/ops/audit/verify');

// ================================================================ certificates: file check and retrieval

async function apiErrorOf(res: Response): Promise<ApiError> {
  let e: { code?: unknown; message?: unknown; details?: unknown } | undefined;
  try {
    e = ((await res.json()) as { error?: typeof e }).error;
  } catch {
    e = undefined;
  }
  return new ApiError(
    res.status,
    typeof e?.code === 'string' ? e.code : `http_${res.status}`,
    typeof e?.message === 'string' ? e.message : res.statusText || `HTTP ${res.status}`,
    e?.details,
  );
}

async function send(path: string, init: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(API_BASE + path, { credentials: 'same-origin', ...init });
  } catch (cause) {
    throw new ApiError(0, 'network', cause instanceof Error ? cause.message : 'Network error');
  }
  if (!res.ok) throw await apiErrorOf(res);
  return res;
}

/** Checks a certificate PDF's own signature (the file is sent as the body). */
export async function verifyCertificateFile(file: Blob): Promise<CertificateCheck> {
  const res = await send('/certificates/verify', {
    method: 'POST',
    headers: { Accept: 'application/json', 'Accept-Language': acceptLanguage, 'Content-Type': 'application/pdf' },
    body: file,
  });
  return (await res.json()) as CertificateCheck;
}

/** The certificate PDF for a request reference and the last 6 characters of the owner's ID. */
export async function retrieveCertificate(reference: string, idLast6: string): Promise<{ blob: Blob; filename: string }> {
  const res = await send('/certificates/retrieve', {
    method: 'POST',
    headers: { Accept: 'application/pdf, application/json', 'Accept-Language': acceptLanguage, 'Content-Type': 'application/json' },
    body: JSON.stringify({ reference, idLast6 }),
  });
  const filename = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'certificate.pdf';
  return { blob: await res.blob(), filename };
}
