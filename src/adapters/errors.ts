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
  override readonly name = 'RetryableAdapterError';
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

export function isPermanentAdapterError(err: unknown): err is PermanentAdapterError {
  return err instanceof PermanentAdapterError;
}
