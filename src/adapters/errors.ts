/**
 * The two failure classes every adapter reports.
 *
 * - RetryableAdapterError: we do not know that the far side refused. Transport error, timeout, HTTP 5xx,
 *   an unreadable answer, or a simulator told to fail. The caller may retry with the SAME idempotency
 *   key; the far side will not repeat the effect.
 * - PermanentAdapterError: the far side answered and definitively refused. Carries a machine code
 *   (for ES2+ `${subjectCode}/${reasonCode}`, e.g. `8.2.1/3.9`) and the far side's message.
 *   Retrying with the same input will not help; a person or a different input is needed.
 *
 * Messages must never carry personal data (names, ID numbers, phone numbers): they end up in logs.
 */

export interface AdapterErrorOptions {
  /** Which adapter raised it, e.g. 'es2plus', 'network', 'payments'. */
  adapter?: string;
  cause?: unknown;
}

export abstract class AdapterError extends Error {
  abstract readonly retryable: boolean;
  readonly adapter: string | undefined;

  constructor(message: string, options: AdapterErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.adapter = options.adapter;
  }
}

export class RetryableAdapterError extends AdapterError {
  readonly retryable = true as const;
  // string, not the literal, so that RateLimitedAdapterError (a kind of it) can name itself.
  override readonly name: string = 'RetryableAdapterError';
}

/**
 * The far side said "too many requests" (HTTP 429) and when to come back (Retry-After). Nothing was
 * done, so the call may be repeated with the same key once the pause is over; a caller that throttles
 * (src/fleet/carrier-throttle.ts) pauses the whole carrier for that long and does not count it as a
 * failed attempt. Without a throttle it is an ordinary retryable failure.
 */
export class RateLimitedAdapterError extends RetryableAdapterError {
  override readonly name: string = 'RateLimitedAdapterError';
  /** How long the far side asked us to wait, in milliseconds (Retry-After). */
  readonly retryAfterMs: number;

  constructor(message: string, retryAfterMs: number, options: AdapterErrorOptions = {}) {
    super(message, options);
    this.retryAfterMs = retryAfterMs;
  }
}

export interface PermanentAdapterErrorOptions extends AdapterErrorOptions {
  /** Structured detail from the far side (never personal data). */
  details?: Readonly<Record<string, unknown>>;
}

export class PermanentAdapterError extends AdapterError {
  readonly retryable = false as const;
  override readonly name = 'PermanentAdapterError';
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: string, message: string, options: PermanentAdapterErrorOptions = {}) {
    super(message, options);
    this.code = code;
    this.details = options.details;
  }
}

export function isRetryableAdapterError(err: unknown): err is RetryableAdapterError {
  return err instanceof RetryableAdapterError;
}

export function isRateLimitedAdapterError(err: unknown): err is RateLimitedAdapterError {
  return err instanceof RateLimitedAdapterError;
}

export function isPermanentAdapterError(err: unknown): err is PermanentAdapterError {
  return err instanceof PermanentAdapterError;
}
