// Property-based fuzzing of the whole API, driven by its own OpenAPI document: every operation, called
// as every kind of caller (anonymous, a real-name verified subscriber, clerk, reviewer, ops, admin),
// with requests built from the operation's parameter and body schemas and mixed with hostile values
// (NUL, lone surrogates, bytes that are not UTF-8, huge and non-finite numbers, negative and empty
// values, very long strings, unknown fields, wrong types, broken JSON, odd content types). Nothing a
// client sends may make the server answer 5xx, and every error answer has the one error shape.
//
// Reproducible: a fixed seed (ZHUXIAO_FUZZ_SEED, default 20260101) and a fixed number of requests per
// operation and caller (ZHUXIAO_FUZZ_RUNS). Every failure is collected and printed with its request.
// While debugging: ZHUXIAO_FUZZ_ONLY=<path fragment> fuzzes only matching operations, and
// ZHUXIAO_FUZZ_VERBOSE=1 (answers per caller), 2 (per operation) or 3 (every request) prints more.
// The first test replays, as explicit cases, the 500s an outside fuzzer once found (it runs before
// the fuzz signs the callers out).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sql } from 'kysely';
import { dropTemplate, startTestApp, type TestApp } from '../helpers/context.ts';
import { ApiClient, demoAccounts, quoteAndSubmit, staffFor, subscriberFor } from '../helpers/api.ts';
import { resetSimulatorControls, SIMULATOR_NAMES } from '../../src/adapters/simulator-control.ts';
import { createMachineClient } from '../helpers/machine-client.ts';
import { MACHINE_SCOPES } from '../../src/identity/machine-clients/scopes.ts';

const SEED = Number(process.env.ZHUXIAO_FUZZ_SEED ?? 20260101);
/** Requests per operation and caller; a caller the operation lets in gets RUNS more. */
const PROBES = 4;
const RUNS = Number(process.env.ZHUXIAO_FUZZ_RUNS ?? 24);
/** Operations that cost far more than the rest per request get RUNS / n (argon2 hashing at full cost, checking the whole audit chain). */
const COSTLY: Record<string, number> = {
  'POST /api/v1/staff/sign-in': 10, 'POST /api/v1/admin/staff': 4, 'POST /api/v1/admin/staff/{id}/reset-password': 4, 'GET /api/v1/ops/audit/verify': 6,
};
// 'client': a machine client holding every scope (Bearer token), for the TMF APIs and the other machine routes.
const ROLES = ['anonymous', 'subscriber', 'clerk', 'reviewer', 'ops', 'admin', 'client'] as const;
type Role = (typeof ROLES)[number];

type Schema = Record<string, any>;
interface Parameter { name: string; in: 'path' | 'query' | 'header' | 'cookie'; required?: boolean; schema: Schema }
interface Operation { method: string; path: string; parameters: Parameter[]; body?: Schema; bodyRequired: boolean }
interface FuzzRequest {
  path: Record<string, unknown>;
  query: Array<[string, unknown]>;
  headers: Record<string, unknown>;
  body: { kind: 'none' } | { kind: 'json'; value: unknown; contentType: string } | { kind: 'raw'; payload: Buffer; contentType?: string };
  forwardedFor: string | null;
}
interface Failure { op: string; role: Role; status: number; why: string; response: string; request: string }

let t: TestApp;
const cookies = new Map<Role, string>();
let clientToken = '';
const pool = {
  uuids: [] as string[], strings: [] as string[], pdfs: [] as Buffer[],
  msisdns: [] as string[], iccids: [] as string[], idNumbers: [] as string[], idLast6: [] as string[],
  stores: [] as string[], serials: [] as string[], brands: [] as string[],
  lineIds: [] as string[], usernames: [] as string[], requestIds: [] as string[], documentIds: [] as string[],
};

