// Machine clients in tests: register one straight through the use case, and get an access token
// from the real token endpoint (client_secret_basic, form-urlencoded), as a BSS would.
import type { AppContext } from '../../src/context.ts';
import { createClient } from '../../src/identity/machine-clients/create-client.ts';

export async function createMachineClient(
  ctx: AppContext,
  opts: { scopes: string[]; mvnoCode?: string | null; companyId?: string | null; name?: string },
): Promise<{ clientId: string; clientSecret: string }> {
  return createClient(ctx, { name: opts.name ?? `test client ${opts.scopes.join(' ')}`, scopes: opts.scopes, mvnoCode: opts.mvnoCode, companyId: opts.companyId }, { kind: 'system', id: null });
}

/** POST {baseUrl}/oauth/token; throws with the RFC 6749 error body when the server refuses. */
export async function fetchToken(baseUrl: string, clientId: string, clientSecret: string, scope?: string): Promise<string> {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (scope !== undefined) form.set('scope', scope);
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
  const res = await fetch(`${baseUrl.replace(/\/$/, '')}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  const body = (await res.json()) as { access_token?: string; error?: string; error_description?: string };
  if (!res.ok || !body.access_token) throw new Error(`token request failed (${res.status}): ${body.error ?? ''} ${body.error_description ?? ''}`);
  return body.access_token;
}
