// The client-credentials grant (RFC 6749 §4.4): a client id and secret become a short-lived ES256
// JWT carrying the client's scopes (or the subset it asked for). Unknown clients cost the same
// argon2 verification as known ones, so timing does not tell which ids exist.
import crypto from 'node:crypto';
import argon2 from 'argon2';
import { SignJWT } from 'jose';
import type { AppContext } from '../../context.ts';
import { appendAudit } from '../../audit/append-audit.ts';
import { clientKey, hitRateLimits } from '../rate-limit.ts';
import { activeAccessTokenKey, TOKEN_ALG } from './access-token-keys.ts';
import { OAuthError } from './oauth-error.ts';
import { grantScopes } from './scopes.ts';

/** Access tokens live ten minutes; a client asks for a new one when its token expires. */
export const ACCESS_TOKEN_SECONDS = 600;
export const TOKEN_AUDIENCE = 'zhuxiao-api';

/** Client secrets are random 32 bytes, so OWASP's minimum argon2id cost is plenty. */
export const SECRET_HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
let dummyHash: Promise<string> | undefined;
const dummy = () => (dummyHash ??= argon2.hash('no such client', SECRET_HASH_OPTIONS));

export interface TokenRequest { grantType: string | undefined; clientId: string | undefined; clientSecret: string | undefined; scope: string | undefined; ip?: string }
export interface TokenResponse { access_token: string; token_type: 'Bearer'; expires_in: number; scope: string }

/**
 * Token requests per client address and minute. A client needs one token per ten minutes; each
 * request costs an argon2 verification (19 MiB, tens of ms of CPU), so a flood from one address is
 * cut off before it can exhaust the server's memory or CPU.
 */
export const TOKEN_REQUESTS_PER_MINUTE = 60;

export async function issueAccessToken(ctx: AppContext, req: TokenRequest): Promise<TokenResponse> {
  if (req.grantType === undefined) throw new OAuthError('invalid_request', 'grant_type is missing; this endpoint takes grant_type=client_credentials.');
  if (req.grantType !== 'client_credentials') throw new OAuthError('unsupported_grant_type', `grant_type "${req.grantType}" is not supported; use client_credentials.`);
  if (!req.clientId || !req.clientSecret) throw new OAuthError('invalid_client', 'Client authentication failed: send client_id and client_secret (HTTP Basic or in the body).');

  if (req.ip) {
    await hitRateLimits(ctx.db, [{ bucket: `oauth-token:${clientKey(req.ip)}`, max: TOKEN_REQUESTS_PER_MINUTE, windowSeconds: 60, message: 'Too many token requests from this address; wait a minute. A token is valid for ten minutes: reuse it.' }], ctx.now());
  }
  const client = await ctx.db.selectFrom('machine_clients').selectAll().where('client_id', '=', req.clientId).executeTakeFirst();
  const ok = await argon2.verify(client?.secret_hash ?? await dummy(), req.clientSecret).catch(() => false);
  if (!client || !ok || client.revoked_at) throw new OAuthError('invalid_client', 'Client authentication failed: unknown client, wrong secret, or a revoked client.');

  const granted = grantScopes(client.scopes, req.scope);
  if (!granted.ok) throw new OAuthError('invalid_scope', `This client does not hold the scope(s): ${granted.unknown.join(' ')}.`);

  const key = await activeAccessTokenKey(ctx);
  const now = Math.floor(ctx.now().getTime() / 1000);
  const scope = granted.scopes.join(' ');
  const token = await new SignJWT({ scope })
    .setProtectedHeader({ alg: TOKEN_ALG, kid: key.keyId, typ: 'at+jwt' })
    .setIssuer(ctx.config.publicBaseUrl)
    .setAudience(TOKEN_AUDIENCE)
    .setSubject(client.client_id)
    .setIssuedAt(now)
    .setExpirationTime(now + ACCESS_TOKEN_SECONDS)
    .setJti(crypto.randomUUID())
    .sign(key.privateKey);
  await appendAudit(ctx.db, { actorKind: 'client', actorId: client.client_id, action: 'client.token_issued', details: { scope }, ip: req.ip ?? null });
  return { access_token: token, token_type: 'Bearer', expires_in: ACCESS_TOKEN_SECONDS, scope };
}
