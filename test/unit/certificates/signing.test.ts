import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderCertificatePdf } from '../../../src/certificates/certificate-pdf.ts';
import {
  extractFacts,
  generateSigningKey,
  keyIdOf,
  signPayload,
  signPdf,
  verifyPayload,
  verifyPdf,
} from '../../../src/certificates/signing.ts';
import type { SigningKey } from '../../../src/certificates/signing.ts';
import type { CertificateFacts } from '../../../src/certificates/facts.ts';
import { hasTool, sampleFacts, VERIFY_URL } from './fixtures.ts';

let key: SigningKey;
let facts: CertificateFacts;
let unsigned: Buffer;
let signed: Buffer;

before(async () => {
  key = generateSigningKey();
  facts = sampleFacts({ keyId: key.keyId });
  unsigned = await renderCertificatePdf(facts, { verifyUrl: VERIFY_URL });
  signed = signPdf(unsigned, key.privateKeyPem, key.keyId);
});

describe('keys', () => {
  test('a key id is 16 hex digits derived from the public key', () => {
    assert.match(key.keyId, /^[0-9a-f]{16}$/);
    assert.equal(keyIdOf(key.publicKeyPem), key.keyId);
    assert.notEqual(generateSigningKey().keyId, key.keyId);
    assert.match(key.privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
    assert.match(key.publicKeyPem, /^-----BEGIN PUBLIC KEY-----/);
  });

  test('signing with a key id that is not the private key\'s own is refused', () => {
    const other = generateSigningKey();
    assert.throws(() => signPdf(unsigned, key.privateKeyPem, other.keyId), /does not belong/);
  });
});

describe('PDF signatures', () => {
  test('a signed certificate verifies and gives back its facts', () => {
    const result = verifyPdf(signed, [key.publicKeyPem]);
    assert.deepEqual(result, { valid: true, keyId: key.keyId, facts });
  });

  test('the keys may be given as a record keyed by key id', () => {
    assert.equal(verifyPdf(signed, { [key.keyId]: key.publicKeyPem }).valid, true);
    assert.throws(() => verifyPdf(signed, { '0123456789abcdef': key.publicKeyPem }), /has key id/);
  });

  test('the signature is one comment line after %%EOF', () => {
    assert.deepEqual(signed.subarray(0, unsigned.length), unsigned);
    const tail = signed.subarray(unsigned.length).toString('latin1');
    assert.match(tail, /^\n%ZHUXIAO-SIGNATURE ed25519 [0-9a-f]{16} [A-Za-z0-9+/]{86}==\n$/);
    assert.ok(tail.includes(key.keyId));
    assert.match(unsigned.subarray(-10).toString('latin1'), /%%EOF\s*$/);
  });

  test('an unsigned PDF has no signature', () => {
    assert.deepEqual(verifyPdf(unsigned, [key.publicKeyPem]), { valid: false, reason: 'no_signature' });
  });

  test('flipping one byte in the middle breaks the signature', () => {
    const copy = Buffer.from(signed);
    copy[Math.floor(unsigned.length / 2)] ^= 0x01;
    assert.deepEqual(verifyPdf(copy, [key.publicKeyPem]), { valid: false, reason: 'bad_signature', keyId: key.keyId });
  });

  test('flipping the first or the last signed byte breaks the signature', () => {
    for (const i of [0, unsigned.length - 1]) {
      const copy = Buffer.from(signed);
      copy[i] ^= 0x20;
      assert.equal(verifyPdf(copy, [key.publicKeyPem]).reason, 'bad_signature', `byte ${i}`);
    }
  });

  test('changing a fact in the metadata breaks the signature', () => {
    const text = signed.toString('latin1');
    const forged = text.replace('"refundFen":123456', '"refundFen":999999');
    assert.notEqual(forged, text, 'the facts JSON was found in the file');
    const result = verifyPdf(Buffer.from(forged, 'latin1'), [key.publicKeyPem]);
    assert.equal(result.valid, false);
    assert.equal(result.reason, 'bad_signature');
    assert.equal(result.facts, undefined);
    // An unverified read shows the forged value: that is why verifyPdf is the one to trust.
    assert.equal(extractFacts(Buffer.from(forged, 'latin1'))?.refundFen, 999999);
  });

  test('cutting the signature off leaves no signature; cutting into it breaks it', () => {
    assert.equal(verifyPdf(signed.subarray(0, unsigned.length), [key.publicKeyPem]).reason, 'no_signature');
    assert.equal(verifyPdf(signed.subarray(0, signed.length - 10), [key.publicKeyPem]).reason, 'bad_signature');
    assert.equal(verifyPdf(signed.subarray(0, signed.length - 1), [key.publicKeyPem]).reason, 'bad_signature');
  });

  test('removing signed bytes breaks the signature', () => {
    const cut = Buffer.concat([signed.subarray(0, 100), signed.subarray(101)]);
    assert.equal(verifyPdf(cut, [key.publicKeyPem]).reason, 'bad_signature');
  });

  test('anything appended after the signature line makes it invalid', () => {
    for (const extra of ['x', '\n', '%%EOF\n', '\n%ZHUXIAO-SIGNATURE ed25519 nonsense\n']) {
      const result = verifyPdf(Buffer.concat([signed, Buffer.from(extra)]), [key.publicKeyPem]);
      assert.equal(result.valid, false, JSON.stringify(extra));
      assert.equal(result.reason, 'bad_signature', JSON.stringify(extra));
    }
  });

  test('a signature by a key that is not trusted is unknown_key', () => {
    const stranger = generateSigningKey();
    assert.deepEqual(verifyPdf(signed, [stranger.publicKeyPem]), { valid: false, reason: 'unknown_key', keyId: key.keyId });
    assert.equal(verifyPdf(signed, []).reason, 'unknown_key');
  });

  test('re-signing with another key over a signed file is refused, and a stacked signature does not verify', () => {
    assert.throws(() => signPdf(signed, key.privateKeyPem, key.keyId), /already signed/);
    // Someone stacking their own signature line by hand: the last line names their key.
    const stranger = generateSigningKey();
    const stacked = Buffer.concat([signed, Buffer.from(`\n%ZHUXIAO-SIGNATURE ed25519 ${stranger.keyId} ${'A'.repeat(86)}==\n`)]);
    assert.equal(verifyPdf(stacked, [key.publicKeyPem]).reason, 'unknown_key');
    assert.equal(verifyPdf(stacked, [key.publicKeyPem, stranger.publicKeyPem]).reason, 'bad_signature');
  });

  test('a certificate that names another key than the signer\'s is refused at signing', async () => {
    const other = generateSigningKey();
    const pdf = await renderCertificatePdf(sampleFacts({ keyId: other.keyId }), { verifyUrl: VERIFY_URL });
    assert.throws(() => signPdf(pdf, key.privateKeyPem, key.keyId), /names key/);
  });

  test('only a complete PDF can be signed', () => {
    assert.throws(() => signPdf(Buffer.from('hello'), key.privateKeyPem, key.keyId), /not a PDF/);
    assert.throws(() => signPdf(unsigned.subarray(0, unsigned.length - 20), key.privateKeyPem, key.keyId), /%%EOF/);
  });

  test('the signed file still opens in a PDF reader', { skip: !hasTool('pdftoppm') && 'pdftoppm not installed' }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhuxiao-cert-'));
    try {
      const file = join(dir, 'signed.pdf');
      writeFileSync(file, signed);
      const png = execFileSync('pdftoppm', ['-png', '-r', '20', '-singlefile', file], { stdio: ['ignore', 'pipe', 'pipe'] });
      assert.deepEqual(png.subarray(1, 4), Buffer.from('PNG'));
      assert.ok(png.length > 500);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('extractFacts', () => {
  test('reads the facts back from a signed or unsigned certificate', () => {
    assert.deepEqual(extractFacts(signed), facts);
    assert.deepEqual(extractFacts(unsigned), facts);
  });

  test('gives undefined for a PDF without facts or for garbage', () => {
    assert.equal(extractFacts(Buffer.from('%PDF-1.7\n%%EOF\n')), undefined);
    assert.equal(extractFacts(Buffer.alloc(0)), undefined);
  });
});

describe('payload signatures (online verify API)', () => {
  const payload = { serial: 'ZX-CMCC-20261125-000123-D', status: 'valid', refundFen: 123456, nested: { b: 1, a: [2, 'x'] } };

  test('a signed payload verifies, whatever the order of its keys', () => {
    const signedPayload = signPayload(payload, key.privateKeyPem, key.keyId);
    assert.equal(signedPayload.alg, 'ed25519');
    assert.equal(signedPayload.keyId, key.keyId);
    const reordered = { ...signedPayload, payload: { nested: { a: [2, 'x'], b: 1 }, refundFen: 123456, status: 'valid', serial: payload.serial } };
    assert.deepEqual(verifyPayload(reordered, [key.publicKeyPem]), { valid: true, keyId: key.keyId, payload: reordered.payload });
  });

  test('survives a JSON round trip', () => {
    const wire = JSON.parse(JSON.stringify(signPayload(payload, key.privateKeyPem, key.keyId)));
    assert.equal(verifyPayload(wire, [key.publicKeyPem]).valid, true);
  });

  test('any change to the payload, an unknown key or a missing signature fails', () => {
    const signedPayload = signPayload(payload, key.privateKeyPem, key.keyId);
    assert.equal(verifyPayload({ ...signedPayload, payload: { ...payload, status: 'revoked' } }, [key.publicKeyPem]).reason, 'bad_signature');
    assert.equal(verifyPayload({ ...signedPayload, payload: { ...payload, nested: { b: 1, a: [2, 'y'] } } }, [key.publicKeyPem]).reason, 'bad_signature');
    assert.equal(verifyPayload(signedPayload, [generateSigningKey().publicKeyPem]).reason, 'unknown_key');
    assert.equal(verifyPayload({ ...signedPayload, signature: '' }, [key.publicKeyPem]).reason, 'no_signature');
    assert.equal(verifyPayload({ ...signedPayload, signature: 'AAAA' }, [key.publicKeyPem]).reason, 'bad_signature');
  });
});
