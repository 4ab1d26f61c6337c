// Machine clients: an admin registers a client (secret shown once), the client gets a short-lived
// ES256 token at /oauth/token (Basic or in the body, form or JSON, narrowed by scope), RFC 6749
// errors for everything wrong, and a revoked client's tokens stop working at once. Every call is audited.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { ApiClient, staffFor } from '../helpers/api.ts';
import { createMachineClient, fetchToken } from '../helpers/machine-client.ts';

let t: TestApp;
let baseUrl = '';

before(async () => {
  t = await startTestApp();
  baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  await t?.close();
  await dropTemplate();
});

const form = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${baseUrl}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString() });
const basic = (id: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` });
const products = (token: string) => fetch(`${baseUrl}/tmf-api/productInventory/v4/product?limit=1`, { headers: { authorization: `Bearer ${token}` } });

test('an admin registers a client, its secret is shown once, and the list never shows it', async () => {
  const admin = await staffFor(t.app, 'admin');
  const created = await admin.post('admin/clients', { name: 'CRM (BSS)', scopes: ['tmf622:write', 'tmf622:read', 'tmf637:read'] });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.headers['cache-control'], 'no-store');
  const { clientId, clientSecret } = created.body;
  assert.ok(clientSecret.length >= 32);
  const list = await admin.get('admin/clients');
  const row = list.body.items.find((c: { clientId: string }) => c.clientId === clientId);
  assert.deepEqual(row.scopes, ['tmf622:write', 'tmf622:read', 'tmf637:read']);
  assert.ok(!JSON.stringify(list.body).includes(clientSecret));
  const stored = await t.ctx.db.selectFrom('machine_clients').select('secret_hash').where('client_id', '=', clientId).executeTakeFirstOrThrow();
  assert.match(stored.secret_hash, /^\$argon2id\$/);
  assert.ok(await fetchToken(baseUrl, clientId, clientSecret));

  const reviewer = await staffFor(t.app, 'reviewer');
  assert.equal((await reviewer.get('admin/clients')).status, 403);
  assert.equal((await new ApiClient(t.app).get('admin/clients')).status, 401);
  const badScope = await admin.post('admin/clients', { name: 'x', scopes: ['everything'] });
  assert.equal(badScope.status, 400);
});

test('tokens: client_secret_basic and client_secret_post, form and JSON; a short-lived ES256 JWT with the client\'s scopes', async () => {
  const c = await createMachineClient(t.ctx, { scopes: ['tmf622:read', 'tmf637:read'], mvnoCode: null });
  const viaBasic = await form({ grant_type: 'client_credentials' }, basic(c.clientId, c.clientSecret));
  assert.equal(viaBasic.status, 200);
  assert.equal(viaBasic.headers.get('cache-control'), 'no-store');
  const body = await viaBasic.json() as { access_token: string; token_type: string; expires_in: number; scope: string };
  assert.equal(body.token_type, 'Bearer');
  assert.ok(body.expires_in >= 300 && body.expires_in <= 900);
  assert.equal(body.scope, 'tmf622:read tmf637:read');
  assert.equal(decodeProtectedHeader(body.access_token).alg, 'ES256');
  const claims = decodeJwt(body.access_token);
  assert.equal(claims.sub, c.clientId);
  assert.equal(claims.exp! - claims.iat!, body.expires_in);

  const viaPost = await form({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret, audience: 'ignored, as RFC 6749 says' });
  assert.equal(viaPost.status, 200);
  const viaJson = await fetch(`${baseUrl}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret, scope: 'tmf637:read' }) });
  assert.equal(viaJson.status, 200);
  const narrowed = await viaJson.json() as { access_token: string; scope: string };
  assert.equal(narrowed.scope, 'tmf637:read');
  assert.equal((await products(narrowed.access_token)).status, 200);
  const orders = await fetch(`${baseUrl}/tmf-api/productOrderingManagement/v4/productOrder`, { headers: { authorization: `Bearer ${narrowed.access_token}` } });
  assert.equal(orders.status, 403, 'the narrowed token lacks tmf622:read');
  assert.match(orders.headers.get('www-authenticate') ?? '', /insufficient_scope/);
});

