// Pure helpers of the store console: early checks a clerk sees while typing (the server makes the
// real ones at submit), the refund route built from the form, documents read from files.
import type { Blocker, DocumentKind, MandateType, QuoteRefund, StoreCustomer } from '../../api.ts';
import { MAX_DOCUMENT_BYTES, REQUIRED_DOCUMENTS } from '../../api.ts';

/** What a scanned or typed identifier becomes before comparing: no spaces or dashes, upper case. */
export function normaliseTyped(value: string): string {
  return value.replace(/[\s-]/g, '').toUpperCase();
}

/**
 * Whether a typed identifier can be the one behind a mask like "898600**********0018" (the masks keep
 * the length, a prefix and the last digits). 'unknown' while too short to tell or when the mask hides
 * everything; the server decides at submit.
 */
export function matchesMask(typed: string, masked: string | null | undefined): 'match' | 'mismatch' | 'unknown' {
  const v = normaliseTyped(typed);
  if (!masked || !v) return 'unknown';
  const first = masked.indexOf('*');
  if (first < 0) return v === masked.toUpperCase() ? 'match' : v.length >= masked.length ? 'mismatch' : 'unknown';
  const prefix = masked.slice(0, first).toUpperCase();
  const suffix = masked.slice(masked.lastIndexOf('*') + 1).toUpperCase();
  if (!prefix && !suffix) return 'unknown';
  if (v.length < masked.length) return v.startsWith(prefix.slice(0, v.length)) ? 'unknown' : 'mismatch';
  return v.length === masked.length && v.startsWith(prefix) && v.endsWith(suffix) ? 'match' : 'mismatch';
}

/** The mandates that fit a customer record: a company line only by its representative, a deceased owner's only by an heir. */
export function allowedMandates(customer: Pick<StoreCustomer, 'kind' | 'deceased'>): MandateType[] {
  if (customer.kind === 'company') return ['company'];
  if (customer.deceased) return ['deceased_owner'];
  return ['owner', 'proxy', 'deceased_owner'];
}

export interface PickedDocument {
  kind: DocumentKind;
  name: string;
  size: number;
  contentType: 'image/png' | 'image/jpeg' | 'application/pdf';
  contentBase64: string;
}

/** The required kinds for a mandate that no picked document covers. */
export function missingKinds(mandate: MandateType, docs: readonly { kind: DocumentKind }[]): DocumentKind[] {
  return REQUIRED_DOCUMENTS[mandate].filter((k) => !docs.some((d) => d.kind === k));
}

/** PNG, JPEG or PDF told by the first bytes (as the server checks), else null. */
export function sniffType(head: Uint8Array): PickedDocument['contentType'] | null {
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.every((b, i) => head[i] === b)) return 'image/png';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if ([0x25, 0x50, 0x44, 0x46, 0x2d].every((b, i) => head[i] === b)) return 'application/pdf';
  return null;
}

/** Base64 of bytes, in chunks (String.fromCharCode on a large array overflows the stack). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

export type ReadFileError = 'too_large' | 'bad_type' | 'empty';

/** Reads a picked file into a document, or says why it cannot be sent. */
export async function readDocument(
  kind: DocumentKind,
  file: Pick<File, 'name' | 'size' | 'arrayBuffer'>,
): Promise<PickedDocument | { error: ReadFileError }> {
  if (file.size === 0) return { error: 'empty' };
  if (file.size > MAX_DOCUMENT_BYTES) return { error: 'too_large' };
  const bytes = new Uint8Array(await file.arrayBuffer());
  const contentType = sniffType(bytes.subarray(0, 8));
  if (!contentType) return { error: 'bad_type' };
  return { kind, name: file.name, size: file.size, contentType, contentBase64: bytesToBase64(bytes) };
}

export { buildRefundRoute, validBankAccount, type RouteDraft } from '../../refund-route.ts';

/**
 * What taking payment at the counter charges: the arrears with their overdue charge, plus whatever the
 * final bill exceeds the cash balance by (the server's payOutstanding charges both at once).
 */
export function amountToPay(quote: { blockers: Pick<Blocker, 'code' | 'params'>[]; refund: Pick<QuoteRefund, 'shortfallFen'> }): number {
  let arrears = 0;
  for (const b of quote.blockers) {
    const p = b.params;
    if (b.code === 'arrears' && typeof p.totalFen === 'number') arrears = p.totalFen;
  }
  return arrears + Math.max(0, quote.refund.shortfallFen ?? 0);
}