before(async () => {
  // Each request comes from its own address (so per-address rate limits do not turn the run into 429s),
  // through a trusted proxy, so a hostile X-Forwarded-For reaches the code that reads the client's address.
  t = await startTestApp({ config: { trustedProxies: ['10.0.0.0/8'] } });
  const accounts = await demoAccounts(t.app);
  const cookieOf = (api: ApiClient) => [...api.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const subscriber = await subscriberFor(t.app, 'multi_line');
  cookies.set('subscriber', cookieOf(subscriber.api));
  // Requests waiting for review, for the review, withdraw and needs-attention operations to act on.
  const submitted = [];
  for (const line of subscriber.who.lines) submitted.push((await quoteAndSubmit(subscriber.api, line.id, line.msisdn)).submit);
  assert.ok(submitted.some((r) => r.status === 201), `no request to fuzz with: ${JSON.stringify(submitted.map((r) => [r.status, r.body]))}`);
  for (const role of ['clerk', 'reviewer', 'ops', 'admin'] as const) cookies.set(role, cookieOf(await staffFor(t.app, role)));
  const machine = await createMachineClient(t.ctx, { scopes: [...MACHINE_SCOPES] });
  const issued = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ grant_type: 'client_credentials', client_id: machine.clientId, client_secret: machine.clientSecret }) });
  clientToken = issued.json().access_token;

  // Real identifiers make some requests reach deep into the use cases instead of stopping at "not found".
  // Staff ids are left out, so the fuzz never disables the accounts it is signed in with.
  const db = t.ctx.db;
  // Requests waiting for review first: approving, rejecting and withdrawing only write for those.
  const requests = await db.selectFrom('cancellation_requests').select('id')
    .orderBy(sql`status = 'pending_review'`, 'desc').orderBy('id').limit(20).execute();
  pool.requestIds = requests.map((r) => r.id);
  pool.documentIds = (await db.selectFrom('store_documents').select('id').orderBy('id').limit(3).execute()).map((r) => r.id);
  const certs = await db.selectFrom('certificates').select(['serial', 'pdf']).orderBy('serial').limit(3).execute();
  const brands = await db.selectFrom('mvno_brands').select('code').orderBy('code').limit(3).execute();
  for (const s of accounts.subscribers) {
    pool.msisdns.push(s.msisdn);
    pool.idNumbers.push(s.idNumber);
    pool.idLast6.push(s.idLast6);
    for (const l of s.lines) {
      pool.uuids.push(l.id);
      pool.lineIds.push(l.id);
      pool.msisdns.push(l.msisdn);
      pool.iccids.push(l.iccid);
    }
  }
  pool.stores = (await db.selectFrom('stores').select('id').orderBy('id').limit(5).execute()).map((r) => r.id);
  pool.brands = brands.map((b) => b.code);
  pool.serials = certs.map((c) => c.serial);
  pool.strings.push(...pool.msisdns, ...pool.iccids, ...pool.idNumbers, ...pool.idLast6, ...pool.stores);
  pool.uuids.push(...requests.map((r) => r.id));
  pool.usernames = accounts.staff.map((s) => s.username);
  pool.strings.push(...pool.usernames, ...SIMULATOR_NAMES, 'cmcc', 'cucc', 'ctcc', 'cbn');
  pool.strings.push(...pool.brands);
  for (const c of certs) {
    pool.strings.push(c.serial, `${c.serial}.pdf`, `${c.serial.toLowerCase()}.pdf`);
    pool.pdfs.push(Buffer.from(c.pdf));
  }
});
after(async () => {
  resetSimulatorControls();
  await t?.close();
  await dropTemplate();
});

// ---------------------------------------------------------------------------------------------------
// Hostile values. A `ZXNUM(…)` marker is written as a bare number literal in JSON and in the URL, a
// `ZXURL(…)` marker as raw text in the URL (percent-escapes that are not UTF-8, a bare `%`).

const NUM = (text: string) => `ZXNUM(${text})`;
const URL_RAW = (text: string) => `ZXURL(${text})`;
const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const hostileString = fc.oneof(
  fc.constantFrom(
    '\u0000', 'a\u0000b', '\ud800', 'x\udfffy', '\udc00\ud800', '', ' ', '\t\r\n', 'x'.repeat(300), 'y'.repeat(10_000),
    '__proto__', 'constructor', 'toString', "'; DROP TABLE staff; --", '%00', '../../../etc/passwd', '🙂🙂', '\u202e\u200b',
    'null', 'NaN', '-0', '１２３', '0x10', URL_RAW('%ff'), URL_RAW('%ED%A0%80'), URL_RAW('%zz'), URL_RAW('%'), URL_RAW('%C0%80'),
  ),
  fc.string({ unit: anyUnit, maxLength: 12 }),
);
const hostileNumber = fc.constantFrom(
  NUM('1e309'), NUM('-1e309'), NUM('99999999999999999999999'), NUM('1e-400'), NUM('-0'),
  -1, 0, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 2 ** 63, 1.5, Number.MAX_VALUE, Number.MIN_VALUE,
);
const wrongType = fc.constantFrom<unknown>(null, true, false, [], {}, [null], { a: 1 }, '1', 'true', [1, 2, 3]);
const hostile: fc.Arbitrary<unknown> = fc.oneof(hostileString, hostileNumber, wrongType, fc.jsonValue({ maxDepth: 2 }));
const UNKNOWN_FIELDS = ['extra', 'role', 'isAdmin', '__proto__', 'constructor', 'a\u0000', '\ud800', ''];