test('token errors are RFC 6749 bodies with the right status', async () => {
  const c = await createMachineClient(t.ctx, { scopes: ['tmf637:read'] });
  const cases: Array<[string, Promise<Response>, number, string]> = [
    ['wrong secret', form({ grant_type: 'client_credentials' }, basic(c.clientId, 'not-the-secret')), 401, 'invalid_client'],
    ['unknown client', form({ grant_type: 'client_credentials', client_id: 'zxc_nobody', client_secret: 'x' }), 401, 'invalid_client'],
    ['no credentials', form({ grant_type: 'client_credentials' }), 401, 'invalid_client'],
    ['no grant_type', form({}, basic(c.clientId, c.clientSecret)), 400, 'invalid_request'],
    ['password grant', form({ grant_type: 'password' }, basic(c.clientId, c.clientSecret)), 400, 'unsupported_grant_type'],
    ['scope the client lacks', form({ grant_type: 'client_credentials', scope: 'tmf622:write' }, basic(c.clientId, c.clientSecret)), 400, 'invalid_scope'],
    ['two ways to authenticate', form({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret }, basic(c.clientId, c.clientSecret)), 400, 'invalid_request'],
    ['a parameter twice', fetch(`${baseUrl}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...basic(c.clientId, c.clientSecret) }, body: 'grant_type=client_credentials&grant_type=client_credentials' }), 400, 'invalid_request'],
  ];
  for (const [name, res, status, error] of cases) {
    const r = await res;
    const b = await r.json() as { error: string; error_description: string };
    assert.equal(r.status, status, `${name}: ${JSON.stringify(b)}`);
    assert.equal(b.error, error, name);
    assert.equal(typeof b.error_description, 'string', name);
    if (status === 401) assert.match(r.headers.get('www-authenticate') ?? '', /^Basic /, name);
  }
});

test('bearer errors: no token, a forged or expired token are 401 with a challenge; a revoked client\'s token stops working at once', async () => {
  const c = await createMachineClient(t.ctx, { scopes: ['tmf637:read'] });
  const token = await fetchToken(baseUrl, c.clientId, c.clientSecret);
  assert.equal((await products(token)).status, 200);

  const none = await fetch(`${baseUrl}/tmf-api/productInventory/v4/product`);
  assert.equal(none.status, 401);
  assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer realm=/);
  const [h, p] = token.split('.');
  const forged = await products(`${h}.${p}.${'A'.repeat(86)}`);
  assert.equal(forged.status, 401);
  assert.match(forged.headers.get('www-authenticate') ?? '', /invalid_token/);
  assert.equal(((await forged.json()) as { code: string }).code, 'unauthenticated');

  const realNow = t.ctx.now;
  t.ctx.now = () => new Date(realNow().getTime() + 16 * 60_000);
  try {
    assert.equal((await products(token)).status, 401, 'a token is dead after at most 15 minutes');
  } finally {
    t.ctx.now = realNow;
  }

  const admin = await staffFor(t.app, 'admin');
  const revoked = await admin.post(`admin/clients/${c.clientId}/revoke`);
  assert.equal(revoked.status, 200);
  assert.equal((await products(token)).status, 401);
  const again = await form({ grant_type: 'client_credentials' }, basic(c.clientId, c.clientSecret));
  assert.equal(again.status, 401);
  assert.equal(((await again.json()) as { error: string }).error, 'invalid_client');
  assert.equal((await admin.post('admin/clients/zxc_nobody/revoke')).status, 404);
});

test('every call by a client is audited with actorKind client', async () => {
  const c = await createMachineClient(t.ctx, { scopes: ['tmf637:read'] });
  const token = await fetchToken(baseUrl, c.clientId, c.clientSecret);
  await products(token);
  const rows = await t.ctx.db.selectFrom('audit_log').select(['actor_kind', 'action', 'details']).where('actor_id', '=', c.clientId).orderBy('seq').execute();
  assert.deepEqual(rows.map((r) => [r.actor_kind, r.action]), [['client', 'client.token_issued'], ['client', 'client.call']]);
  assert.equal((rows[1].details as { route: string }).route, '/tmf-api/productInventory/v4/product');
});

test('token requests are limited per client address: the 61st in a minute is 429 with Retry-After, other addresses go on', async () => {
  const c = await createMachineClient(t.ctx, { scopes: ['tmf637:read'] });
  const { TOKEN_REQUESTS_PER_MINUTE } = await import('../../src/identity/machine-clients/issue-access-token.ts');
  const port = Number(new URL(baseUrl).port);
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: 'not the secret' }).toString();
  // From another loopback address (its own TCP peer address), so the rest of this file is not affected.
  const fromOtherAddress = () => new Promise<{ status: number; retryAfter?: string; body: any }>((resolve, reject) => {
    const r = http.request({ host: '127.0.0.1', port, path: '/oauth/token', method: 'POST', localAddress: '127.0.0.7', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined, body: JSON.parse(text) }));
    });
    r.on('error', reject);
    r.end(body);
  });
  for (let i = 0; i < TOKEN_REQUESTS_PER_MINUTE; i++) assert.equal((await fromOtherAddress()).status, 401, `attempt ${i + 1}: a wrong secret`);
  const limited = await fromOtherAddress();
  assert.equal(limited.status, 429);
  assert.ok(Number(limited.retryAfter) >= 1, 'Retry-After says when to come back');
  assert.equal(typeof limited.body.error, 'string', 'an RFC 6749 error body');
  assert.ok(await fetchToken(baseUrl, c.clientId, c.clientSecret), 'another address still gets its token');
});
