/**
 * Canonical JSON, the one serialisation everything that is hashed or signed goes through (audit
 * leaves, quote versions, idempotency request hashes, certificate facts and payloads, the
 * transparency log, store agreements, fleet manifests): object keys sorted by UTF-16 code units (as
 * RFC 8785 does), no whitespace. For the values used here (strings, safe integers, booleans, null,
 * arrays, plain objects) this is the RFC 8785 (JCS) serialisation.
 *
 * As JSON.stringify does, an undefined property is left out and an undefined array item is null; a
 * value that is undefined as a whole is `null` (a request without a body). What JSON cannot carry
 * faithfully is refused rather than written as something else: a non-finite number (JSON.stringify
 * would write null) or an object that is not plain (a Date would be written `{}`).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value === undefined ? null : sortKeys(value, '$'));
}

function sortKeys(value: unknown, path: string): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${path}: non-finite number cannot be canonicalised`);
    return value;
  }
  if (Array.isArray(value)) return value.map((item, i) => (item === undefined ? null : sortKeys(item, `${path}[${i}]`)));
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw new TypeError(`${path}: only plain objects can be canonicalised`);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item === undefined) continue;
      out[key] = sortKeys(item, `${path}.${key}`);
    }
    return out;
  }
  throw new TypeError(`${path}: ${typeof value} cannot be canonicalised`);
}
