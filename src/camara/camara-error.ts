// CAMARA's error shape, `{ status, code, message }` (CAMARA API design guidelines): the platform's
// AppError codes mapped to CAMARA's codes, and the errors only CAMARA has (OUT_OF_RANGE).
import { AppError } from '../shared/errors.ts';

export type CamaraCode = 'INVALID_ARGUMENT' | 'OUT_OF_RANGE' | 'UNAUTHENTICATED' | 'PERMISSION_DENIED' | 'NOT_FOUND' | 'SERVICE_UNAVAILABLE' | 'INTERNAL';

export class CamaraError extends Error {
  constructor(readonly status: number, readonly code: CamaraCode, message: string) {
    super(message);
    this.name = 'CamaraError';
  }
}

/** The CAMARA body for anything a CAMARA route throws. */
export function camaraErrorOf(err: unknown): { status: number; code: CamaraCode; message: string } {
  if (err instanceof CamaraError) return { status: err.status, code: err.code, message: err.message };
  if (err instanceof AppError) {
    const code: CamaraCode = err.code === 'unauthenticated' ? 'UNAUTHENTICATED'
      : err.code === 'permission_denied' || err.code === 'forbidden' ? 'PERMISSION_DENIED'
      : err.code === 'not_found' ? 'NOT_FOUND'
      : err.code === 'unavailable' ? 'SERVICE_UNAVAILABLE'
      : err.status < 500 ? 'INVALID_ARGUMENT' : 'INTERNAL';
    return { status: code === 'INVALID_ARGUMENT' ? 400 : err.status, code, message: err.message };
  }
  const e = err as { validation?: unknown; statusCode?: number; message?: string };
  if (e.validation || (e.statusCode && e.statusCode >= 400 && e.statusCode < 500)) {
    return { status: 400, code: 'INVALID_ARGUMENT', message: `Client specified an invalid argument, request body or query param: ${e.message ?? ''}`.trim() };
  }
  return { status: 500, code: 'INTERNAL', message: 'Unknown server error.' };
}
