/**
 * ES2+ client (operator -> SM-DP+), GSMA SGP.22 JSON binding.
 *
 * POST `<baseUrl><pathPrefix>/gsma/rsp2/es2plus/<function>` with `X-Admin-Protocol: gsma/rsp/v<version>`
 * and body `{ header: { functionRequesterIdentifier, functionCallIdentifier }, ...fields }`.
 * (Mutual TLS is configured on the transport in production: pass a `fetch` bound to an undici Agent
 * carrying the client certificate.)
 *
 * The functionCallIdentifier is the caller's stable idempotency key (`callId`): a retry of the same step
 * must reuse it so the SM-DP+ answers with its stored first response instead of acting twice.
 *
 * Error mapping:
 *   - HTTP 429 (with or without Retry-After)                            -> RateLimitedAdapterError (retryable)
 *   - network error, timeout, any other non-2xx HTTP status, unreadable body,
 *     `Expired` (the function was not executed)                       -> RetryableAdapterError
 *   - `Failed`                                                        -> PermanentAdapterError,
 *        code `${subjectCode}/${reasonCode}` (e.g. `8.2.1/3.9`), message from statusCodeData
 *   - `Executed-WithWarning`                                          -> success, `warning` set
 *   - success without a mandatory response field                     -> PermanentAdapterError `es2plus/malformed_response`
 *
 * Special rule, cancelOrder to `Unavailable` of a profile that is ALREADY Unavailable is an idempotent
 * success (`alreadyUnavailable: true`). How it is detected (see `defaultIsAlreadyUnavailable`):
 *   - a `Failed` answer with subject 8.2.1 (ICCID) and reason 3.7 (unavailable), or reason 3.5 (invalid
 *     transition) whose message says the profile is already / currently Unavailable, and does not
 *     mention "install". A bare `8.2.1/3.5` with no such message stays a PermanentAdapterError, because
 *     the very same code is what an SM-DP+ answers for an Installed profile;
 *   - a success answer whose statusCodeData matches the same rule (our simulator answers
 *     Executed-Success with an informational `8.2.1/3.7 "Profile is already Unavailable"`).
 * Vendors word this differently: pass `isAlreadyUnavailable` to match a particular SM-DP+.
 */
import { Value } from 'typebox/value';
import { PermanentAdapterError, RateLimitedAdapterError, RetryableAdapterError } from '../adapters/errors.ts';
import { parseRetryAfter } from '../shared/retry-after.ts';
import {
  ES2PLUS_PATH,
  ResponseEnvelopeSchema,
  type ConfirmOrderResponse,
  type DownloadOrderResponse,
  type Es2PlusFunctionName,
  type FinalProfileStatusIndicator,
  type ResponseEnvelope,
  type StatusCodeData,
} from './es2plus-types.ts';

export interface Es2PlusClientOptions {
  /** e.g. `https://smdp.example.com` (no trailing path needed). */
  baseUrl: string;
  /** Vendor prefix put before `/gsma/rsp2/es2plus`, e.g. `/smdp`. */
  pathPrefix?: string;
  /** Our identifier as agreed with the SM-DP+ (usually the operator's OID). */
  functionRequesterIdentifier: string;
  /** SGP.22 version for `X-Admin-Protocol`, default `2.5.0`. */
  protocolVersion?: string;
  /** Per-call timeout in ms, default 10 000. */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
  /** Vendor-specific override of the already-Unavailable detection for cancelOrder. */
  isAlreadyUnavailable?: (statusCodeData: StatusCodeData) => boolean;
}

export interface Es2PlusCallOptions {
  /** Stable idempotency key for this call, sent as functionCallIdentifier. */
  callId: string;
}

export interface Es2PlusSuccess {
  /** Set when the SM-DP+ answered Executed-WithWarning. */
  warning?: StatusCodeData;
}

export interface DownloadOrderInput {
  eid?: string;
  iccid?: string;
  profileType?: string;
}
export interface DownloadOrderResult extends Es2PlusSuccess {
  iccid: string;
}

export interface ConfirmOrderInput {
  iccid: string;
  releaseFlag: boolean;
  eid?: string;
  matchingId?: string;
  confirmationCode?: string;
  smdsAddress?: string;
}
export interface ConfirmOrderResult extends Es2PlusSuccess {
  matchingId: string;
  eid?: string;
  smdpAddress?: string;
}

export interface CancelOrderInput {
  iccid: string;
  finalProfileStatusIndicator: FinalProfileStatusIndicator;
  eid?: string;
  matchingId?: string;
}
export interface CancelOrderResult extends Es2PlusSuccess {
  /** True when the profile was already Unavailable (idempotent success, nothing changed). */
  alreadyUnavailable: boolean;
}

