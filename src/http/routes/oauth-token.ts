// POST /oauth/token: the OAuth 2.0 client-credentials grant (RFC 6749 §4.4) for machine clients.
// The client authenticates with HTTP Basic (client_secret_basic) or client_id/client_secret in the
// body (client_secret_post), never both; the body is form-urlencoded as the RFC says, JSON is
// accepted too. Errors are RFC 6749 §5.2 bodies, `{ error, error_description }`.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.ts';
import { issueAccessToken, ACCESS_TOKEN_SECONDS } from '../../identity/machine-clients/issue-access-token.ts';
import { OAuthError } from '../../identity/machine-clients/oauth-error.ts';
import { AppError } from '../../shared/errors.ts';

const FORM = 'application/x-www-form-urlencoded';
const Field = (description: string) => Type.Optional(Type.String({ maxLength: 512, description }));
const TokenBody = Type.Object({
  grant_type: Field('client_credentials'),
  client_id: Field('client_secret_post: the client id (or use HTTP Basic)'),
  client_secret: Field('client_secret_post: the client secret (or use HTTP Basic)'),
  scope: Field('space-delimited scopes, a subset of the client\'s; all of them when absent'),
// RFC 6749 §3.2: parameters the server does not know are ignored (bounded, each at most once).
}, { additionalProperties: Type.String({ maxLength: 512 }), maxProperties: 16, examples: [{ grant_type: 'client_credentials', scope: 'tmf622:write tmf622:read' }] });
type TokenBody = { grant_type?: string; client_id?: string; client_secret?: string; scope?: string };
const OAuthErrorBody = Type.Object({ error: Type.String(), error_description: Type.String() }, { $id: 'OAuthError' });

/** RFC 6749 §2.3.1: Basic credentials are the form-urlencoded id and secret. */
function basicCredentials(req: FastifyRequest): { id: string; secret: string } | null | 'malformed' {
  const header = String(req.headers.authorization ?? '');
  if (!header) return null;
  const m = /^Basic\s+([A-Za-z0-9+/]+=*)\s*$/i.exec(header);
  if (!m) return 'malformed';
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  try {
    const dec = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { id: dec(decoded.slice(0, colon)), secret: dec(decoded.slice(colon + 1)) };
  } catch {
    return 'malformed';
  }
}

function sendOAuthError(reply: FastifyReply, e: OAuthError, status = e.status) {
  if (e.error === 'invalid_client') reply.header('www-authenticate', 'Basic realm="zhuxiao", charset="UTF-8"');
  return reply.status(status).header('cache-control', 'no-store').header('pragma', 'no-cache').send(e.body());
}

export async function oauthTokenRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // Whatever goes wrong before the handler (a body that does not parse, a content type not taken, a
  // cross-site form post) is answered in RFC 6749's shape too.
  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    if (err instanceof AppError) {
      const retryAfter = err.details?.retryAfterSeconds;
      if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
      return sendOAuthError(reply, new OAuthError(err.code === 'unauthenticated' ? 'invalid_client' : 'invalid_request', err.message), err.status);
    }
    const status = (err as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) return sendOAuthError(reply, new OAuthError('invalid_request', err.message), status);
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).header('cache-control', 'no-store').send({ error: 'server_error', error_description: 'Something went wrong on our side; try again.' });
  });
  // Form bodies: each parameter at most once (RFC 6749 §3.2); a repeated one is kept as a list and refused below.
  app.addContentTypeParser(FORM, { parseAs: 'string' }, (_req, body, done) => {
    const params = new URLSearchParams(body as string);
    const out: Record<string, string | string[]> = {};
    for (const key of new Set(params.keys())) {
      const all = params.getAll(key);
      out[key] = all.length === 1 ? all[0] : all;
    }
    done(null, out);
  });

  app.post('/oauth/token', {
    attachValidation: true,
    schema: {
      tags: ['machine clients'],
      summary: 'Get an access token for a machine client (OAuth 2.0 client credentials, RFC 6749 §4.4)',
      description: `Authenticate with HTTP Basic (client_secret_basic) or client_id and client_secret in the body (client_secret_post). The body is ${FORM} (JSON is accepted too). The token is an ES256 JWT valid for ${ACCESS_TOKEN_SECONDS / 60} minutes; send it as \`Authorization: Bearer <token>\`.`,
      security: [{ clientBasic: [] }],
      consumes: [FORM, 'application/json'],
      body: TokenBody,
      response: {
        200: Type.Object({
          access_token: Type.String(), token_type: Type.Literal('Bearer'), expires_in: Type.Integer(), scope: Type.String(),
        }, { examples: [{ access_token: 'eyJhbGciOiJFUzI1NiIsImtpZCI6ImF0LTFhMmIzYyIsInR5cCI6ImF0K2p3dCJ9…', token_type: 'Bearer', expires_in: ACCESS_TOKEN_SECONDS, scope: 'tmf622:write tmf622:read' }] }),
        400: OAuthErrorBody, 401: OAuthErrorBody, 429: OAuthErrorBody,
      },
    },
  }, async (req, reply) => {
    try {
      if (req.validationError) throw new OAuthError('invalid_request', `The token request is malformed: ${req.validationError.message}.`);
      const body = (req.body ?? {}) as TokenBody;
      const basic = basicCredentials(req);
      if (basic === 'malformed') throw new OAuthError('invalid_client', 'The Authorization header is not valid HTTP Basic credentials.');
      if (basic && (body.client_id !== undefined || body.client_secret !== undefined)) {
        throw new OAuthError('invalid_request', 'Use one way to authenticate the client: HTTP Basic or client_id/client_secret in the body, not both.');
      }
      const token = await issueAccessToken(ctx, {
        grantType: body.grant_type, clientId: basic ? basic.id : body.client_id, clientSecret: basic ? basic.secret : body.client_secret, scope: body.scope, ip: req.ip,
      });
      return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(token);
    } catch (e) {
      if (e instanceof OAuthError) return sendOAuthError(reply, e);
      throw e;
    }
  });
}
