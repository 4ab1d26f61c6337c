// The input rules every route obeys, applied from one place (`registerInputRules`, called by buildApp
// before any route is declared) instead of route by route:
//
// 1. Text: a string in the path, the query, a header or the body that holds U+0000 or a lone UTF-16
//    surrogate, a URL whose percent-escapes are not UTF-8, or a JSON/text body whose bytes are not
//    UTF-8, is refused with 400 `validation_failed` before validation, so it never reaches the database.
// 2. Numbers: every integer or number in a route's params, querystring, headers or body schema gets
//    bounds when it has none (integers: PostgreSQL `integer`, numbers: ±Number.MAX_SAFE_INTEGER); a
//    schema that needs more (a bigint column) states its own. Ajv skips range checks on a number it
//    made by coercion from text, so `?limit=1e309` would arrive as Infinity: any non-finite number left
//    after validation is refused with 400 too.
// 3. Bodies: every object in a body schema forbids unknown fields unless the schema says otherwise
//    (`additionalProperties` set, `patternProperties`, or a member of an `allOf`). The OpenAPI document
//    shows the hardened schemas, so it documents the rule.
//
// `frameworkErrors` gives the errors Fastify raises before routing (a malformed URL, an overlong path
// parameter) the one error shape, `{ error: { code, message } }`; `clientErrorHandler` does the same
// for requests Node's HTTP parser refuses (a NUL in a header, headers too large).
import { isUtf8 } from 'node:buffer';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { AppError } from '../shared/errors.ts';

export const INTEGER_BOUNDS = { minimum: -2_147_483_648, maximum: 2_147_483_647 } as const;
export const NUMBER_BOUNDS = { minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER } as const;

type Schema = Record<string, unknown>;
const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A copy of the schema keeping its non-enumerable TypeBox markers, so the original (often shared) is untouched. */
function copy(s: Schema): Schema {
  return Object.defineProperties({}, Object.getOwnPropertyDescriptors(s)) as Schema;
}

function typesOf(s: Schema): string[] {
  return Array.isArray(s.type) ? (s.type as string[]) : typeof s.type === 'string' ? [s.type] : [];
}

/**
 * The schema with the number bounds (everywhere) and, for a body, `additionalProperties: false` on
 * each object that does not say otherwise. Subschemas under `not`, `if`/`then`/`else` are left alone:
 * a bound there would change what they mean.
 */
export function hardenSchema(schema: unknown, opts: { body: boolean }, inAllOf = false): unknown {
  if (!isSchema(schema)) return schema;
  const s = copy(schema);
  const types = typesOf(s);
  if (types.includes('integer') || types.includes('number')) {
    const bounds = types.includes('number') ? NUMBER_BOUNDS : INTEGER_BOUNDS;
    if (s.minimum === undefined && s.exclusiveMinimum === undefined) s.minimum = bounds.minimum;
    if (s.maximum === undefined && s.exclusiveMaximum === undefined) s.maximum = bounds.maximum;
  }
  const isObject = types.includes('object') || (types.length === 0 && isSchema(s.properties));
  if (opts.body && isObject && !inAllOf && s.additionalProperties === undefined && s.patternProperties === undefined
    && s.unevaluatedProperties === undefined && s.allOf === undefined) {
    s.additionalProperties = false;
  }
  for (const key of ['properties', 'patternProperties'] as const) {
    if (isSchema(s[key])) {
      s[key] = Object.fromEntries(Object.entries(s[key] as Schema).map(([k, v]) => [k, hardenSchema(v, opts)]));
    }
  }
  if (isSchema(s.additionalProperties)) s.additionalProperties = hardenSchema(s.additionalProperties, opts);
  if (isSchema(s.items)) s.items = hardenSchema(s.items, opts);
  else if (Array.isArray(s.items)) s.items = s.items.map((v) => hardenSchema(v, opts));
  if (Array.isArray(s.prefixItems)) s.prefixItems = s.prefixItems.map((v) => hardenSchema(v, opts));
  for (const key of ['anyOf', 'oneOf'] as const) {
    if (Array.isArray(s[key])) s[key] = (s[key] as unknown[]).map((v) => hardenSchema(v, opts));
  }
  if (Array.isArray(s.allOf)) s.allOf = s.allOf.map((v) => hardenSchema(v, opts, true));
  return s;
}

