import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  certificateVerifyUrl,
  formatVerifyCode,
  generateVerifyCode,
  hashVerifyCode,
  normaliseVerifyCode,
  verifyCodeMatches,
} from '../../../src/certificates/verify-code.ts';
import { pdfFromUpload } from '../../../src/certificates/pdf-upload.ts';

describe('verification codes', () => {
  test('13 characters of Crockford base32, every symbol used, no repeats in practice', () => {
    const seen = new Set<string>();
    const symbols = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const c = generateVerifyCode();
      assert.match(c, /^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{13}$/);
      seen.add(c);
      for (const ch of c) symbols.add(ch);
    }
    assert.equal(seen.size, 2000);
    assert.equal(symbols.size, 32, 'all 32 symbols occur (65 bits, none stuck)');
  });

  test('read as people type them; the hash is SHA-256 hex of the canonical code', () => {
    const c = '5WZ6SY25FA7MW';
    assert.equal(formatVerifyCode(c), '5WZ6-SY25-FA7MW');
    assert.equal(normaliseVerifyCode(' 5wz6-sy25 fa7mw '), c);
    assert.equal(normaliseVerifyCode('5WZ6SY25FA7MWX'), undefined);
    assert.equal(normaliseVerifyCode('UUUUUUUUUUUUU'), undefined);
    assert.equal(normaliseVerifyCode('O0IL000000000'), '0011000000000');
    assert.equal(hashVerifyCode(c), createHash('sha256').update(c).digest('hex'));
    assert.equal(verifyCodeMatches('5wz6-sy25-fa7mw', hashVerifyCode(c)), true);
    assert.equal(verifyCodeMatches('5WZ6SY25FA7MX', hashVerifyCode(c)), false);
    assert.equal(verifyCodeMatches(undefined, hashVerifyCode(c)), false);
    assert.equal(verifyCodeMatches(c, null), false, 'a certificate without a code matches nothing');
    assert.equal(certificateVerifyUrl('https://x.cn/', 'ZX-CMCC-20261125-000123-D', c), `https://x.cn/verify/ZX-CMCC-20261125-000123-D?c=${c}`);
  });
});

describe('pdfFromUpload', () => {
  const pdf = Buffer.from('%PDF-1.7\r\n--not-a-boundary\r\n%%EOF\n');
  test('a raw body is the file', () => {
    assert.equal(pdfFromUpload(pdf, 'application/pdf'), pdf);
  });
  test('multipart: the file part, byte for byte, quoted boundary or not', () => {
    for (const header of ['multipart/form-data; boundary=XyZ', 'multipart/form-data; boundary="XyZ"']) {
      const body = Buffer.concat([
        Buffer.from('--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--XyZ\r\nContent-Disposition: form-data; name="upload"; filename="c.pdf"\r\n\r\n'),
        pdf,
        Buffer.from('\r\n--XyZ--\r\n'),
      ]);
      assert.deepEqual(pdfFromUpload(body, header), pdf);
    }
    assert.equal(pdfFromUpload(Buffer.from('--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--XyZ--\r\n'), 'multipart/form-data; boundary=XyZ'), undefined);
    assert.equal(pdfFromUpload(pdf, 'multipart/form-data'), undefined, 'no boundary');
  });
});