/** Undefined most of the time; once in `n + 1` draws, a value. */
const rarely = <T>(arb: fc.Arbitrary<T>, n: number) => fc.oneof({ weight: n, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
/**
 * Plausible values for a field, by its name: a clean request whose fields look real gets past the use
 * case's own checks, so a hostile value swapped into one field reaches as far as that field can go.
 */
function hintFor(name: string | undefined): fc.Arbitrary<unknown> | undefined {
  const from = (values: string[]) => (values.length ? fc.constantFrom(...values) : undefined);
  switch (name) {
    // Half the time a demo account's: its cheap test hash is quick to check, where an unknown name costs a full argon2 run.
    case 'username': return fc.oneof(fc.constantFrom(...pool.usernames), fc.stringMatching(/^[a-z][a-z0-9._-]{2,30}$/));
    case 'password': return fc.string({ minLength: 10, maxLength: 40 });
    case 'storeId': return from(pool.stores);
    case 'msisdn': case 'to': return from(pool.msisdns);
    case 'iccid': case 'iccidScanned': return from(pool.iccids);
    case 'idNumber': case 'applicantIdNumber': return from(pool.idNumbers);
    case 'idLast6': return from(pool.idLast6);
    case 'q': return from([...pool.msisdns, ...pool.iccids]);
    case 'code': return fc.oneof(fc.stringMatching(/^\d{6}$/), ...(pool.brands.length ? [fc.constantFrom(...pool.brands)] : []));
    case 'name': return fc.constantFrom(...SIMULATOR_NAMES);
    case 'serial': return from(pool.serials);
    case 'file': return from(pool.serials.map((x) => `${x}.pdf`));
    case 'carrier': return fc.constantFrom('cmcc', 'cucc', 'ctcc', 'cbn');
    case 'id': case 'requestId': return from(pool.requestIds);
    case 'lineId': return from(pool.lineIds);
    case 'documentId': return from(pool.documentIds);
    default: return undefined;
  }
}

/**
 * Values for a schema. Clean: what the schema asks for (these get past validation into the use cases);
 * dirty: each value is now and then replaced by something hostile.
 */
function fromSchemaOf(s: Schema | undefined, dirty: boolean, field?: string): fc.Arbitrary<unknown> {
  const mostly = (valid: fc.Arbitrary<unknown>) => (dirty ? fc.oneof({ weight: 5, arbitrary: valid }, { weight: 1, arbitrary: hostile }) : valid);
  const sub = (v: Schema | undefined, name?: string) => fromSchemaOf(v, dirty, name ?? field);
  if (!s || typeof s !== 'object') return fc.jsonValue({ maxDepth: 2 });
  if (s.nullable) {
    const { nullable: _n, ...rest } = s;
    return fc.oneof({ weight: 4, arbitrary: fromSchemaOf(rest, dirty, field) }, { weight: 1, arbitrary: fc.constant(null) });
  }
  if (s.enum) return mostly(fc.constantFrom(...(s.enum as unknown[])));
  if ('const' in s) return mostly(fc.constant(s.const));
  if (s.anyOf || s.oneOf) return fc.oneof(...((s.anyOf ?? s.oneOf) as Schema[]).map((v) => sub(v)));
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string': {
      const hint = hintFor(field);
      if (hint && s.format === 'uuid') return mostly(fc.oneof({ weight: 3, arbitrary: hint }, { weight: 1, arbitrary: fc.uuid() }));
      if (hint && !s.pattern) return mostly(fc.oneof({ weight: 3, arbitrary: hint }, { weight: 1, arbitrary: fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, 64) }) }));
      if (s.format === 'uuid') return mostly(fc.oneof(fc.uuid(), fc.constantFrom(...pool.uuids)));
      if (s.pattern) return mostly(fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length <= (s.maxLength ?? 1000)));
      const minLength = Math.min(s.minLength ?? 0, 64);
      const maxLength = Math.max(minLength, Math.min(s.maxLength ?? 40, 64));
      const known = pool.strings.filter((v) => v.length >= minLength && v.length <= (s.maxLength ?? 1000));
      return mostly(known.length ? fc.oneof(fc.constantFrom(...known), fc.string({ minLength, maxLength })) : fc.string({ minLength, maxLength }));
    }
    case 'integer': {
      const min = Math.max(s.minimum ?? -(2 ** 31), -(2 ** 31));
      const max = Math.min(s.maximum ?? 2 ** 31 - 1, 2 ** 31 - 1);
      return dirty ? mostly(fc.oneof(fc.integer({ min, max }), fc.constantFrom(min - 1, max + 1, String(max)))) : fc.integer({ min, max });
    }
    case 'number': {
      const min = Math.max(s.minimum ?? -1e6, -1e6);
      const max = Math.min(s.maximum ?? 1e6, 1e6);
      return dirty ? mostly(fc.oneof(fc.double({ min, max, noNaN: true }), fc.constantFrom(min - 1, max + 1))) : fc.double({ min, max, noNaN: true });
    }
    case 'boolean':
      return dirty ? mostly(fc.oneof(fc.boolean(), fc.constantFrom('true', 'false', 0, 1))) : fc.boolean();
    case 'null':
      return mostly(fc.constant(null));
    case 'array':
      return mostly(fc.array(sub(s.items), { minLength: Math.min(s.minItems ?? 0, 3), maxLength: Math.min(s.maxItems ?? 3, 3) }));
    case 'object':
    case undefined: {
      if (!s.properties) return type === 'object' ? mostly(fc.dictionary(fc.string({ maxLength: 8 }), hostile, { maxKeys: 3 })) : fc.jsonValue({ maxDepth: 2 });
      const record = fc.record(Object.fromEntries(Object.entries(s.properties as Record<string, Schema>).map(([k, v]) => [k, sub(v, k)])), {
        requiredKeys: (s.required ?? []) as never[],
      });
      if (!dirty) return record;
      const withExtra = fc.tuple(record, rarely(fc.tuple(fc.constantFrom(...UNKNOWN_FIELDS), hostile), 4))
        .map(([o, extra]) => (extra ? Object.assign({}, o, { [extra[0]]: extra[1] }) : o));
      return mostly(withExtra);
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Bodies no schema describes: broken JSON, bytes that are not UTF-8, non-finite numbers, deep nesting, PDFs good and bad. */
function rawBodies(): fc.Arbitrary<FuzzRequest['body']> {
  const raw = (payload: string | Buffer, contentType?: string) => ({ kind: 'raw' as const, payload: Buffer.from(payload), ...(contentType ? { contentType } : {}) });
  const mutatedPdf = pool.pdfs.length
    ? fc.tuple(fc.constantFrom(...pool.pdfs), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('truncate', 'flip', 'append', 'as-is'))
      .map(([pdf, at, byte, how]) => {
        const i = at % pdf.length;
        if (how === 'truncate') return pdf.subarray(0, i);
        if (how === 'append') return Buffer.concat([pdf, Buffer.from(`\n%garbage ${byte}\n`)]);
        if (how === 'flip') return Buffer.concat([pdf.subarray(0, i), Buffer.from([byte]), pdf.subarray(i + 1)]);
        return pdf;
      })
    : fc.constant(Buffer.from('%PDF-1.4\n%%EOF'));
  return fc.oneof(
    fc.constantFrom(
      raw('{', 'application/json'), raw('', 'application/json'), raw('null', 'application/json'), raw('[]', 'application/json'),
      raw('"text"', 'application/json'), raw('1e309', 'application/json'), raw('{"a":1e309,"b":-1e309}', 'application/json'),
      raw(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'application/json'),
      raw(Buffer.from([0x7b, 0x22, 0xc0, 0x80, 0x22, 0x3a, 0x31, 0x7d]), 'application/json'),
      raw('{"__proto__":{"admin":true}}', 'application/json'), raw('{"constructor":{"prototype":{"x":1}}}', 'application/json'),
      raw(`${'['.repeat(5000)}${']'.repeat(5000)}`, 'application/json'), raw(`${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`, 'application/json'),
      raw('a=1&b=2', 'application/x-www-form-urlencoded'), raw('hello\u0000', 'text/plain'), raw(Buffer.from([0xff, 0xfe, 0x00]), 'text/plain'),
      raw('{}', 'application/json; charset=utf-8'), raw('{}', 'APPLICATION/JSON'), raw('{}', 'application/jsonx'), raw('{}', ''),
      raw('--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--', 'multipart/form-data; boundary=x'),
      raw('not a pdf', 'application/pdf'), raw('%PDF-1.4\n%%EOF', 'application/pdf'), raw('{}'),
    ),
    fc.uint8Array({ maxLength: 64 }).map((b) => raw(Buffer.from(b), 'application/json')),
    fc.uint8Array({ maxLength: 256 }).map((b) => raw(Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(b)]), 'application/pdf')),
    mutatedPdf.map((b) => raw(b, 'application/pdf')),
  );
}

