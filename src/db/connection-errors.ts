// Recognises "the database is not there" errors, as opposed to errors in what we asked of it. The
// HTTP layer answers them with 503 `unavailable` and a Retry-After (not a 500: nothing is wrong with
// the request), and the job workers wait for the database to come back instead of burning retries.

/** Seconds a client is told to wait (Retry-After) before trying again during a database outage. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * SQLSTATEs that mean the connection, or the server behind it, is gone or refusing us:
 * class 08 (connection exception), operator intervention (57P01 admin_shutdown, e.g.
 * pg_terminate_backend; 57P02 crash_shutdown; 57P03 cannot_connect_now, a server starting up or
 * shutting down; 57P05 idle_session_timeout) and 53300 too_many_connections.
 */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '57P05', '53300']);

/** Socket errors from connecting to, or talking with, the server. */
const ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

/** Messages of node-postgres and pg-pool errors that carry no code. */
const MESSAGES = [
  /^Connection terminated/, // "…unexpectedly", "…due to connection timeout"
  /timeout exceeded when trying to connect/i, // pg-pool's connectionTimeoutMillis
  /Client has encountered a connection error and is not queryable/,
  /Connection is not queryable|Client was closed and is not queryable/,
  /^Query read timeout/,
  /the database system is (starting up|shutting down|in recovery mode)/,
];

/** A readable message for anything thrown or emitted (pg-boss sometimes emits plain objects). */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (err && typeof err === 'object' && typeof (err as { message?: unknown }).message === 'string') return (err as { message: string }).message;
  try {
    return typeof err === 'string' ? err : JSON.stringify(err) ?? String(err);
  } catch {
    return String(err);
  }
}

/** True when `err` (or an error it wraps: `cause`, AggregateError) says the database cannot be reached. */
export function isConnectionError(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string') {
    if (e.code.startsWith('08') && e.code.length === 5) return true;
    if (SQLSTATES.has(e.code) || ERRNOS.has(e.code)) return true;
  }
  if (typeof e.message === 'string' && MESSAGES.some((m) => m.test(e.message as string))) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => isConnectionError(x, depth + 1))) return true;
  return isConnectionError(e.cause, depth + 1);
}
