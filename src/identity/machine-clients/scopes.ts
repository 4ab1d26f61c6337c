// The scopes a machine client can hold (pure). A client's tokens carry its scopes or, when it asks
// for fewer (`scope` on the token request), that subset.
export const MACHINE_SCOPES = [
  'tmf622:write', 'tmf622:read', 'tmf637:read', 'tmf-hub:write',
  'partner:answer', 'number-recycling:check', 'fleet:write', 'fleet:read',
] as const;
export type MachineScope = (typeof MACHINE_SCOPES)[number];

export const isMachineScope = (s: string): s is MachineScope => (MACHINE_SCOPES as readonly string[]).includes(s);

/** RFC 6749 §3.3: a space-delimited list; empty entries are ignored, duplicates dropped. */
export function parseScopeParam(scope: string): string[] {
  return [...new Set(scope.split(' ').filter(Boolean))];
}

/** The scopes a token gets: all of the client's, or the requested ones if the client holds each of them. */
export function grantScopes(clientScopes: string[], requested: string | undefined): { ok: true; scopes: string[] } | { ok: false; unknown: string[] } {
  if (requested === undefined || requested.trim() === '') return { ok: true, scopes: [...clientScopes] };
  const wanted = parseScopeParam(requested);
  const unknown = wanted.filter((s) => !clientScopes.includes(s));
  return unknown.length ? { ok: false, unknown } : { ok: true, scopes: wanted };
}
