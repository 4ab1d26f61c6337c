// The TMF630 hub `query` of a listener (e.g. `eventType=ProductOrderStateChangeEvent` or
// `eventType=ProductOrderCreateEvent,ProductOrderStateChangeEvent&event.productOrder.state=completed`):
// pure parsing and matching, no I/O. `eventType` names event types; any other key is a dotted path
// into the event envelope, compared as text with any of its comma-separated values. An empty query
// matches every event.

export type HubQuery = Array<{ path: string; values: string[] }>;

export const MAX_QUERY_LENGTH = 500;

/** Parses a hub query; throws an Error with a readable message for a malformed one. */
export function parseHubQuery(query: string | null | undefined): HubQuery {
  const text = (query ?? '').trim().replace(/^\?/, '');
  if (!text) return [];
  if (text.length > MAX_QUERY_LENGTH) throw new Error(`The query is longer than ${MAX_QUERY_LENGTH} characters.`);
  return text.split('&').filter(Boolean).map((part) => {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`"${part}" is not key=value.`);
    const path = decodeURIComponent(part.slice(0, eq)).trim();
    if (!/^[A-Za-z@][A-Za-z0-9@_]*(\.[A-Za-z@][A-Za-z0-9@_]*)*$/.test(path)) throw new Error(`"${path}" is not an attribute name.`);
    const values = decodeURIComponent(part.slice(eq + 1)).split(',').map((v) => v.trim()).filter(Boolean);
    if (values.length === 0) throw new Error(`"${path}" has no value.`);
    return { path, values };
  });
}

function at(envelope: unknown, path: string): unknown {
  let v: unknown = envelope;
  for (const key of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** Whether an event envelope (with `eventType`) matches every condition of the query. */
export function matchesHubQuery(query: HubQuery, envelope: { eventType: string } & Record<string, unknown>): boolean {
  return query.every(({ path, values }) => {
    const v = at(envelope, path);
    return (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && values.includes(String(v));
  });
}
