/**
 * SM-DP+ -> operator direction of ES2+: `handleDownloadProgressInfo`.
 *
 * - `sendDownloadProgressInfo` is what an SM-DP+ does (the simulator uses it; tests use it to play a
 *   device's "profile deleted" notification into the platform).
 * - `parseDownloadProgressInfo` validates a received body for the operator-side route (answer HTTP 204
 *   with an empty body). `HandleDownloadProgressInfoRequestSchema` in es2plus-types.ts is the same rule as
 *   a JSON Schema for Fastify.
 *
 * Device notifications are best-effort: one may never arrive. Record it when it does; never wait for it.
 */
import { randomUUID } from 'node:crypto';
import { Value } from 'typebox/value';
import { RetryableAdapterError } from '../adapters/errors.ts';
import { adminProtocolHeader, es2plusUrl } from './es2plus-client.ts';
import {
  HandleDownloadProgressInfoRequestSchema,
  type FunctionExecutionStatus,
  type HandleDownloadProgressInfoRequest,
} from './es2plus-types.ts';

/** `YYYY-MM-DDThh:mm:ssZ` (ES2+ timestamps carry no fraction of a second). */
export function formatEs2PlusTimestamp(date: Date): string {
  return date.toISOString().replace(/\.[0-9]{3}Z$/, 'Z');
}

export interface DownloadProgressInfo {
  /** The SM-DP+'s identifier. */
  functionRequesterIdentifier: string;
  /** Unique per notification; generated if omitted. */
  functionCallIdentifier?: string;
  iccid: string;
  profileType: string;
  /** 1-4 standard, others vendor-specific (5 = deleted for one vendor). */
  notificationPointId: number;
  /** Default Executed-Success. */
  notificationPointStatus?: FunctionExecutionStatus;
  /** Default now. */
  timestamp?: Date | string;
  eid?: string;
  resultData?: string;
}

export interface SendDownloadProgressInfoOptions {
  /** Prefix put before `/gsma/rsp2/es2plus` on the operator side. */
  pathPrefix?: string;
  protocolVersion?: string;
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

/**
 * POSTs handleDownloadProgressInfo to the operator. `operatorUrl` is the operator's base URL (the ES2+
 * path is appended), or a full URL already ending in `/handleDownloadProgressInfo`.
 * Resolves with the body sent; throws RetryableAdapterError on transport errors and non-2xx answers.
 * `info` may also be a complete request built with `buildDownloadProgressInfo`.
 */
export function buildDownloadProgressInfo(info: DownloadProgressInfo): HandleDownloadProgressInfoRequest {
  const timestamp =
    info.timestamp instanceof Date || info.timestamp === undefined ? formatEs2PlusTimestamp(info.timestamp ?? new Date()) : info.timestamp;
  return {
    header: {
      functionRequesterIdentifier: info.functionRequesterIdentifier,
      functionCallIdentifier: info.functionCallIdentifier ?? randomUUID(),
    },
    ...(info.eid !== undefined ? { eid: info.eid } : {}),
    iccid: info.iccid,
    profileType: info.profileType,
    timestamp,
    notificationPointId: info.notificationPointId,
    notificationPointStatus: info.notificationPointStatus ?? { status: 'Executed-Success' },
    ...(info.resultData !== undefined ? { resultData: info.resultData } : {}),
  };
}

export async function sendDownloadProgressInfo(
  operatorUrl: string,
  info: DownloadProgressInfo | HandleDownloadProgressInfoRequest,
  options: SendDownloadProgressInfoOptions = {},
): Promise<HandleDownloadProgressInfoRequest> {
  const { pathPrefix = '', protocolVersion = '2.5.0', timeoutMs = 10_000, fetch: fetchImpl = globalThis.fetch } = options;
  const url = /\/handleDownloadProgressInfo\/?$/.test(operatorUrl)
    ? operatorUrl
    : es2plusUrl(operatorUrl, pathPrefix, 'handleDownloadProgressInfo');
  const body = 'header' in info ? info : buildDownloadProgressInfo(info);
  let status: number;
  try {
    const res = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-admin-protocol': adminProtocolHeader(protocolVersion) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = res.status;
    await res.arrayBuffer();
  } catch (err) {
    throw new RetryableAdapterError(`es2plus: handleDownloadProgressInfo delivery failed: ${(err as Error).message}`, {
      adapter: 'es2plus',
      cause: err,
    });
  }
  if (status < 200 || status > 299) {
    throw new RetryableAdapterError(`es2plus: handleDownloadProgressInfo answered HTTP ${status}`, { adapter: 'es2plus' });
  }
  return body;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** Validates a received handleDownloadProgressInfo body. Error strings name the field, not its value. */
export function parseDownloadProgressInfo(body: unknown): ParseResult<HandleDownloadProgressInfoRequest> {
  if (Value.Check(HandleDownloadProgressInfoRequestSchema, body)) return { ok: true, value: body };
  const errors = [...Value.Errors(HandleDownloadProgressInfoRequestSchema, body)]
    .filter((e) => e.keyword !== 'const')
    .map((e) =>
      e.keyword === 'required'
        ? `${e.instancePath || '/'} missing ${(e.params as { requiredProperties?: string[] }).requiredProperties?.join(', ')}`
        : `${e.instancePath || '/'} ${e.message}`,
    );
  return { ok: false, errors: errors.length ? errors : ['invalid handleDownloadProgressInfo body'] };
}
