// Resolves the session cookie to a principal on every request, rejects cross-site writes (CSRF), and
// offers the guards routes use: requireSubscriber, requireStaff.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AppContext } from '../context.ts';
import type { StaffRole } from '../db/schema.ts';
import { SESSION_COOKIE, hashToken, loadPrincipal, type Principal } from '../identity/sessions.ts';
import { AppError } from '../shared/errors.ts';
import type { OwnerSession, SessionOwner } from '../cancellation/load-quote-facts.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /**
     * `'in-statement'`: the route reads its subscriber session inside its own first statement
     * (`subscriberSession`), so the hook does not read it: one round trip fewer per call.
     * `req.principal` stays null on such a route.
     */
    session?: 'in-statement';
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const sessionPlugin = fp(async (app: FastifyInstance, { ctx }: { ctx: AppContext }) => {
  app.decorateRequest('principal', null);
  // A callback hook: a request without a session cookie (or on an in-statement route) costs no promise.
  app.addHook('onRequest', (req, _reply, done) => {
    const token = req.cookies[SESSION_COOKIE];
    if (!SAFE_METHODS.has(req.method) && token) rejectCrossSite(req);
    if (!token || req.routeOptions.config?.session === 'in-statement' || !req.url.startsWith('/api/')) return done();
    loadPrincipal(ctx.db, token).then((p) => {
      req.principal = p;
      done();
    }, done);
  });
});

/**
 * For a route with `config: { session: 'in-statement' }`: the cookie's subscriber session, to be
 * checked by the use case's first statement (loadQuoteFacts' `ownerSession`) with the same answers
 * as requireSubscriber: 401 without a live subscriber session, 403 before the real-name step.
 */
export function subscriberSession(req: FastifyRequest): OwnerSession {
  const token = req.cookies[SESSION_COOKIE];
  if (!token) throw signInFirst();
  return {
    hash: hashToken(token),
    admit: (s) => admitSubscriber(s),
    load: async (db) => {
      const p = await loadPrincipal(db, token);
      return p?.kind === 'subscriber' ? p : null;
    },
  };
}

const signInFirst = () => new AppError('unauthenticated', 'Sign in with your phone number first.');

function admitSubscriber(s: SessionOwner | null, opts: { realName?: boolean } = {}): void {
  if (!s) throw signInFirst();
  if (opts.realName !== false && !s.realNameVerified) {
    throw new AppError('real_name_required', 'Confirm your identity (the last 6 characters of your ID document) first.');
  }
}

/**
 * The session cookie is SameSite=Lax, so browsers do not send it on cross-site POSTs; on top of
 * that, a cookie-bearing write whose Origin (or Sec-Fetch-Site) says it came from another site is refused.
 * `Origin: null` is refused too: browsers send it from sandboxed frames, data: and file: pages and
 * after cross-origin redirects, none of which is this app.
 */
function rejectCrossSite(req: FastifyRequest): void {
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site') throw new AppError('csrf_rejected', 'Cross-site requests cannot change anything here.');
  const origin = req.headers.origin;
  if (origin === 'null') throw new AppError('csrf_rejected', 'Requests from an opaque origin (Origin: null) cannot change anything here.');
  if (origin) {
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      throw new AppError('csrf_rejected', 'The Origin header is not a valid URL.');
    }
    // req.host honours X-Forwarded-Host from a trusted proxy, so a same-site POST behind one passes.
    if (host !== req.host) throw new AppError('csrf_rejected', 'Cross-site requests cannot change anything here.');
  }
}

export function requireSubscriber(req: FastifyRequest, opts: { realName?: boolean } = { realName: true }) {
  const p = req.principal;
  admitSubscriber(p?.kind === 'subscriber' ? p : null, opts);
  return p as Extract<Principal, { kind: 'subscriber' }>;
}

export function requireStaff(req: FastifyRequest, roles: StaffRole[]) {
  const p = req.principal;
  if (!p || p.kind !== 'staff') throw new AppError('unauthenticated', 'Staff sign-in required.');
  if (!roles.includes(p.role)) throw new AppError('forbidden', `This needs one of the roles: ${roles.join(', ')}.`);
  return p;
}

export function setSessionCookie(reply: FastifyReply, token: string, minutes: number, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', path: '/', secure, maxAge: minutes * 60 });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/**
 * The client's address: the TCP peer's, or the one a proxy listed in ZHUXIAO_TRUSTED_PROXIES forwards
 * (Fastify's trustProxy; X-Forwarded-For from anyone else is ignored).
 */
export function clientIp(req: FastifyRequest): string {
  return req.ip;
}
