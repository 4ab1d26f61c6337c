// The shape of an error-message catalogue: one text per error code, from the error's `details`.
import type { ErrorCode } from '../errors.ts';

/** Codes the HTTP layer answers with besides the AppError codes. */
export type MessageCode = ErrorCode | 'internal' | 'payload_too_large' | 'unsupported_media_type';

export type Details = Record<string, unknown>;
/** `now` is the clock of the app, so "try again at …" follows it in tests too. */
export type ErrorText = (d: Details, now: Date) => string;

export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
/** The code of the first issue in `details.errors` (identifier checks) or `details.blockers`. */
export const firstCode = (v: unknown): string | undefined =>
  Array.isArray(v) && v.length && typeof (v[0] as { code?: unknown }).code === 'string' ? (v[0] as { code: string }).code : undefined;
