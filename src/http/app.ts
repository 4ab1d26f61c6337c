// The HTTP face of the platform: schema-validated JSON routes under /api/v1, OpenAPI at
// /openapi.json with a docs UI at /docs, health and metrics, and the web app at /.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import type { AppContext } from '../context.ts';
import { AppError } from '../shared/errors.ts';
import { pickLang } from '../shared/lang.ts';
import { errorMessage } from '../shared/messages/index.ts';
import { isConnectionError, RETRY_AFTER_SECONDS } from '../db/connection-errors.ts';
import { LOG_OPTIONS } from '../shared/logger.ts';
import { sessionPlugin } from './session.ts';
import { DEFAULT_BODY_LIMIT, metricsGuard, registerDocs, registerSecurityHeaders, trustProxyOption } from './security.ts';
import { clientErrorHandler, frameworkErrors, registerInputRules } from './input-rules.ts';
import { registerRoutes } from './routes/index.ts';
import { loadAppShell } from './app-shell.ts';

const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');
const WEB_ASSETS = path.join(WEB_DIST, 'assets') + path.sep;

export type App = FastifyInstance;

export async function buildApp(ctx: AppContext, opts: { logger?: boolean } = {}): Promise<App> {
  const app = Fastify({
    logger: opts.logger === false ? false : { level: ctx.config.logLevel, ...LOG_OPTIONS },
    trustProxy: trustProxyOption(ctx.config), // X-Forwarded-* only from ZHUXIAO_TRUSTED_PROXIES
    bodyLimit: DEFAULT_BODY_LIMIT, // routes that take more say so (store uploads)
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false } },
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();
  registerInputRules(app);

  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    // The message is in the reader's language (Accept-Language, zh-CN by default); logs keep the English.
    const say = (code: string, english: string, details?: Record<string, unknown>) =>
      errorMessage(pickLang(req.headers['accept-language']), code, english, details, ctx.now());
    if (err instanceof AppError) {
      req.log.info({ code: err.code, message: err.message }, 'request refused');
      return reply.status(err.status).send({ error: { code: err.code, message: say(err.code, err.message, err.details), ...(err.details ? { details: err.details } : {}) } });
    }
    if ((err as FastifyError).validation) {
      return reply.status(400).send({
        error: { code: 'validation_failed', message: say('validation_failed', `Invalid request: ${err.message}`), details: { issues: (err as FastifyError).validation } },
      });
    }
    const status = (err as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) {
      const code = status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'bad_request';
      return reply.status(status).send({ error: { code, message: say(code, err.message) } });
    }
    if (isConnectionError(err)) {
      // The database is down or cut off: not a bug, and worth trying again shortly.
      req.log.warn({ reason: err.message }, 'database unavailable');
      return reply.status(503).header('retry-after', String(RETRY_AFTER_SECONDS)).send({
        error: { code: 'unavailable', message: say('unavailable', 'The service cannot reach its database right now. Try again in a few seconds; a retried submission with the same Idempotency-Key is applied once.', { retryAfterSeconds: RETRY_AFTER_SECONDS }) },
      });
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'internal', message: say('internal', 'Something went wrong on our side. The request was not applied.') } });
  });

  app.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const labels = { method: req.method, route, status_code: String(reply.statusCode) };
    ctx.metrics.httpRequests.inc(labels);
    ctx.metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
    done();
  });

  // Responses are compressed (brotli or gzip) for slow mobile links; request bodies are taken as sent.
  // Registered before the static files, whose hashed assets are served pre-compressed when built so.
  await app.register(compress, { encodings: ['br', 'gzip'], threshold: 1024, globalDecompression: false, brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } } });
  await app.register(cookie);
  await registerSecurityHeaders(app, ctx.config);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Zhuxiao (注销) API',
        version: '1.0.0',
        description: 'Cancel a SIM or eSIM line online or in a store, settle the money, and verify the certificate. Errors are `{ "error": { "code", "message", "details"? } }`.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'zx_session' },
          // Machine clients (src/http/machine-auth.ts): a client id and secret at /oauth/token, then the Bearer token.
          clientBasic: { type: 'http', scheme: 'basic' },
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        },
      },
    },
  });
  await registerDocs(app, ctx.config); // /docs and /openapi.json, when ZHUXIAO_DOCS (or dev mode) says so
  await app.register(sessionPlugin, { ctx });

  app.get('/healthz', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await sql`SELECT 1`.execute(ctx.db);
      return { status: 'ok', database: ctx.database.kind };
    } catch {
      return reply.status(503).send({ status: 'unavailable', database: ctx.database.kind });
    }
  });
  app.get('/metrics', { schema: { hide: true }, onRequest: metricsGuard(ctx.config) }, async (_req, reply) => {
    reply.header('content-type', ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });

  await app.register(async (api) => registerRoutes(api, ctx), { prefix: '/api/v1' });
  // Machine clients and the TM Forum APIs, outside /api/v1 (their paths are the standards').
  await app.register(async (m) => (await import('./routes/oauth-token.ts')).oauthTokenRoutes(m, ctx));
  await app.register(async (m) => (await import('../tmf/routes.ts')).tmfRoutes(m, ctx));
  await app.register(async (m) => (await import('./routes/webhooks.ts')).tmfHubRoutes(m, ctx), { prefix: '/tmf-api/productOrderingManagement/v4/hub' });
  await app.register(async (m) => (await import('./routes/camara.ts')).camaraRoutes(m, ctx), { prefix: '/number-recycling/v0' });

  const hasWeb = fs.existsSync(path.join(WEB_DIST, 'index.html'));
  const shell = hasWeb ? loadAppShell(path.join(WEB_DIST, 'index.html')) : null;
  if (shell) {
    app.get('/', { schema: { hide: true } }, (req, reply) => shell.send(req, reply));
    await app.register(fastifyStatic, {
      root: WEB_DIST, wildcard: false, index: false, preCompressed: true, cacheControl: false,
      // Hashed build files never change under their name; index.html must be revalidated to pick up a new build.
      setHeaders: (reply, filePath) => {
        reply.header('cache-control', filePath.startsWith(WEB_ASSETS) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  app.setNotFoundHandler((req, reply) => {
    // API paths, writes, and missing build files (/assets/…) are real 404s; other GETs are app routes.
    if (req.url.startsWith('/api/') || req.url.startsWith('/assets/') || req.method !== 'GET' || !shell) {
      return reply.status(404).send({ error: { code: 'not_found', message: errorMessage(pickLang(req.headers['accept-language']), 'not_found', `No route for ${req.method} ${req.url.split('?')[0]}.`, undefined, ctx.now()) } });
    }
    return shell.send(req, reply);
  });
  return app;
}