const hasLoneSurrogate = (s: string) => !(s as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Where in the value the first string holding NUL or a lone surrogate is, and what is wrong with it. */
export function findBadText(value: unknown, root: string): { at: string; problem: string } | null {
  return walk(value, root, (v) => {
    if (typeof v !== 'string') return null;
    if (v.includes('\u0000')) return 'contains a NUL character (U+0000)';
    if (hasLoneSurrogate(v)) return 'is not valid UTF-8 (lone surrogate)';
    return null;
  });
}

/** Where in the value the first number that is not finite (Infinity from `1e309`) is. */
export function findNonFinite(value: unknown, root: string): { at: string; problem: string } | null {
  return walk(value, root, (v) => (typeof v === 'number' && !Number.isFinite(v) ? 'is not a finite number' : null));
}

/**
 * The common case without allocations: an object whose values are all strings, numbers, booleans or
 * absent (headers, a query string, path parameters, most small bodies), checked key by key. `false`
 * when a value is an object or an array: walk() then takes the whole value, as before.
 */
function flatCheck(value: object, root: string, bad: (v: unknown) => string | null): { at: string; problem: string } | null | false {
  for (const k in value) {
    if (!Object.hasOwn(value, k)) continue;
    const item = (value as Record<string, unknown>)[k];
    if (typeof item === 'object' && item !== null) return false;
    const keyProblem = bad(k);
    if (keyProblem) return { at: `${root} (a field name)`, problem: keyProblem };
    const problem = bad(item);
    if (problem) return { at: `${root}/${k}`, problem };
  }
  return null;
}

/**
 * Depth-first over objects and arrays (keys included) without recursion, so deep nesting cannot
 * overflow the stack; each object once, so a body a plugin built with cycles cannot loop.
 */
function walk(value: unknown, root: string, bad: (v: unknown) => string | null): { at: string; problem: string } | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value) && !ArrayBuffer.isView(value)) {
    const flat = flatCheck(value, root, bad);
    if (flat !== false) return flat;
  }
  const stack: Array<[unknown, string]> = [[value, root]];
  const seen = new Set<object>();
  while (stack.length) {
    const [v, at] = stack.pop()!;
    const problem = bad(v);
    if (problem) return { at, problem };
    if (typeof v !== 'object' || v === null || Buffer.isBuffer(v) || ArrayBuffer.isView(v) || seen.has(v)) continue;
    seen.add(v);
    if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push([item, `${at}/${i}`]));
      continue;
    }
    for (const [k, item] of Object.entries(v)) {
      const keyProblem = bad(k);
      if (keyProblem) return { at: `${at} (a field name)`, problem: keyProblem };
      stack.push([item, `${at}/${k}`]);
    }
  }
  return null;
}

const refuse = (at: string, problem: string) => new AppError('validation_failed', `Invalid request: ${at} ${problem}.`, { at });

/** The query string's percent-escapes must decode to UTF-8 (the parser would silently keep or replace them). */
function checkRawUrl(url: string): void {
  const q = url.indexOf('?');
  if (q < 0) return;
  try {
    decodeURIComponent(url.slice(q + 1).replace(/\+/g, ' '));
  } catch {
    throw refuse('querystring', 'has a percent-escape that is not valid UTF-8');
  }
}

function utf8BodyParser(decode: (req: FastifyRequest, body: string, done: (err: Error | null, body?: unknown) => void) => void) {
  return (req: FastifyRequest, body: Buffer, done: (err: Error | null, body?: unknown) => void) => {
    if (!isUtf8(body)) return done(refuse('body', 'is not valid UTF-8'));
    decode(req, body.toString('utf8'), done);
  };
}

export function registerInputRules(app: FastifyInstance): void {
  // JSON and text bodies are read as bytes and checked for UTF-8 before decoding (the stock parsers
  // would turn bad bytes into U+FFFD without a word).
  const json = app.getDefaultJsonParser(app.initialConfig.onProtoPoisoning ?? 'error', app.initialConfig.onConstructorPoisoning ?? 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, utf8BodyParser(json));
  app.addContentTypeParser('text/plain', { parseAs: 'buffer' }, utf8BodyParser((_req, body, done) => done(null, body)));

  app.addHook('onRoute', (route: RouteOptions) => {
    const schema = route.schema as Record<string, unknown> | undefined;
    if (!schema) return;
    route.schema = {
      ...schema,
      ...(schema.body ? { body: hardenSchema(schema.body, { body: true }) } : {}),
      ...(schema.querystring ? { querystring: hardenSchema(schema.querystring, { body: false }) } : {}),
      ...(schema.params ? { params: hardenSchema(schema.params, { body: false }) } : {}),
      ...(schema.headers ? { headers: hardenSchema(schema.headers, { body: false }) } : {}),
    };
  });

  // Callback hooks, not async ones: no promise and no microtask per request (a throw is Fastify's error path all the same).
  app.addHook('preValidation', (req, _reply, done) => {
    checkRawUrl(req.raw.url ?? req.url);
    const bad = findBadText(req.params, 'params') ?? findBadText(req.query, 'querystring')
      ?? findBadText(req.headers, 'headers') ?? findBadText(req.body, 'body');
    if (bad) throw refuse(bad.at, bad.problem);
    done();
  });

  app.addHook('preHandler', (req, _reply, done) => {
    const bad = findNonFinite(req.params, 'params') ?? findNonFinite(req.query, 'querystring')
      ?? findNonFinite(req.headers, 'headers') ?? findNonFinite(req.body, 'body');
    if (bad) throw refuse(bad.at, bad.problem);
    done();
  });
}

/** Errors Fastify raises before a route is found (FST_ERR_BAD_URL, FST_ERR_MAX_PARAM_LENGTH, …), in the one error shape. */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
  const code = err.code === 'FST_ERR_BAD_URL' ? 'validation_failed' : 'bad_request';
  const message = err.code === 'FST_ERR_BAD_URL' ? 'Invalid request: the URL has a percent-escape that is not valid UTF-8.' : err.message;
  // The TM Forum APIs answer in TMF630's error shape (src/tmf/tmf-errors.ts), before routing too.
  if (req.url.startsWith('/tmf-api/')) return void reply.status(status).send({ code, reason: message, message, status: String(status), '@type': 'Error' });
  void reply.status(status).send({ error: { code, message } });
}

/** Requests Node's HTTP parser refuses before Fastify sees them, answered in the one error shape. */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
  const [status, reason, code, message] = err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
    ? [408, 'Request Timeout', 'bad_request', 'The request took too long to arrive.']
    : err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'bad_request', 'The request headers are too large.']
      : [400, 'Bad Request', 'bad_request', 'The request is not valid HTTP (for example a control character in a header).'];
  const body = JSON.stringify({ error: { code, message } });
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
