import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isWellFormedSerial, makeSerial, parseSerial } from '../../../src/certificates/serial.ts';

const at = new Date('2026-11-25T06:03:05Z'); // 14:03 in Beijing

test('a serial names the carrier, the Beijing date, the sequence and a check letter', () => {
  const serial = makeSerial('cmcc', at, 123);
  assert.match(serial, /^ZX-CMCC-20261125-000123-[A-Z]$/);
  assert.equal(isWellFormedSerial(serial), true);
  assert.deepEqual(parseSerial(serial), { serial, carrierCode: 'CMCC', date: '2026-11-25', seq: 123 });
});

test('the date is the Beijing date, not the UTC date', () => {
  // 2026-11-25 17:30 UTC is 2026-11-26 01:30 in Beijing.
  assert.match(makeSerial('ctcc', new Date('2026-11-25T17:30:00Z'), 1), /^ZX-CTCC-20261126-000001-/);
  // 2026-11-25 15:59:59 UTC is still the 25th (23:59:59) in Beijing.
  assert.match(makeSerial('ctcc', new Date('2026-11-25T15:59:59Z'), 1), /^ZX-CTCC-20261125-000001-/);
});

test('the check letter catches every single-digit typo', () => {
  const serial = makeSerial('cucc', at, 4711);
  const letter = serial.at(-1);
  for (let i = 0; i < serial.length - 2; i++) {
    if (!/\d/.test(serial[i])) continue;
    for (const d of '0123456789') {
      if (d === serial[i]) continue;
      const typo = serial.slice(0, i) + d + serial.slice(i + 1);
      // A typo may also produce an impossible date (rejected anyway); either way it must not pass.
      assert.equal(isWellFormedSerial(typo), false, `${typo} (from ${serial}, letter ${letter}) passed`);
    }
  }
});

test('the check letter catches swapped digits', () => {
  const serial = makeSerial('cmcc', at, 123456); // ZX-CMCC-20261125-123456-?
  const swapped = serial.replace('123456', '213456');
  assert.notEqual(swapped, serial);
  assert.equal(isWellFormedSerial(swapped), false);
  const seqSwap = serial.replace('-123456-', '-123465-');
  assert.equal(isWellFormedSerial(seqSwap), false);
});

test('a wrong check letter, an impossible date or a bad shape is rejected', () => {
  const serial = makeSerial('cmcc', at, 123);
  const other = serial.at(-1) === 'A' ? 'B' : 'A';
  assert.equal(isWellFormedSerial(serial.slice(0, -1) + other), false);
  assert.equal(isWellFormedSerial('ZX-CMCC-20260231-000123-A'), false); // 31 February
  for (const bad of ['', 'ZX-CMCC-20261125-123-A', 'ZX-CMCC-20261125-000123', 'XX-CMCC-20261125-000123-A', 'ZX--20261125-000123-A']) {
    assert.equal(isWellFormedSerial(bad), false, bad);
  }
});

test('isWellFormedSerial is strict, parseSerial accepts what a person types', () => {
  const serial = makeSerial('cbn', at, 9);
  const typed = `  ${serial.toLowerCase()} `;
  assert.equal(isWellFormedSerial(typed), false);
  assert.equal(parseSerial(typed)?.serial, serial);
});

test('makeSerial rejects what cannot be written in the format', () => {
  assert.throws(() => makeSerial('cmcc', at, 1_000_000), RangeError);
  assert.throws(() => makeSerial('cmcc', at, -1), RangeError);
  assert.throws(() => makeSerial('cmcc', at, 1.5), RangeError);
  assert.throws(() => makeSerial('中国移动', at, 1), RangeError);
  assert.throws(() => makeSerial('cmcc', new Date('nonsense'), 1), RangeError);
});

test('MVNO codes with an underscore work too', () => {
  const serial = makeSerial('xiaomi_mobile', at, 42);
  assert.match(serial, /^ZX-XIAOMI_MOBILE-20261125-000042-[A-Z]$/);
  assert.equal(isWellFormedSerial(serial), true);
  assert.equal(parseSerial(serial)?.carrierCode, 'XIAOMI_MOBILE');
});

test('the check letter catches a mistyped carrier code', () => {
  const serial = makeSerial('cmcc', at, 123);
  assert.equal(isWellFormedSerial(serial.replace('CMCC', 'CUCC')), false);
  assert.equal(isWellFormedSerial(serial.replace('CMCC', 'CTCC')), false);
});