const JSON_CONTENT_TYPES = fc.constantFrom('application/json', 'application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain');

/**
 * A request for the operation: valid by its schemas; valid but for one value swapped for a hostile one
 * (the way to reach each field's own handling); or hostile all over.
 */
function requestArb(op: Operation): fc.Arbitrary<FuzzRequest> {
  const clean = requestArbOf(op, false);
  const mutated = fc.tuple(clean, fc.nat(), pointed).map(([r, at, value]) => mutate(r, at, value));
  return fc.oneof({ weight: 2, arbitrary: clean }, { weight: 5, arbitrary: mutated }, { weight: 2, arbitrary: requestArbOf(op, true) });
}

/**
 * Hostile values for a single spot, picked by what the spot holds: a string gets a NUL or a lone
 * surrogate put inside it (so a value that must end in `.pdf` still does) or is replaced; a number
 * becomes a huge, negative or non-finite one; now and then any spot gets a value of the wrong type.
 */
interface Pointed { insert: string; at: number; replace: boolean; forString: unknown; forNumber: unknown; other: unknown; offType: boolean }
const pointed: fc.Arbitrary<Pointed> = fc.record({
  insert: fc.constantFrom('\u0000', '\u0000', '\u0000', '\ud800', '\udfff'),
  at: fc.nat(),
  replace: fc.nat(2).map((n) => n === 0),
  forString: hostileString,
  forNumber: hostileNumber,
  other: fc.oneof(hostileString, hostileNumber, wrongType),
  offType: fc.nat(7).map((n) => n === 0),
});
function pick(p: Pointed, current: unknown): unknown {
  if (p.offType) return p.other;
  if (typeof current === 'number') return p.forNumber;
  if (typeof current !== 'string') return p.other;
  if (p.replace) return p.forString;
  const i = p.at % (current.length + 1);
  return `${current.slice(0, i)}${p.insert}${current.slice(i)}`;
}

