// The one canonical JSON that audit leaves, quote versions, idempotency hashes, certificate facts and
// fleet manifests are hashed or signed over: the same content gives the same bytes whatever the key
// order, and what JSON cannot carry is refused instead of being written as something else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson } from '../../../src/shared/canonical-json.ts';

test('keys are sorted at every depth, with no whitespace', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: '注销' } }), '{"a":{"c":"注销","d":[3,{"y":null,"z":true}]},"b":1}');
  assert.equal(canonicalJson({ b: 1, a: 2 }), canonicalJson({ a: 2, b: 1 }));
});

test('keys sort by UTF-16 code units, as RFC 8785 does', () => {
  // "\u00e9" (é) sorts after "z"; "\ud83d\ude00" (an emoji, a surrogate pair) before "\ufb01" (ﬁ)
  assert.equal(canonicalJson({ 'é': 1, z: 2, '\ufb01': 3, '😀': 4 }), '{"z":2,"é":1,"😀":4,"ﬁ":3}');
});

test('undefined: a property is left out, an array item is null, a missing body is null', () => {
  assert.equal(canonicalJson({ a: undefined, b: 1 }), '{"b":1}');
  assert.equal(canonicalJson([1, undefined, 2]), '[1,null,2]');
  assert.equal(canonicalJson(undefined), 'null');
});

test('what JSON cannot carry faithfully is refused, with where it is', () => {
  assert.throws(() => canonicalJson({ at: new Date(0) }), /\$\.at: only plain objects/);
  assert.throws(() => canonicalJson({ n: [1, Number.NaN] }), /\$\.n\[1\]: non-finite number/);
  assert.throws(() => canonicalJson({ n: Infinity }), /non-finite/);
  assert.throws(() => canonicalJson({ f: () => 1 }), /function cannot be canonicalised/);
  assert.throws(() => canonicalJson({ big: 1n }), /bigint cannot be canonicalised/);
});

test('an object without a prototype is a plain object', () => {
  const o = Object.create(null) as Record<string, number>;
  o.b = 2; o.a = 1;
  assert.equal(canonicalJson(o), '{"a":1,"b":2}');
});
