// The documents a clerk scans at the counter (agent's ID, authorisation letter, death certificate…):
// base64 in, checked by content (magic bytes, not by the name or a declared type), size-limited.
// Which documents each mandate needs. Pure.
import crypto from 'node:crypto';
import type { StoreDocumentKind, StoreDocumentType } from '../db/schema.ts';
import { AppError } from '../shared/errors.ts';
import { MAX_DOCUMENT_BYTES, MAX_DOCUMENTS } from '../shared/body-limits.ts';

export { MAX_DOCUMENT_BYTES, MAX_DOCUMENTS } from '../shared/body-limits.ts';

export const DOCUMENT_KINDS: readonly StoreDocumentKind[] = [
  'agent_id', 'authorisation_letter', 'death_certificate', 'relationship_proof', 'company_letter', 'applicant_id', 'other',
];

export type MandateType = 'owner' | 'proxy' | 'deceased_owner' | 'company';
export const MANDATE_TYPES: readonly MandateType[] = ['owner', 'proxy', 'deceased_owner', 'company'];

/** The documents each mandate must bring (domain.md: "owner not the applicant"). */
export const REQUIRED_DOCUMENTS: Record<MandateType, StoreDocumentKind[]> = {
  owner: [],
  proxy: ['agent_id', 'authorisation_letter'],
  deceased_owner: ['death_certificate', 'relationship_proof'],
  company: ['company_letter'],
};

export interface DocumentInput { kind: StoreDocumentKind; name?: string; contentBase64: string }
export interface CheckedDocument { kind: StoreDocumentKind; name: string | null; contentType: StoreDocumentType; bytes: Buffer; sha256: string }

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_MAGIC = Buffer.from([0xff, 0xd8, 0xff]);
const PDF_MAGIC = Buffer.from('%PDF-', 'latin1');

/** The type told by the first bytes, or null when it is none of PNG, JPEG, PDF. */
export function sniffContentType(bytes: Buffer): StoreDocumentType | null {
  if (bytes.subarray(0, 8).equals(PNG_MAGIC)) return 'image/png';
  if (bytes.subarray(0, 3).equals(JPEG_MAGIC)) return 'image/jpeg';
  if (bytes.subarray(0, 5).equals(PDF_MAGIC)) return 'application/pdf';
  return null;
}

/** Strict base64 (optionally a data: URL prefix); null when the text is not base64. */
export function decodeBase64(text: string): Buffer | null {
  const body = text.replace(/^data:[\w.+/-]+;base64,/, '').replace(/\s+/g, '');
  if (body.length === 0 || body.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return null;
  return Buffer.from(body, 'base64');
}

/** Decodes and checks every document; throws invalid_document naming the first bad one. */
export function checkDocuments(documents: readonly DocumentInput[]): CheckedDocument[] {
  if (documents.length > MAX_DOCUMENTS) {
    throw new AppError('invalid_document', `At most ${MAX_DOCUMENTS} documents per request.`, { reason: 'too_many' });
  }
  return documents.map((d, index) => {
    const bad = (reason: string, message: string) => new AppError('invalid_document', `Document ${index + 1} (${d.kind}): ${message}`, { index, kind: d.kind, reason });
    if (!DOCUMENT_KINDS.includes(d.kind)) throw bad('unknown_kind', `the kind must be one of ${DOCUMENT_KINDS.join(', ')}.`);
    const bytes = decodeBase64(d.contentBase64);
    if (!bytes) throw bad('not_base64', 'the content is not base64.');
    if (bytes.length > MAX_DOCUMENT_BYTES) throw bad('too_large', `the file is larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB.`);
    const contentType = sniffContentType(bytes);
    if (!contentType) throw bad('unsupported_type', 'only PNG or JPEG images and PDF files are accepted (checked by content, not by name).');
    return {
      kind: d.kind,
      name: d.name?.trim() ? d.name.trim().slice(0, 200) : null,
      contentType,
      bytes,
      sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
    };
  });
}

/** The kinds a mandate needs that are not among the documents. */
export function missingDocuments(mandate: MandateType, documents: readonly { kind: StoreDocumentKind }[]): StoreDocumentKind[] {
  return REQUIRED_DOCUMENTS[mandate].filter((k) => !documents.some((d) => d.kind === k));
}