export interface ReleaseProfileInput {
  iccid: string;
}
export type ReleaseProfileResult = Es2PlusSuccess;

export interface Es2PlusClient {
  downloadOrder(input: DownloadOrderInput, options: Es2PlusCallOptions): Promise<DownloadOrderResult>;
  confirmOrder(input: ConfirmOrderInput, options: Es2PlusCallOptions): Promise<ConfirmOrderResult>;
  cancelOrder(input: CancelOrderInput, options: Es2PlusCallOptions): Promise<CancelOrderResult>;
  releaseProfile(input: ReleaseProfileInput, options: Es2PlusCallOptions): Promise<ReleaseProfileResult>;
}

/** Default detection of "the profile is already Unavailable" in a cancelOrder answer (see file header). */
export function defaultIsAlreadyUnavailable(s: StatusCodeData): boolean {
  if (s.subjectCode !== '8.2.1') return false;
  const message = s.message ?? '';
  if (/install/i.test(message)) return false;
  if (s.reasonCode === '3.7') return true;
  if (s.reasonCode !== '3.5') return false;
  return (
    /\b(already|currently)\b[^.;]*\bunavailable\b/i.test(message) ||
    /\b(current|profile)\s+(state|status)\b\s*(is|:|=)?\s*["']?unavailable\b/i.test(message)
  );
}

export function adminProtocolHeader(protocolVersion: string): string {
  return `gsma/rsp/v${protocolVersion}`;
}

/** `<base><prefix>/gsma/rsp2/es2plus/<function>`, tolerant of slashes on either side. */
export function es2plusUrl(baseUrl: string, pathPrefix: string, fn: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  const prefix = pathPrefix.replace(/^\/*/, '/').replace(/\/+$/, '');
  return `${base}${prefix === '/' ? '' : prefix}${ES2PLUS_PATH}/${fn}`;
}

const ADAPTER = 'es2plus';

function isTimeout(err: unknown): boolean {
  return err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  const code = cause && typeof cause === 'object' && 'code' in cause ? ` (${String((cause as { code: unknown }).code)})` : '';
  return `${err.message}${code}`;
}

export function createEs2PlusClient(options: Es2PlusClientOptions): Es2PlusClient {
  const {
    baseUrl,
    pathPrefix = '',
    functionRequesterIdentifier,
    protocolVersion = '2.5.0',
    timeoutMs = 10_000,
    fetch: fetchImpl = globalThis.fetch,
    isAlreadyUnavailable = defaultIsAlreadyUnavailable,
  } = options;
  new URL(baseUrl); // throws TypeError on a malformed base URL at construction, not on first call
  if (!functionRequesterIdentifier) throw new TypeError('es2plus: functionRequesterIdentifier is required');
  if (!/^2\.[0-9]+\.[0-9]+$/.test(protocolVersion)) throw new TypeError('es2plus: protocolVersion must look like 2.x.y');
  if (!(timeoutMs > 0)) throw new TypeError('es2plus: timeoutMs must be positive');

  /** Sends one function call; returns the parsed body when the status is a success or warning. */
  async function call<T extends ResponseEnvelope>(
    fn: Es2PlusFunctionName,
    fields: object,
    { callId }: Es2PlusCallOptions,
  ): Promise<{ body: T; warning?: StatusCodeData; statusCodeData?: StatusCodeData } | { failed: StatusCodeData | undefined }> {
    if (typeof callId !== 'string' || callId.trim() === '') throw new TypeError('es2plus: callId is required');
    const url = es2plusUrl(baseUrl, pathPrefix, fn);
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const res = await fetchImpl(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'x-admin-protocol': adminProtocolHeader(protocolVersion),
        },
        body: JSON.stringify({ header: { functionRequesterIdentifier, functionCallIdentifier: callId }, ...fields }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = res.status;
      retryAfter = res.headers.get('retry-after');
      text = await res.text();
    } catch (err) {
      if (isTimeout(err)) {
        throw new RetryableAdapterError(`es2plus: ${fn} timed out after ${timeoutMs} ms`, { adapter: ADAPTER, cause: err });
      }
      throw new RetryableAdapterError(`es2plus: ${fn} transport error: ${describe(err)}`, { adapter: ADAPTER, cause: err });
    }
    if (status === 429) {
      // Too many calls: the far side did nothing; the fleet throttle waits as long as it asks (1 s if it does not say).
      const seconds = parseRetryAfter(retryAfter, new Date()) ?? 1;
      throw new RateLimitedAdapterError(`es2plus: ${fn} answered HTTP 429 (retry after ${seconds} s)`, seconds * 1000, { adapter: ADAPTER });
    }
    if (status < 200 || status > 299) {
      throw new RetryableAdapterError(`es2plus: ${fn} answered HTTP ${status}`, { adapter: ADAPTER });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new RetryableAdapterError(`es2plus: ${fn} answered HTTP ${status} with a body that is not JSON`, { adapter: ADAPTER });
    }
    if (!Value.Check(ResponseEnvelopeSchema, body)) {
      throw new RetryableAdapterError(`es2plus: ${fn} answered without a valid ES2+ response header`, { adapter: ADAPTER });
    }
    const { status: execStatus, statusCodeData } = body.header.functionExecutionStatus;
    switch (execStatus) {
      case 'Executed-Success':
        return { body: body as T, statusCodeData };
      case 'Executed-WithWarning':
        return { body: body as T, warning: statusCodeData, statusCodeData };
      case 'Expired':
        throw new RetryableAdapterError(`es2plus: ${fn} expired before it was executed`, { adapter: ADAPTER });
      case 'Failed':
        return { failed: statusCodeData };
    }
  }

  function permanent(fn: Es2PlusFunctionName, s: StatusCodeData | undefined): PermanentAdapterError {
    const code = s ? `${s.subjectCode}/${s.reasonCode}` : 'es2plus/failed';
    const message = s?.message ?? `${fn} failed (${code})`;
    return new PermanentAdapterError(code, message, {
      adapter: ADAPTER,
      // subjectIdentifier (often the ICCID) is left out: details end up in logs; the caller knows what it sent.
      details: { function: fn, ...(s ? { subjectCode: s.subjectCode, reasonCode: s.reasonCode } : {}) },
    });
  }

  function malformed(fn: Es2PlusFunctionName, field: string): PermanentAdapterError {
    return new PermanentAdapterError('es2plus/malformed_response', `${fn} succeeded without mandatory ${field}`, {
      adapter: ADAPTER,
      details: { function: fn, field },
    });
  }

  const withWarning = (warning: StatusCodeData | undefined) => (warning ? { warning } : {});

  return {
    async downloadOrder(input, opts) {
      const r = await call<DownloadOrderResponse>('downloadOrder', pick(input, ['eid', 'iccid', 'profileType']), opts);
      if ('failed' in r) throw permanent('downloadOrder', r.failed);
      if (typeof r.body.iccid !== 'string' || !r.body.iccid) throw malformed('downloadOrder', 'iccid');
      return { iccid: r.body.iccid, ...withWarning(r.warning) };
    },

    async confirmOrder(input, opts) {
      const fields = pick(input, ['iccid', 'releaseFlag', 'eid', 'matchingId', 'confirmationCode', 'smdsAddress']);
      const r = await call<ConfirmOrderResponse>('confirmOrder', fields, opts);
      if ('failed' in r) throw permanent('confirmOrder', r.failed);
      if (typeof r.body.matchingId !== 'string' || !r.body.matchingId) throw malformed('confirmOrder', 'matchingId');
      return {
        matchingId: r.body.matchingId,
        ...(r.body.eid ? { eid: r.body.eid } : {}),
        ...(r.body.smdpAddress ? { smdpAddress: r.body.smdpAddress } : {}),
        ...withWarning(r.warning),
      };
    },

    async cancelOrder(input, opts) {
      const fields = pick(input, ['iccid', 'finalProfileStatusIndicator', 'eid', 'matchingId']);
      const r = await call<ResponseEnvelope>('cancelOrder', fields, opts);
      const toUnavailable = input.finalProfileStatusIndicator === 'Unavailable';
      if ('failed' in r) {
        if (toUnavailable && r.failed && isAlreadyUnavailable(r.failed)) return { alreadyUnavailable: true };
        throw permanent('cancelOrder', r.failed);
      }
      const alreadyUnavailable = toUnavailable && r.statusCodeData !== undefined && isAlreadyUnavailable(r.statusCodeData);
      return { alreadyUnavailable, ...withWarning(r.warning) };
    },

    async releaseProfile(input, opts) {
      const r = await call<ResponseEnvelope>('releaseProfile', pick(input, ['iccid']), opts);
      if ('failed' in r) throw permanent('releaseProfile', r.failed);
      return withWarning(r.warning);
    },
  };
}

/** Copies only the named, defined fields (so callers cannot smuggle extra fields into the request). */
function pick<T extends object, K extends keyof T>(input: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (input[key] !== undefined) out[key] = input[key];
  return out;
}
