// Idempotent writes: the first successful response for (scope, key) is stored in the same
// transaction as the change it reports, and a retry with the same key and body gets it back
// unchanged. The same key with a different body is refused. Failures are not stored: they changed
// nothing, so a retry simply runs again.
import crypto from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { canonicalJson } from './canonical-json.ts';
import { AppError } from './errors.ts';

export interface StoredResponse<T> { statusCode: number; body: T; replayed: boolean }

/**
 * Where a run's response is kept. A run may write the row itself, in one of its own statements
 * (`idempotencyRow`), and say so with `stored: true`: one round trip fewer in the transaction.
 */
export interface IdempotencyRecord { scope: string; key: string; requestHash: string }

/** The idempotency_keys row that stores `statusCode` and `body` for `record`. */
export const idempotencyRow = (record: IdempotencyRecord, statusCode: number, body: unknown) => ({
  scope: record.scope, key: record.key, request_hash: record.requestHash, status_code: statusCode, body: JSON.stringify(body),
});

/** The record for (scope, key) and this request's body; refuses a malformed key (validation_failed). */
export function idempotencyRecord(scope: string, key: string, requestBody: unknown): IdempotencyRecord {
  if (!/^[\w.:-]{8,128}$/.test(key)) {
    throw new AppError('validation_failed', 'The Idempotency-Key header must be 8 to 128 letters, digits, or . _ : - (a UUID is ideal).');
  }
  return { scope, key, requestHash: crypto.createHash('sha256').update(canonicalJson(requestBody)).digest('hex') };
}

/**
 * The answer stored for the record's (scope, key), as a replay (null: none); the same key with a
 * different body is refused (idempotency_key_reused). For a caller that writes the row itself
 * without withIdempotency's transaction.
 */
export async function storedResponse<T>(db: Kysely<DB>, record: IdempotencyRecord): Promise<StoredResponse<T> | null> {
  const hit = await db.selectFrom('idempotency_keys').selectAll().where('scope', '=', record.scope).where('key', '=', record.key).executeTakeFirst();
  if (!hit) return null;
  if (hit.request_hash !== record.requestHash) {
    throw new AppError('idempotency_key_reused', 'This Idempotency-Key was already used for a different request.');
  }
  return { statusCode: hit.status_code, body: hit.body as T, replayed: true };
}

const isUniqueViolation = (e: unknown) => typeof e === 'object' && e !== null && (e as { code?: string }).code === '23505';

export async function withIdempotency<T>(
  db: Kysely<DB>,
  scope: string,
  key: string,
  requestBody: unknown,
  run: (trx: Transaction<DB>, record: IdempotencyRecord) => Promise<{ statusCode: number; body: T; stored?: boolean }>,
  /**
   * `lookup: 'on_failure'`: run first and look for a stored answer only when the run fails (an
   * AppError, or the unique key of the stored answer: a replay of a success always collides with it),
   * one statement fewer for every first attempt. Only for runs whose every effect is in the
   * transaction, so that a replay run again changes nothing.
   */
  opts: { lookup?: 'first' | 'on_failure' } = {},
): Promise<StoredResponse<T>> {
  const { requestHash } = idempotencyRecord(scope, key, requestBody);
  const replay = () => storedResponse<T>(db, { scope, key, requestHash });
  if (opts.lookup !== 'on_failure') {
    const earlier = await replay();
    if (earlier) return earlier;
  }
  try {
    const record: IdempotencyRecord = { scope, key, requestHash };
    const result = await db.transaction().execute(async (trx) => {
      const r = await run(trx, record);
      if (!r.stored) await trx.insertInto('idempotency_keys').values(idempotencyRow(record, r.statusCode, r.body)).execute();
      return r;
    });
    return { statusCode: result.statusCode, body: result.body, replayed: false };
  } catch (e) {
    // A concurrent request with the same key committed first (or, looking up on failure, any earlier
    // one): answer with its response.
    if (isUniqueViolation(e) || (opts.lookup === 'on_failure' && e instanceof AppError)) {
      const winner = await replay();
      if (winner) return winner;
    }
    throw e;
  }
}

export { isUniqueViolation };
