// The verification code (核验码) of a certificate: 13 characters of Crockford base32 (65 random
// bits), carried by the QR code and printed on the PDF. A serial can be guessed (its check letter
// in at most 23 tries); the code cannot, so the public check shows a certificate's facts only to
// someone who holds the code (or the file). Only the SHA-256 of the code is kept in a column
// (certificates.verify_code_hash). Pure apart from the randomness of generateVerifyCode().

import { createHash, hash, randomBytes, timingSafeEqual } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: no I, L, O, U
export const VERIFY_CODE_LENGTH = 13; // 13 x 5 = 65 bits
/** A code already in canonical form (ALPHABET's characters, upper case, no separators). */
const CANONICAL = /^[0-9A-HJKMNP-TV-Z]{13}$/;

/** A new random code in canonical form (13 characters, no separators). */
export function generateVerifyCode(): string {
  const bytes = randomBytes(9); // 72 bits; the first 65 are used
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  bits >>= 72n - 5n * BigInt(VERIFY_CODE_LENGTH);
  let out = '';
  for (let i = VERIFY_CODE_LENGTH - 1; i >= 0; i--) out += ALPHABET[Number((bits >> (5n * BigInt(i))) & 31n)];
  return out;
}

/**
 * Reads a code as a person may type it: any case, spaces or dashes between groups, and the letters
 * Crockford base32 reads as digits (O as 0, I and L as 1). undefined when it cannot be a code.
 */
export function normaliseVerifyCode(input: unknown): string | undefined {
  if (typeof input !== 'string' || input.length > 64) return undefined;
  if (CANONICAL.test(input)) return input; // as the QR link carries it
  const s = input.toUpperCase().replace(/[\s\-_.]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (s.length !== VERIFY_CODE_LENGTH) return undefined;
  for (const c of s) if (!ALPHABET.includes(c)) return undefined;
  return s;
}

/** The code as printed, in groups: 4-4-5 (e.g. 7K4M-9QPD-X2HNA). */
export function formatVerifyCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

/** SHA-256 hex of the canonical code (13 characters, upper case): what verify_code_hash holds. */
export function hashVerifyCode(code: string): string {
  return createHash('sha256').update(code, 'utf8').digest('hex');
}

/**
 * True when the typed code is the certificate's. The comparison is of two SHA-256 digests in
 * constant time; an unreadable code is compared too, against a digest that cannot match, so a
 * wrong code and a malformed one take the same path.
 */
export function verifyCodeMatches(input: unknown, storedHash: string | null): boolean {
  const code = normaliseVerifyCode(input);
  const given = hash('sha256', code ?? '\u0000', 'buffer');
  const stored = storedHash !== null && /^[0-9a-f]{64}$/.test(storedHash) ? Buffer.from(storedHash, 'hex') : Buffer.alloc(32, 0xff);
  return timingSafeEqual(given, stored) && code !== undefined && storedHash !== null;
}

/** The public verify page of a certificate, as the QR code carries it: /verify/<serial>?c=<code>. */
export function certificateVerifyUrl(baseUrl: string, serial: string, code: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/verify/${serial}?c=${code}`;
}
