// Large uploads (a store cancellation with its scanned documents) are held in memory several times
// over while they are parsed, decoded and stored, so the number of them in flight is bounded: a byte
// budget shared by the whole process, reserved from the declared Content-Length (the route's body
// limit when none is declared) before the body is read, and one upload at a time per staff member
// (a double tap that repeats the same Idempotency-Key is let through: it gets the first answer).
// Over budget, the request is refused at once (503 `unavailable`, Retry-After), its body unread.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../shared/errors.ts';

export const UPLOAD_RETRY_AFTER_SECONDS = 5;

export interface UploadBudget {
  /** onRequest hook (after the role check): reserves the request's bytes or refuses it. */
  admit(req: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** onResponse / onRequestAbort hook: gives the bytes back (once). */
  release(req: FastifyRequest): Promise<void>;
  /** Bytes reserved right now. */
  inFlight(): number;
}

export function createUploadBudget(opts: { totalBytes: number; routeLimit: number }): UploadBudget {
  let reserved = 0;
  /** Staff member → Idempotency-Keys of their uploads in flight. */
  const uploaders = new Map<string, string[]>();
  const releases = new WeakMap<FastifyRequest, () => void>();

  return {
    async admit(req, reply) {
      const declared = Number(req.headers['content-length']);
      // More than the route's limit is refused by Fastify (413) before anything is read.
      if (Number.isFinite(declared) && declared > opts.routeLimit) return;
      const bytes = Number.isFinite(declared) && declared >= 0 ? declared : opts.routeLimit;
      const who = req.principal?.kind === 'staff' ? req.principal.staffId : null;
      const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : '';
      const mine = who ? uploaders.get(who) : undefined;
      if (mine && !(key && mine.every((k) => k === key))) {
        reply.header('retry-after', String(UPLOAD_RETRY_AFTER_SECONDS));
        throw new AppError('rate_limited', 'Your previous submission is still being received: wait for it to finish.', { retryAfterSeconds: UPLOAD_RETRY_AFTER_SECONDS });
      }
      // One upload is always let in, however large: the budget is at least one route limit.
      if (reserved > 0 && reserved + bytes > opts.totalBytes) {
        reply.header('retry-after', String(UPLOAD_RETRY_AFTER_SECONDS));
        throw new AppError('unavailable', 'The server is receiving other large uploads right now. Send again in a few seconds; nothing was recorded.', { retryAfterSeconds: UPLOAD_RETRY_AFTER_SECONDS });
      }
      reserved += bytes;
      if (who) uploaders.set(who, [...(mine ?? []), key]);
      let done = false;
      const release = () => {
        if (done) return;
        done = true;
        reserved -= bytes;
        if (!who) return;
        const left = (uploaders.get(who) ?? []).slice(1);
        if (left.length) uploaders.set(who, left);
        else uploaders.delete(who);
      };
      releases.set(req, release);
      // Whatever ends the exchange (answered, client gone, timed out) gives the budget back.
      reply.raw.once('close', release);
      req.raw.once('close', () => {
        if (!req.raw.complete) release();
      });
    },
    async release(req) {
      releases.get(req)?.();
    },
    inFlight: () => reserved,
  };
}