/** The request with one spot (a path or query parameter, a header, a body value, or a new body field) set to `value`. */
function mutate(r: FuzzRequest, at: number, value: Pointed): FuzzRequest {
  const spots: Array<() => void> = [];
  const copy = structuredClone(r);
  for (const k of Object.keys(copy.path)) spots.push(() => { copy.path[k] = pick(value, copy.path[k]); });
  copy.query.forEach((pair) => spots.push(() => { pair[1] = pick(value, pair[1]); }));
  for (const k of Object.keys(copy.headers)) {
    if (copy.headers[k] !== undefined && k !== 'accept-language') spots.push(() => { copy.headers[k] = pick(value, copy.headers[k]); });
  }
  if (copy.body.kind === 'json') {
    const body = copy.body;
    // Every value inside the body, and a new field on every object (the whole body is replaced in the hostile-all-over requests).
    const stack: Array<{ get: () => unknown; set: ((v: unknown) => void) | null }> = [{ get: () => body.value, set: null }];
    while (stack.length) {
      const node = stack.pop()!;
      const v = node.get();
      if (node.set) spots.push(() => node.set!(pick(value, v)));
      if (Array.isArray(v)) v.forEach((_x, i) => stack.push({ get: () => v[i], set: (x) => { v[i] = x; } }));
      else if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        spots.push(() => { o[UNKNOWN_FIELDS[at % UNKNOWN_FIELDS.length]] = value.other; });
        for (const k of Object.keys(o)) stack.push({ get: () => o[k], set: (x) => { o[k] = x; } });
      }
    }
  }
  if (spots.length) spots[at % spots.length]();
  return copy;
}

function requestArbOf(op: Operation, dirty: boolean): fc.Arbitrary<FuzzRequest> {
  const fromSchema = (s: Schema | undefined, name?: string) => fromSchemaOf(s, dirty, name);
  const params = (where: Parameter['in']) => op.parameters.filter((p) => p.in === where);
  const path = fc.record(Object.fromEntries(params('path').map((p) => [p.name, fromSchema(p.schema, p.name)])));
  type Pairs = Array<[string, unknown]>;
  const once = (p: Parameter) => fromSchema(p.schema, p.name).map((v): Pairs => [[p.name, v]]);
  const twice = (p: Parameter) => fc.tuple(fromSchema(p.schema, p.name), fromSchema(p.schema, p.name)).map(([a, b]): Pairs => [[p.name, a], [p.name, b]]);
  const queryOne = (p: Parameter): fc.Arbitrary<Pairs> => {
    const given = dirty ? fc.oneof({ weight: 6, arbitrary: once(p) }, { weight: 1, arbitrary: twice(p) }) : once(p);
    if (p.required && !dirty) return given;
    return fc.option(given, { nil: [] as Pairs, freq: p.required ? 10 : 3 });
  };
  const query = fc.tuple(
    fc.tuple(...params('query').map(queryOne)).map((parts) => parts.flat()),
    dirty ? rarely(fc.tuple(fc.constantFrom('extra', 'a\u0000', '__proto__', URL_RAW('%ff')), hostile), 6) : fc.constant(undefined),
  ).map(([known, extra]) => (extra ? [...known, extra] : known));
  const headers = fc.record(Object.fromEntries([
    ...params('header').map((p) => [p.name, p.required && !dirty ? fromSchema(p.schema) : fc.option(fromSchema(p.schema), { nil: undefined, freq: p.required ? 10 : 2 })] as const),
    ['accept-language', dirty ? rarely(fc.oneof(fc.constantFrom('zh-CN', 'en', '*', 'xx-YY;q=2'), hostileString), 3) : fc.constantFrom('en', 'zh-CN')] as const,
    ['origin', dirty ? rarely(fc.constantFrom('http://evil.test', 'not a url', 'null'), 10) : fc.constant(undefined)] as const,
  ]));
  const json = (value: fc.Arbitrary<unknown>) => fc.tuple(value, dirty ? JSON_CONTENT_TYPES : fc.constant('application/json'))
    .map(([v, contentType]): FuzzRequest['body'] => ({ kind: 'json', value: v, contentType }));
  const none = fc.constant<FuzzRequest['body']>({ kind: 'none' });
  // Without a body schema, a write may still read a body (reset-password's optional password, a PDF to verify).
  const schemaless = fc.oneof(hostile, fc.record({ password: fromSchema({ type: 'string', maxLength: 80 }) }));
  const body: fc.Arbitrary<FuzzRequest['body']> = !dirty
    ? (op.body ? json(fromSchema(op.body)) : op.method === 'GET' ? none : fc.oneof(none, json(schemaless), rawBodies()))
    : op.body
      ? fc.oneof({ weight: 8, arbitrary: json(fromSchema(op.body)) }, { weight: 2, arbitrary: rawBodies() }, { weight: 1, arbitrary: none })
      : op.method === 'GET'
        ? fc.oneof({ weight: 9, arbitrary: none }, { weight: 1, arbitrary: rawBodies() })
        : fc.oneof({ weight: 3, arbitrary: none }, { weight: 2, arbitrary: json(schemaless) }, { weight: 3, arbitrary: rawBodies() });
  const forwardedFor = (dirty ? rarely(fc.constantFrom('not-an-ip', '999.999.999.999', '::1', '1.2.3.4, 5.6.7.8', ''), 8) : fc.constant(undefined)).map((v) => v ?? null);
  return fc.record({ path, query, headers, body, forwardedFor }) as fc.Arbitrary<FuzzRequest>;
}

