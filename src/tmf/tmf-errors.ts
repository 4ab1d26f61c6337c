// TM Forum APIs answer errors in TMF630's shape, `{ code, reason, message, status, @type: "Error" }`:
// `code` is the platform's stable error code, `reason` its English sentence, `message` the text in the
// reader's language, `status` the HTTP status as a string. Registered inside the TMF route plugins.
import type { FastifyError, FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { AppError } from '../shared/errors.ts';
import { pickLang } from '../shared/lang.ts';
import { errorMessage } from '../shared/messages/index.ts';
import { isConnectionError, RETRY_AFTER_SECONDS } from '../db/connection-errors.ts';

export const TmfError = Type.Object({
  code: Type.String(), reason: Type.String(), message: Type.Optional(Type.String()), status: Type.Optional(Type.String()),
  referenceError: Type.Optional(Type.String()), '@type': Type.Optional(Type.String()),
}, { $id: 'TmfError', examples: [{ code: 'not_found', reason: 'No product order has the id f42b01d2-dba6-4442-a0fa-34e59639fd15.', message: 'No product order has the id f42b01d2-dba6-4442-a0fa-34e59639fd15.', status: '404', '@type': 'Error' }] });

export const tmfErrors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, TmfError]));

export function registerTmfErrors(app: FastifyInstance, ctx: AppContext): void {
  const body = (status: number, code: string, reason: string, message: string) => ({ code, reason, message, status: String(status), '@type': 'Error' });
  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    const say = (code: string, english: string, details?: Record<string, unknown>) =>
      errorMessage(pickLang(req.headers['accept-language']), code, english, details, ctx.now());
    if (err instanceof AppError) {
      req.log.info({ code: err.code, message: err.message }, 'request refused');
      return reply.status(err.status).send({ ...body(err.status, err.code, err.message, say(err.code, err.message, err.details)), ...(err.details ? { details: err.details } : {}) });
    }
    if ((err as FastifyError).validation) {
      return reply.status(400).send(body(400, 'validation_failed', `Invalid request: ${err.message}`, say('validation_failed', `Invalid request: ${err.message}`)));
    }
    const status = (err as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) {
      const code = status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'bad_request';
      return reply.status(status).send(body(status, code, err.message, say(code, err.message)));
    }
    if (isConnectionError(err)) {
      return reply.status(503).header('retry-after', String(RETRY_AFTER_SECONDS)).send(body(503, 'unavailable', 'The service cannot reach its database right now.', say('unavailable', 'The service cannot reach its database right now. Try again in a few seconds.')));
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send(body(500, 'internal', 'Something went wrong on our side.', say('internal', 'Something went wrong on our side. The request was not applied.')));
  });
  const say404 = (lang: string | undefined, reason: string) => errorMessage(pickLang(lang), 'not_found', reason, undefined, ctx.now());
  // Unknown paths under the API's base path are TMF 404s too (only a prefixed plugin may set its own).
  if (!app.prefix) return;
  app.setNotFoundHandler((req, reply) => {
    const reason = `No resource at ${req.method} ${req.url.split('?')[0]}.`;
    return reply.status(404).send(body(404, 'not_found', reason, say404(req.headers['accept-language'], reason)));
  });
}
