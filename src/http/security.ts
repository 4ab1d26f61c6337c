// The HTTP edges buildApp sets up: which proxies are believed, the default body limit, security
// headers on every response, /metrics behind a bearer token and /docs behind a switch in production.
import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import helmet from 'helmet';
import swaggerUi from '@fastify/swagger-ui';
import type { Config } from '../config.ts';
import { AppError } from '../shared/errors.ts';

/** Every route's body limit unless it says otherwise: JSON forms are a few KB. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

/** Fastify's trustProxy: only the listed proxies' X-Forwarded-* are believed; none by default. */
export const trustProxyOption = (config: Config): string[] | false => (config.trustedProxies.length ? config.trustedProxies : false);

export const docsEnabled = (config: Config): boolean => config.docs ?? config.dev;

const isHttps = (config: Config) => config.publicBaseUrl.startsWith('https:');

/** HSTS on https, the same for pages and for answers: a year, subdomains included. */
const HSTS_MAX_AGE_SECONDS = 365 * 86_400;

/** Paths answered with data for programs, never a page to render: the API, the standards' APIs, OAuth, health. */
const DATA_PATHS = ['/api/', '/tmf-api/', '/number-recycling/', '/oauth/', '/healthz', '/metrics'];
export const isDataPath = (url: string): boolean => DATA_PATHS.some((p) => url.startsWith(p));

/**
 * Security headers on every response. Pages get helmet's full set; answers for programs (JSON, a
 * PDF download, CSV) get the set OWASP's REST Security Cheat Sheet names for APIs, which is what
 * applies to a response no one renders as a page: nothing may run in it or frame it
 * (`default-src 'none'; frame-ancestors 'none'`, X-Frame-Options), no MIME sniffing, no referrer,
 * no cross-origin no-cors reads (CORP, against a <script src> pulling personal data), HSTS on https.
 * Half the bytes of helmet's set: the other headers (COOP, Origin-Agent-Cluster, X-DNS-Prefetch-
 * Control, X-Download-Options, X-Permitted-Cross-Domain-Policies, X-XSS-Protection) only act on
 * documents or old browsers' documents. The page CSP fits the built web app (scripts and styles from
 * 'self'; Ant Design writes inline styles; QR codes and the signature pad use data: and blob: images;
 * agreement PDFs print from a blob: frame) and the /docs UI; no site may frame either.
 */
export async function registerSecurityHeaders(app: FastifyInstance, config: Config): Promise<void> {
  const https = isHttps(config);
  // Helmet's middleware built once (@fastify/helmet builds it again from the options on every request).
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameSrc: ["'self'", 'blob:'],
        workerSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    hsts: https ? { maxAge: HSTS_MAX_AGE_SECONDS, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  const dataHeaders: [string, string][] = [
    ['content-security-policy', `default-src 'none'; frame-ancestors 'none'${https ? '; upgrade-insecure-requests' : ''}`],
    ['cross-origin-resource-policy', 'same-origin'],
    ['referrer-policy', 'no-referrer'],
    ['x-content-type-options', 'nosniff'],
    ['x-frame-options', 'DENY'],
    ...(https ? [['strict-transport-security', `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains`] as [string, string]] : []),
  ];
  app.addHook('onRequest', (req, reply, done) => {
    if (!isDataPath(req.url)) return securityHeaders(req.raw, reply.raw, (err?: unknown) => done(err as Error | undefined));
    for (const [name, value] of dataHeaders) reply.raw.setHeader(name, value);
    done();
  });
}

/** /docs and /openapi.json when ZHUXIAO_DOCS (or dev mode) says so; otherwise they are 404s. */
export async function registerDocs(app: FastifyInstance, config: Config): Promise<void> {
  if (!docsEnabled(config)) {
    const off = async () => {
      throw new AppError('not_found', 'The API documentation is not served here (ZHUXIAO_DOCS=1 turns it on).');
    };
    for (const url of ['/openapi.json', '/docs', '/docs/*']) app.get(url, { schema: { hide: true } }, off);
    return;
  }
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

const digest = (s: string) => crypto.createHash('sha256').update(s).digest();

/** /metrics: open in dev mode; otherwise only with `Authorization: Bearer <ZHUXIAO_METRICS_TOKEN>`. */
export function metricsGuard(config: Config) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (config.dev) return;
    if (!config.metricsToken) throw new AppError('not_found', 'Metrics are off: set ZHUXIAO_METRICS_TOKEN and scrape with that bearer token.');
    const given = /^Bearer\s+(\S+)\s*$/i.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
    if (!crypto.timingSafeEqual(digest(given), digest(config.metricsToken))) {
      reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw new AppError('unauthenticated', 'Metrics need the bearer token (ZHUXIAO_METRICS_TOKEN).');
    }
  };
}