// ---------------------------------------------------------------------------------------------------
// Sending

function pctEncode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...s].map((c) => { try { return encodeURIComponent(c); } catch { return '%ED%A0%80'; } }).join('');
  }
}
function encodeUrlValue(v: unknown): string {
  if (typeof v === 'string') {
    const m = /^ZX(?:NUM|URL)\((.*)\)$/s.exec(v);
    return m ? m[1] : pctEncode(v);
  }
  return pctEncode(typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
}
const toJson = (v: unknown) => (JSON.stringify(v) ?? 'null').replace(/"ZXNUM\(([^)"]*)\)"/g, '$1');

let ipCounter = 0;
const nextIp = () => { ipCounter++; return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`; };

function buildInject(op: Operation, role: Role, r: FuzzRequest) {
  const path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeUrlValue(r.path[name]));
  const query = r.query.map(([k, v]) => `${encodeUrlValue(k)}=${encodeUrlValue(v)}`).join('&');
  const headers: Record<string, string> = r.forwardedFor === null ? {} : { 'x-forwarded-for': r.forwardedFor };
  for (const [k, v] of Object.entries(r.headers)) if (v !== undefined) headers[k] = typeof v === 'string' ? v : JSON.stringify(v) ?? '';
  const cookie = cookies.get(role);
  if (cookie) headers.cookie = cookie;
  if (role === 'client') headers.authorization = `Bearer ${clientToken}`;
  let payload: string | Buffer | undefined;
  if (r.body.kind === 'json') {
    payload = toJson(r.body.value);
    headers['content-type'] = r.body.contentType;
  } else if (r.body.kind === 'raw') {
    payload = r.body.payload;
    if (r.body.contentType !== undefined) headers['content-type'] = r.body.contentType;
  }
  return { method: op.method as 'GET', url: `${path}${query ? `?${query}` : ''}`, headers, remoteAddress: nextIp(), ...(payload !== undefined ? { payload } : {}) };
}

const describeRequest = (req: ReturnType<typeof buildInject>) => {
  const { cookie: _c, ...headers } = req.headers;
  const payload = req.payload === undefined ? '' : Buffer.from(req.payload).subarray(0, 300).toString('utf8');
  return `${req.method} ${req.url.slice(0, 300)} from ${req.remoteAddress} ${JSON.stringify(headers).slice(0, 300)} ${JSON.stringify(payload)}`;
};

/** Sends one request and says what is wrong with the answer, if anything: a 5xx, or an error without the error shape. */
const statuses = new Map<string, number>();
async function check(op: Operation, role: Role, r: FuzzRequest, failures: Failure[]): Promise<number | null> {
  const req = buildInject(op, role, r);
  let res;
  try {
    res = await t.app.inject(req);
  } catch (err) {
    // The test client itself refused to send it (a header value no HTTP client could send): not the server's answer.
    if ((err as { code?: string }).code === 'ERR_INVALID_CHAR') return null;
    throw err;
  }
  if (op.path === '/api/v1/dev/simulators/{name}' && op.method === 'PUT') resetSimulatorControls();
  const name = `${op.method} ${op.path}`;
  const key = process.env.ZHUXIAO_FUZZ_VERBOSE === "2" ? `${role} ${name} ${res.statusCode}` : `${role} ${res.statusCode}`;
  statuses.set(key, (statuses.get(key) ?? 0) + 1);
  if (process.env.ZHUXIAO_FUZZ_VERBOSE === '3') console.log(res.statusCode, describeRequest(req), res.body.slice(0, 200));
  const fail = (why: string) => void failures.push({ op: name, role, status: res.statusCode, why, response: res.body.slice(0, 300), request: describeRequest(req) });
  if (res.statusCode >= 500) {
    fail('5xx response');
    return res.statusCode;
  }
  if (res.statusCode >= 400) {
    let body: { error?: { code?: unknown; message?: unknown } } | undefined;
    try { body = res.json(); } catch { /* not JSON */ }
    // The standards' own error shapes on their paths: TMF630 under /tmf-api, CAMARA's under /number-recycling, RFC 6749 at /oauth/token.
    const b = body as Record<string, unknown> | undefined;
    if (op.path.startsWith('/tmf-api/')) {
      if (typeof b?.code !== 'string' || typeof b.reason !== 'string') fail('error without the TMF630 { code, reason } shape');
    } else if (op.path.startsWith('/number-recycling/')) {
      if (typeof b?.status !== 'number' || typeof b.code !== 'string' || typeof b.message !== 'string') fail('error without the CAMARA { status, code, message } shape');
    } else if (op.path === '/oauth/token') {
      if (typeof b?.error !== 'string' || typeof b.error_description !== 'string') fail('error without the RFC 6749 { error, error_description } shape');
    } else if (typeof body?.error?.code !== 'string' || typeof body.error.message !== 'string') fail('error without the { error: { code, message } } shape');
  }
  return res.statusCode;
}

function operationsOf(doc: { paths: Record<string, Record<string, Schema>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const body = op.requestBody?.content?.['application/json']?.schema as Schema | undefined;
      ops.push({ method: method.toUpperCase(), path, parameters: (op.parameters ?? []) as Parameter[], ...(body ? { body } : {}), bodyRequired: !!op.requestBody?.required });
    }
  }
  // Signing out ends the session the other operations are called with: those go last.
  return ops.sort((a, b) => Number(a.path.endsWith('/sign-out')) - Number(b.path.endsWith('/sign-out')));
}

/** Every failing operation and caller with its count, and the first request of each in full. */
function report(failures: Failure[]): string {
  const groups = new Map<string, Failure[]>();
  for (const f of failures) {
    const key = `${f.why} ${f.status} ${f.op} as ${f.role}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups].map(([key, fs]) => `${fs.length}× ${key}\n  request:  ${fs[0].request}\n  response: ${fs[0].response}`).join('\n');
}

