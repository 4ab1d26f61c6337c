// One error type for the whole platform. `code` is a stable string clients can branch on; the
// HTTP layer maps it to a status. Use cases throw AppError; anything else is a bug (500).

export type ErrorCode =
  | 'bad_request' | 'invalid_identifier' | 'validation_failed'
  | 'unauthenticated' | 'real_name_required' | 'forbidden' | 'permission_denied' | 'invalid_credentials' | 'locked'
  | 'invalid_code' | 'code_expired' | 'too_many_attempts' | 'rate_limited' | 'csrf_rejected'
  | 'not_found'
  | 'conflict' | 'claimed_by_other' | 'already_requested' | 'quote_stale' | 'idempotency_key_reused'
  | 'not_eligible' | 'confirmation_mismatch' | 'acknowledgements_missing' | 'identity_mismatch'
  | 'iccid_mismatch' | 'documents_missing' | 'invalid_document' | 'invalid_refund_route' | 'nothing_to_pay'
  | 'not_forwardable' | 'dev_only' | 'number_cancelled'
  | 'adapter_failed' | 'unavailable';

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400, invalid_identifier: 400, validation_failed: 400,
  unauthenticated: 401, invalid_credentials: 401, invalid_code: 401, code_expired: 401,
  real_name_required: 403, forbidden: 403, permission_denied: 403, csrf_rejected: 403,
  locked: 423, too_many_attempts: 429, rate_limited: 429,
  not_found: 404, dev_only: 404,
  conflict: 409, claimed_by_other: 409, already_requested: 409, quote_stale: 409, idempotency_key_reused: 422,
  not_eligible: 422, confirmation_mismatch: 422, acknowledgements_missing: 422, identity_mismatch: 422,
  iccid_mismatch: 422, documents_missing: 422, invalid_document: 422, invalid_refund_route: 422,
  nothing_to_pay: 422, not_forwardable: 422, number_cancelled: 409,
  adapter_failed: 502, unavailable: 503,
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
  get status(): number {
    return STATUS[this.code];
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} was not found.`);
