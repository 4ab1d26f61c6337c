// The facts a cancellation certificate (注销证明) states, their validation, and their
// machine-readable form inside the PDF. Pure: no I/O.
//
// Where the facts live in the PDF: the document Info dictionary's `Keywords` entry holds the
// canonical JSON of the facts (keys sorted, every non-ASCII character written as a \uXXXX
// escape so the PDF string stays plain ASCII). A verifier reads them back with extractFacts()
// after checking the signature, which covers these bytes too.

import { readInfoString } from './pdf-info.ts';
import type { RequestChannel } from '../db/schema.ts';
import { canonicalJson } from '../shared/canonical-json.ts';

export type FormFactor = 'physical' | 'esim';
export type CancellationChannel = RequestChannel;

export type CertificateFacts = {
  serial: string;
  carrierCode: string;
  carrierNameZh: string;
  carrierNameEn: string;
  /** Already masked by the caller, e.g. 138****5678. Never the full number. */
  maskedMsisdn: string;
  /** Already masked by the caller, e.g. 898600**********1234. */
  maskedIccid: string;
  formFactor: FormFactor;
  channel: CancellationChannel;
  /** ISO 8601 instant with an offset or Z, e.g. 2026-11-25T06:03:05Z. */
  completedAt: string;
  /** Refund in integer fen (分). */
  refundFen: number;
  /** Route code, e.g. 'original' | 'bank' | 'line' | 'cash'. */
  refundRoute: string;
  refundRouteLabelZh: string;
  refundRouteLabelEn: string;
  requestId: string;
  /** The holder's name, masked (张*); absent on certificates issued before it was stated. */
  holderName?: string;
  /** 受理编号 (ZX + 12 digits); absent on certificates issued before references existed. */
  reference?: string;
  /** Id of the Ed25519 key the certificate is signed with (see signing.ts). */
  keyId: string;
};

const STRING_FIELDS = [
  'serial',
  'carrierCode',
  'carrierNameZh',
  'carrierNameEn',
  'maskedMsisdn',
  'maskedIccid',
  'completedAt',
  'refundRoute',
  'refundRouteLabelZh',
  'refundRouteLabelEn',
  'requestId',
  'keyId',
] as const satisfies readonly (keyof CertificateFacts)[];

const ALL_FIELDS: readonly string[] = [...STRING_FIELDS, 'formFactor', 'channel', 'refundFen', 'reference', 'holderName'];

// An ISO 8601 instant with an explicit offset; Date.parse alone accepts too much.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Problems with the facts, as readable messages; empty when the facts are usable. */
export function checkFacts(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['facts must be an object'];
  const v = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of STRING_FIELDS) {
    if (typeof v[key] !== 'string' || (v[key] as string).trim() === '') problems.push(`${key} must be a non-empty string`);
  }
  if (v.formFactor !== 'physical' && v.formFactor !== 'esim') problems.push("formFactor must be 'physical' or 'esim'");
  if (!['online', 'store', 'api', 'fleet'].includes(v.channel as string)) problems.push("channel must be 'online', 'store', 'api' or 'fleet'");
  if (typeof v.refundFen !== 'number' || !Number.isSafeInteger(v.refundFen) || v.refundFen < 0) {
    problems.push('refundFen must be a non-negative integer number of fen');
  }
  if (typeof v.completedAt === 'string' && (!ISO_INSTANT.test(v.completedAt) || Number.isNaN(Date.parse(v.completedAt)))) {
    problems.push('completedAt must be an ISO 8601 instant with an offset, e.g. 2026-11-25T06:03:05Z');
  }
  // Personal data: the certificate only ever shows masked identifiers.
  for (const key of ['maskedMsisdn', 'maskedIccid'] as const) {
    const s = v[key];
    if (typeof s === 'string' && (!s.includes('*') || /\d{8,}/.test(s.replace(/[\s-]/g, '')))) {
      problems.push(`${key} must be masked with * (no run of 8 or more digits)`);
    }
  }
  if (v.reference !== undefined && (typeof v.reference !== 'string' || !/^ZX\d{12}$/.test(v.reference))) {
    problems.push('reference must be ZX followed by 12 digits');
  }
  if (v.holderName !== undefined && (typeof v.holderName !== 'string' || !v.holderName.includes('*') || [...v.holderName].filter((c) => c !== '*').length > 1)) {
    problems.push('holderName must be masked: at most one character shown, the rest *');
  }
  for (const key of Object.keys(v)) {
    if (!ALL_FIELDS.includes(key)) problems.push(`unknown field ${key}`);
  }
  return problems;
}

/** Returns the facts typed, or throws a TypeError listing every problem. */
export function assertFacts(value: unknown): CertificateFacts {
  const problems = checkFacts(value);
  if (problems.length > 0) throw new TypeError(`invalid certificate facts: ${problems.join('; ')}`);
  return value as CertificateFacts;
}

/**
 * Facts as stored in the PDF `Keywords` entry: canonical JSON, ASCII only. pdfkit also copies
 * Keywords into the XMP metadata stream without XML-escaping it, so < > & are escaped too.
 */
export function encodeFactsForPdf(facts: CertificateFacts): string {
  return canonicalJson(assertFacts(facts)).replace(
    /[\u007f-\uffff<>&]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Parses the `Keywords` text back into facts; undefined when it is not a valid facts JSON. */
export function decodeFactsFromPdf(text: string): CertificateFacts | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return checkFacts(parsed).length === 0 ? (parsed as CertificateFacts) : undefined;
}

/** The facts in a PDF's Info dictionary (Keywords), without checking any signature. */
export function readFactsFromPdf(pdf: Uint8Array): CertificateFacts | undefined {
  const text = readInfoString(pdf, 'Keywords');
  return text === undefined ? undefined : decodeFactsFromPdf(text);
}

/** The online verify address the certificate states (Info entry ZhuxiaoVerifyURL), if any. Not proof of anything by itself. */
export function readVerifyUrlFromPdf(pdf: Uint8Array): string | undefined {
  const url = readInfoString(pdf, 'ZhuxiaoVerifyURL');
  return url !== undefined && /^https?:\/\/\S+$/.test(url) ? url : undefined;
}
