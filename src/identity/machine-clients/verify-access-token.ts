// Checks a Bearer access token: signature (ES256, a key of this deployment), issuer, audience and
// expiry, then that its client still exists and is not revoked. Returns the client with the token's scopes.
import { decodeProtectedHeader, jwtVerify, errors as joseErrors } from 'jose';
import type { AppContext } from '../../context.ts';
import { accessTokenPublicKey, TOKEN_ALG } from './access-token-keys.ts';
import { TOKEN_AUDIENCE } from './issue-access-token.ts';

export interface VerifiedClient { clientId: string; name: string; scopes: string[]; mvnoCode: string | null; companyId: string | null }

export type VerifyResult = { ok: true; client: VerifiedClient } | { ok: false; reason: string };

export async function verifyAccessToken(ctx: AppContext, token: string): Promise<VerifyResult> {
  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch {
    return { ok: false, reason: 'The access token is not a JWT.' };
  }
  const key = kid ? await accessTokenPublicKey(ctx, kid) : null;
  if (!key) return { ok: false, reason: 'The access token was not issued here.' };
  let sub: string | undefined;
  let scope: unknown;
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: [TOKEN_ALG], issuer: ctx.config.publicBaseUrl, audience: TOKEN_AUDIENCE, currentDate: ctx.now(),
    });
    sub = payload.sub;
    scope = payload.scope;
  } catch (e) {
    return { ok: false, reason: e instanceof joseErrors.JWTExpired ? 'The access token has expired; get a new one from /oauth/token.' : 'The access token is not valid.' };
  }
  if (!sub || typeof scope !== 'string') return { ok: false, reason: 'The access token is not valid.' };
  const client = await ctx.db.selectFrom('machine_clients').select(['client_id', 'name', 'mvno_code', 'company_id', 'revoked_at']).where('client_id', '=', sub).executeTakeFirst();
  if (!client || client.revoked_at) return { ok: false, reason: 'The client of this access token has been revoked.' };
  return { ok: true, client: { clientId: client.client_id, name: client.name, scopes: scope.split(' ').filter(Boolean), mvnoCode: client.mvno_code, companyId: client.company_id } };
}
