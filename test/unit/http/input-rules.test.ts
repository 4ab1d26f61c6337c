// The one input rule: text with NUL or lone surrogates, non-finite numbers, unbounded numbers and unknown
// body fields are refused, and the schemas routes share are not changed behind their back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import Fastify, { type InjectOptions } from 'fastify';
import { Type } from 'typebox';
import { clientErrorHandler, findBadText, findNonFinite, frameworkErrors, hardenSchema, INTEGER_BOUNDS, NUMBER_BOUNDS, registerInputRules } from '../../../src/http/input-rules.ts';
import { AppError } from '../../../src/shared/errors.ts';

test('hardenSchema bounds every number, closes every body object, and leaves the original alone', () => {
  const shared = Type.Object({
    n: Type.Integer({ minimum: 1 }),
    f: Type.Number(),
    nested: Type.Object({ list: Type.Array(Type.Object({ k: Type.Integer() })) }),
    either: Type.Union([Type.Object({ a: Type.String() }), Type.Null()]),
    open: Type.Object({}, { additionalProperties: true }),
  });
  const before = JSON.stringify(shared);
  const body = hardenSchema(shared, { body: true }) as any;
  assert.equal(JSON.stringify(shared), before, 'the shared schema is untouched');
  assert.equal(body.additionalProperties, false);
  assert.deepEqual([body.properties.n.minimum, body.properties.n.maximum], [1, INTEGER_BOUNDS.maximum]);
  assert.deepEqual([body.properties.f.minimum, body.properties.f.maximum], [NUMBER_BOUNDS.minimum, NUMBER_BOUNDS.maximum]);
  assert.equal(body.properties.nested.additionalProperties, false);
  assert.equal(body.properties.nested.properties.list.items.additionalProperties, false);
  assert.equal(body.properties.nested.properties.list.items.properties.k.maximum, INTEGER_BOUNDS.maximum);
  assert.equal(body.properties.either.anyOf[0].additionalProperties, false);
  assert.equal(body.properties.open.additionalProperties, true, 'an explicit choice stays');

  const query = hardenSchema(shared, { body: false }) as any;
  assert.equal(query.additionalProperties, undefined, 'only bodies are closed');
  assert.equal(query.properties.n.maximum, INTEGER_BOUNDS.maximum);
});

test('findBadText and findNonFinite point at the first bad value, keys included, without recursing', () => {
  assert.equal(findBadText({ a: ['ok', 'x\u0000'] }, 'body')?.at, 'body/a/1');
  assert.match(findBadText({ a: 'x\ud800' }, 'body')!.problem, /lone surrogate/);
  assert.equal(findBadText({ 'k\u0000': 1 }, 'body')?.at, 'body (a field name)');
  assert.equal(findBadText({ a: 'fine 🙂 好', b: 1 }, 'body'), null);
  assert.equal(findBadText(Buffer.from([0, 0xff]), 'body'), null, 'binary bodies are not text');
  assert.equal(findNonFinite({ limit: Infinity }, 'querystring')?.at, 'querystring/limit');
  assert.equal(findNonFinite({ limit: 5 }, 'querystring'), null);
  let deep: unknown = 'x\u0000';
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.ok(findBadText(deep, 'body'));
  const cyclic: Record<string, unknown> = { a: 'ok' };
  cyclic.self = cyclic;
  assert.equal(findBadText(cyclic, 'body'), null);
});

test('an app with the rules refuses bad text, bad bytes, non-finite and unbounded numbers, and unknown fields with 400', async () => {
  const app = Fastify({ ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false } }, frameworkErrors }); // as in buildApp
  registerInputRules(app);
  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    const status = err instanceof AppError ? err.status : err.statusCode ?? 500;
    return reply.status(status).send({ error: { code: err instanceof AppError ? err.code : 'x', message: err.message } });
  });
  app.get('/q/:p', { schema: { querystring: Type.Object({ n: Type.Optional(Type.Integer()), s: Type.Optional(Type.String()) }) } }, async () => ({ ok: true }));
  app.post('/b', { schema: { body: Type.Object({ s: Type.String(), n: Type.Optional(Type.Integer()) }) } }, async () => ({ ok: true }));
  const status = async (opts: string | InjectOptions) => (await app.inject(opts)).statusCode;
  assert.equal(await status('/q/a?n=5&s=x'), 200);
  assert.equal(await status('/q/a?s=%00'), 400);
  assert.equal(await status('/q/a%00'), 400, 'NUL in a path parameter');
  assert.equal(await status('/q/a?s=%ff'), 400);
  assert.equal(await status('/q/%ff'), 400);
  assert.equal(await status('/q/a?n=1e309'), 400);
  assert.equal(await status('/q/a?n=99999999999999999999'), 400);
  const post = (payload: string | Buffer, contentType = 'application/json') => status({ method: 'POST', url: '/b', headers: { 'content-type': contentType }, payload });
  assert.equal(await post('{"s":"x"}'), 200);
  assert.equal(await post('{"s":"x","extra":1}'), 400);
  assert.equal(await post('{"s":"x\\u0000"}'), 400);
  assert.equal(await post('{"s":"\\udc00"}'), 400);
  assert.equal(await post(Buffer.from([0x7b, 0x22, 0x73, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])), 400);
  assert.equal(await post('{"s":"x","n":1e309}'), 400);
  assert.equal(await post('{"s":"x","n":"1e309"}'), 400, 'coerced from text, still refused');
  assert.equal(await post('{"s":'), 400);
  assert.equal((await app.inject('/q/%ff')).json().error.code, 'validation_failed');
  await app.close();
});

test('a request the HTTP parser refuses (NUL in a header) gets a 400 in the one error shape', async () => {
  const app = Fastify({ clientErrorHandler });
  app.get('/', async () => ({ ok: true }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as net.AddressInfo;
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\nX-Key: a\u0000b\r\n\r\n'));
    let data = '';
    socket.on('data', (d) => { data += d; });
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
  await app.close();
  assert.match(answer, /^HTTP\/1\.1 400 /);
  const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
  assert.equal(body.error.code, 'bad_request');
  assert.equal(typeof body.error.message, 'string');
});