test('the 500s an outside fuzzer found are 400s now', async () => {
  const as = (role: Role) => ({ ...(cookies.get(role) ? { cookie: cookies.get(role)! } : {}) });
  const json = (role: Role, method: string, url: string, body: unknown, extra: Record<string, string> = {}) =>
    t.app.inject({ method: method as 'POST', url: `/api/v1/${url}`, headers: { ...as(role), 'content-type': 'application/json', ...extra }, payload: toJson(body) });
  const get = (role: Role, url: string) => t.app.inject({ method: 'GET', url: `/api/v1/${url}`, headers: as(role) });
  const cases: Array<[string, () => ReturnType<typeof get>, number?]> = [
    ['staff sign-in username with NUL', () => json('anonymous', 'POST', 'staff/sign-in', { username: 'admin\u0000', password: 'x' })],
    ['reject reason with NUL', () => json('reviewer', 'POST', `review/${pool.requestIds[0]}/reject`, { reason: 'Not this way\u0000' })],
    ['review queue carrier with NUL', () => get('reviewer', 'review/queue?carrier=%00')],
    ['public key carrier with NUL', () => get('anonymous', 'certificates/public-key?carrier=cmcc%00')],
    ['MVNO brand id with NUL', () => json('admin', 'PUT', 'admin/mvno-brands/brand%00', { acceptsForwarded: true, hotline: '4001234567' })],
    ['staff display name with NUL', () => json('admin', 'POST', 'admin/staff', { username: 'fuzz-display', role: 'reviewer', displayName: 'x\u0000y' })],
    ['staff store id with NUL', () => json('admin', 'POST', 'admin/staff', { username: 'fuzz-store', role: 'clerk', storeId: 's\u0000' })],
    ['certificate serial with NUL', () => get('anonymous', 'certificates/ZX%00/verify')],
    ['certificate file with NUL', () => get('admin', 'certificates/ZX%00.pdf')],
    ['audit beforeSeq beyond bigint', () => get('ops', 'ops/audit?beforeSeq=99999999999999999999999')],
    ['audit beforeSeq 1e309', () => get('ops', 'ops/audit?beforeSeq=1e309')],
    ['outbox limit 1e309', () => get('anonymous', 'dev/outbox?limit=1e309')],
    ['outbox limit -1e309', () => get('anonymous', 'dev/outbox?limit=-1e309')],
    ['unknown field on PUT /dev/simulators/{name}', () => json('anonymous', 'PUT', 'dev/simulators/sms', { failRate: 0, bogus: 1 })],
    ['lone surrogate in a JSON string', () => json('anonymous', 'POST', 'auth/sms-code', { msisdn: '1380013800\ud800' })],
    ['NUL in Idempotency-Key', () => json('subscriber', 'POST', 'cancellations', {}, { 'idempotency-key': 'k\u0000' })],
    ['query escape that is not UTF-8', () => get('anonymous', 'certificates/public-key?carrier=%ff')],
    ['path escape that is not UTF-8', () => get('anonymous', 'certificates/%ED%A0%80/verify')],
    ['body bytes that are not UTF-8', () => t.app.inject({ method: 'POST', url: '/api/v1/staff/sign-in', headers: { 'content-type': 'application/json', ...as('anonymous') }, payload: Buffer.from([0x7b, 0x22, 0x75, 0x73, 0x65, 0x72, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x2c, 0x22, 0x70, 0x61, 0x73, 0x73, 0x77, 0x6f, 0x72, 0x64, 0x22, 0x3a, 0x22, 0x78, 0x22, 0x7d]) })],
    ['empty JSON body', () => t.app.inject({ method: 'POST', url: '/api/v1/staff/sign-in', headers: { 'content-type': 'application/json', ...as('anonymous') }, payload: '' })],
    ['broken JSON body', () => t.app.inject({ method: 'POST', url: '/api/v1/staff/sign-in', headers: { 'content-type': 'application/json', ...as('anonymous') }, payload: '{"username":' })],
    ['unsupported content type', () => t.app.inject({ method: 'POST', url: '/api/v1/staff/sign-in', headers: { 'content-type': 'application/xml', ...as('anonymous') }, payload: '<a/>' }), 415],
    ['a page path escape that is not UTF-8', () => t.app.inject({ method: 'GET', url: '/%ff' })],
    ['an API path escape that is not UTF-8', () => t.app.inject({ method: 'GET', url: '/api/v1/%ff' })],
    ['NUL in a static file name', () => t.app.inject({ method: 'GET', url: '/assets/a%00b.js' })],
    ['body over the limit', () => t.app.inject({ method: 'POST', url: '/api/v1/auth/sms-code', headers: { 'content-type': 'application/json', ...as('anonymous') }, payload: Buffer.alloc(13 * 1024 * 1024, 0x20) }), 413],
  ];
  const wrong: string[] = [];
  for (const [name, send, expected = 400] of cases) {
    const res = await send();
    const body = res.headers['content-type']?.toString().includes('json') ? res.json() : {};
    if (res.statusCode !== expected || typeof body.error?.code !== 'string' || typeof body.error?.message !== 'string') {
      wrong.push(`${name}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test(`no request built from the OpenAPI document gets a 5xx, for any operation and any caller (seed ${SEED})`, async () => {
  const doc = (await t.app.inject({ url: '/openapi.json' })).json();
  const only = process.env.ZHUXIAO_FUZZ_ONLY; // a path fragment, to fuzz a few operations while debugging
  const ops = operationsOf(doc).filter((o) => !only || o.path.includes(only));
  assert.ok(only || ops.length >= 50, `the OpenAPI document lists ${ops.length} operations`);
  const failures: Failure[] = [];
  let sent = 0;
  const started = Date.now();
  let through = 0;
  const slow: Array<[string, number]> = [];
  for (const [i, op] of ops.entries()) {
    const arb = requestArb(op);
    const opStarted = Date.now();
    for (const [j, role] of ROLES.entries()) {
      // A few requests first; a caller the operation lets in (any answer but 401/403) gets many more.
      let admitted = false;
      const run = (seed: number, numRuns: number) => fc.assert(fc.asyncProperty(arb, async (r) => {
        sent++;
        const status = await check(op, role, r, failures);
        if (status !== 401 && status !== 403) admitted = true;
      }), { seed, numRuns });
      // The first six callers keep the seeds they always had; the machine client's come after them.
      const seed = j < 6 ? SEED + (i * 6 + j) * 2 : SEED + 1_000_000 + i * 2;
      const cost = COSTLY[`${op.method} ${op.path}`] ?? 1;
      await run(seed, Math.ceil(PROBES / cost));
      if (admitted) {
        through++;
        await run(seed + 1, Math.ceil(RUNS / cost));
      }
    }
    slow.push([`${op.method} ${op.path}`, Date.now() - opStarted]);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`api fuzz: ${ops.length} operations × ${ROLES.length} callers (${through} pairs let in), ${sent} requests, seed ${SEED}, `
    + `${PROBES} + ${RUNS} per pair, ${seconds} s, ${failures.length} failures`);
  if (process.env.ZHUXIAO_FUZZ_VERBOSE) console.log(slow.sort((a, b) => b[1] - a[1]).slice(0, 10).map(([o, ms]) => `${ms} ms ${o}`).join('\n'));
  if (process.env.ZHUXIAO_FUZZ_VERBOSE) console.log([...statuses].sort().map(([k, n]) => `${k}: ${n}`).join('\n'));
  assert.equal(failures.length, 0, `${failures.length} bad answers:\n${report(failures)}`);
});
