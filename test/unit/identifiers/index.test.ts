import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { IDENTIFIER_KINDS, checkIdentifier, makeResidentId, type IdentifierKind } from '../../../src/identifiers/index.ts';

describe('checkIdentifier', () => {
  it('dispatches on the kind', () => {
    assert.equal(checkIdentifier('msisdn', '13812345678').normalized, '+8613812345678');
    assert.equal(checkIdentifier('imsi', '460001234567890').carrier, 'cmcc');
    assert.equal(checkIdentifier('iccid', '8986001234567890120').carrier, 'cmcc');
    assert.equal(checkIdentifier('eid', '89001012012341234012345678901224').valid, true);
    assert.equal(checkIdentifier('resident-id', '11010519491231002x').normalized, '11010519491231002X');
    for (const kind of IDENTIFIER_KINDS) assert.equal(checkIdentifier(kind, 'x').kind, kind);
  });

  it('passes `now` to the resident-ID check', () => {
    const id = makeResidentId({ region6: '110105', birthDate: '20250602', seq3: '001' });
    const r = checkIdentifier('resident-id', id, { now: new Date('2025-06-01T00:00:00Z') });
    assert.deepEqual(r.errors.map((e) => e.code), ['future_date']);
  });

  it('an unknown kind gives an error result instead of throwing', () => {
    const r = checkIdentifier('imei' as IdentifierKind, '490154203237518');
    assert.equal(r.valid, false);
    assert.deepEqual(r.errors.map((e) => e.code), ['unknown_kind']);
  });

  it('property: every check returns the full shape for any input, and never throws', () => {
    const anyInput = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.string({ unit: fc.constantFrom(...'0123456789+- xX8946'), maxLength: 40 }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...IDENTIFIER_KINDS), anyInput, (kind, input) => {
        const r = checkIdentifier(kind, input);
        assert.equal(r.kind, kind);
        assert.equal(r.input, input);
        assert.equal(r.valid, r.errors.length === 0);
        assert.equal(r.normalized === null, !r.valid);
        assert.ok(Array.isArray(r.warnings));
        for (const i of [...r.errors, ...r.warnings]) {
          assert.match(i.code, /^[a-z0-9_]+$/);
          assert.ok(i.message.length > 20 && /[.]$/.test(i.message), i.message);
        }
        if (kind === 'msisdn') assert.ok('network' in r && 'mvno' in r && 'mvnoHost' in r);
        if (kind === 'imsi' || kind === 'iccid') assert.ok('carrier' in r);
        if (kind === 'resident-id') assert.ok('birthDate' in r && 'sex' in r && 'province' in r);
      }),
      { numRuns: 500 },
    );
  });

  it('tolerates non-string input from JavaScript callers', () => {
    for (const kind of IDENTIFIER_KINDS) {
      for (const input of [undefined, null, 12345]) {
        const r = checkIdentifier(kind, input as unknown as string);
        assert.equal(r.valid, false);
      }
    }
  });
});
