// 受理编号: the request reference a person reads aloud to a hotline, types on the retrieval page, or
// finds on the certificate. "ZX" and 12 digits, shown in groups of four (ZX 4821 0937 6152): digits
// are easy to say in any dialect and to type on a phone keypad. Random (about 40 bits): a reference
// alone opens nothing, retrieval also asks for the last 6 characters of the owner's ID number.
import crypto from 'node:crypto';

const DIGITS = 12;

/** A new random reference, stored as `ZX` + 12 digits. */
export function newRequestReference(): string {
  let digits = '';
  while (digits.length < DIGITS) digits += String(crypto.randomInt(0, 10));
  return `ZX${digits}`;
}

/** What people type: any case, spaces, dashes; with or without the ZX. Null if it cannot be a reference. */
export function normaliseRequestReference(input: string): string | null {
  const compact = input.normalize('NFKC').replace(/[\s\-_.·]/g, '').toUpperCase();
  const m = /^(?:ZX)?(\d{12})$/.exec(compact);
  return m ? `ZX${m[1]}` : null;
}

/** ZX482109376152 → "ZX 4821 0937 6152". */
export function formatRequestReference(ref: string): string {
  return ref.replace(/^ZX(\d{4})(\d{4})(\d{4})$/, 'ZX $1 $2 $3');
}

/** Where a person follows a request and downloads its certificate later, with the reference filled in. */
export function requestLink(publicBaseUrl: string, ref: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/certificate/retrieve?ref=${encodeURIComponent(ref)}`;
}
