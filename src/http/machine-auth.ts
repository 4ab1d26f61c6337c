// Machine clients on HTTP: `requireScope(ctx, scope)` is the preHandler of every route a machine
// calls (TMF622/637, hub, partner answers, fleet, CAMARA). It verifies the Bearer access token
// (/oauth/token), checks the scope, sets request.machineClient and audits the call (actorKind
// 'client'). No or a bad token: 401 `unauthenticated` with a WWW-Authenticate challenge (RFC 6750);
// a token without the scope: 403 `permission_denied`.
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { AppContext } from '../context.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { AppError } from '../shared/errors.ts';
import { verifyAccessToken } from '../identity/machine-clients/verify-access-token.ts';

export interface MachineClient { clientId: string; name: string; scopes: string[]; mvnoCode: string | null; companyId: string | null }

declare module 'fastify' {
  interface FastifyRequest {
    machineClient?: MachineClient;
  }
}

const REALM = 'zhuxiao';

/** The Bearer token of the Authorization header, or undefined. */
export function bearerToken(req: FastifyRequest): string | undefined {
  return /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(String(req.headers.authorization ?? ''))?.[1];
}

function challenge(reply: FastifyReply, error: string | null, description: string, scope?: string): void {
  const params = [`realm="${REALM}"`];
  if (error) params.push(`error="${error}"`, `error_description="${description.replace(/["\\]/g, '')}"`);
  if (scope) params.push(`scope="${scope}"`);
  reply.header('www-authenticate', `Bearer ${params.join(', ')}`);
}

export function requireScope(ctx: AppContext, scope: string): preHandlerAsyncHookHandler {
  return async function machineAuth(req: FastifyRequest, reply: FastifyReply) {
    const token = bearerToken(req);
    if (!token) {
      challenge(reply, null, '', scope);
      throw new AppError('unauthenticated', 'This API needs an OAuth 2.0 access token: Authorization: Bearer <token> from POST /oauth/token.');
    }
    const verified = await verifyAccessToken(ctx, token);
    if (!verified.ok) {
      challenge(reply, 'invalid_token', verified.reason);
      throw new AppError('unauthenticated', verified.reason);
    }
    const client = verified.client;
    if (!client.scopes.includes(scope)) {
      challenge(reply, 'insufficient_scope', `This call needs the scope ${scope}.`, scope);
      throw new AppError('permission_denied', `This call needs the scope ${scope}; the token has: ${client.scopes.join(' ') || 'none'}.`, { requiredScope: scope });
    }
    req.machineClient = client;
    await appendAudit(ctx.db, {
      actorKind: 'client', actorId: client.clientId, action: 'client.call',
      details: { method: req.method, route: req.routeOptions.url ?? null, scope }, ip: req.ip,
    });
  };
}
