// PAdES baseline B-T signatures in a PDF made by pdfkit (ETSI EN 319 142-1):
//
//   1. addSignaturePlaceholder(doc) before doc.end(): a signature dictionary (/SubFilter
//      /ETSI.CAdES.detached, a zeroed /Contents of fixed size, a /ByteRange to fill in), its
//      invisible widget on the page and the AcroForm that lists it (/SigFlags 3).
//   2. signPdfWithPlaceholder(pdf, signer, tsa): writes the ByteRange (every byte of the file except
//      the /Contents hex string), signs its SHA-256 as CMS (cms.ts: signingCertificateV2, no
//      signing-time attribute, as PAdES wants), time-stamps the signature value (RFC 3161) as the
//      unsigned signatureTimeStampToken attribute, and writes the CMS into /Contents.
//
// The bytes covered end at the file's end: any byte after them (an appended update, an old-style
// trailer) is reported as not covering the whole document. Pure, apart from the TSA call.
import type PDFDocument from 'pdfkit';
import { CMS_OID, signCmsDer, type SignerIdentity } from './cms.ts';
import { sha256, timestampRequest, tokenFromResponse } from './timestamp.ts';

/** Room for the CMS: the signer's certificate, the time-stamp token with the TSA's, attributes. */
const CONTENTS_BYTES = 8192;
const BYTE_RANGE_PLACEHOLDER = '[0 0000000000 0000000000 0000000000]';

/** A value pdfkit writes as is (its serializer calls toString() on objects that are not plain). */
class RawPdf {
  constructor(private readonly text: string) {}
  get [Symbol.toStringTag](): string {
    return 'RawPdf';
  }
  toString(): string {
    return this.text;
  }
}

export type PlaceholderOptions = {
  /** Who signs: the signature dictionary's /Name. */
  name: string;
  reason: string;
  location?: string;
  contactInfo?: string;
  /** The signer's claimed time (/M); the time-stamp is what proves it. */
  signingTime: Date;
};

type PdfKitInternals = {
  _acroform?: { fonts: Record<string, unknown>; defaultFont: unknown };
  _root: { data: Record<string, unknown> };
  page: { dictionary: unknown; annotations: unknown[] };
  ref(data: Record<string, unknown>): { end(): void };
};

export function addSignaturePlaceholder(doc: typeof PDFDocument.prototype, opts: PlaceholderOptions): void {
  const d = doc as unknown as PdfKitInternals;
  const sig = d.ref({
    Type: 'Sig',
    Filter: 'Adobe.PPKLite',
    SubFilter: 'ETSI.CAdES.detached',
    ByteRange: new RawPdf(BYTE_RANGE_PLACEHOLDER),
    Contents: new Uint8Array(CONTENTS_BYTES),
    M: opts.signingTime,
    Name: new String(opts.name),
    Reason: new String(opts.reason),
    ...(opts.location ? { Location: new String(opts.location) } : {}),
    ...(opts.contactInfo ? { ContactInfo: new String(opts.contactInfo) } : {}),
  });
  sig.end();
  const widget = d.ref({
    Type: 'Annot',
    Subtype: 'Widget',
    FT: 'Sig',
    Rect: [0, 0, 0, 0],
    F: 132, // Print | Locked
    T: new String('Signature1'),
    V: sig,
    P: d.page.dictionary,
  });
  widget.end();
  d.page.annotations.push(widget);
  // pdfkit ends the AcroForm itself (endAcroForm, on doc.end()) once it sees one, and wants a font
  // table in it; a signature field needs no font.
  d._root.data.AcroForm = d.ref({ Fields: [widget], SigFlags: 3, DR: { Font: {} } });
  d._acroform = { fonts: {}, defaultFont: 'none' };
}

/** Asks the TSA for a token over the SHA-256 of `data`. */
export type Timestamper = (requestDer: Buffer) => Promise<Buffer>;

export async function timestampToken(data: Uint8Array, tsa: Timestamper): Promise<Buffer> {
  const digest = sha256(data);
  const req = timestampRequest(digest);
  return tokenFromResponse(await tsa(req.der), req.nonce, digest);
}

export async function signPdfWithPlaceholder(pdf: Buffer, signer: SignerIdentity, tsa: Timestamper): Promise<Buffer> {
  const brAt = pdf.lastIndexOf(`/ByteRange ${BYTE_RANGE_PLACEHOLDER}`);
  if (brAt < 0) throw new TypeError('no signature placeholder in the PDF (addSignaturePlaceholder before doc.end())');
  const contentsAt = pdf.indexOf('/Contents <', brAt);
  if (contentsAt < 0) throw new TypeError('the signature placeholder has no /Contents');
  const start = contentsAt + '/Contents '.length; // at '<'
  const end = pdf.indexOf('>', start) + 1; // just after '>'
  if (end - start !== CONTENTS_BYTES * 2 + 2) throw new TypeError('unexpected /Contents placeholder size');
  const range = `[0 ${start} ${end} ${pdf.length - end}]`;
  const out = Buffer.from(pdf);
  out.write(range.padEnd(BYTE_RANGE_PLACEHOLDER.length, ' '), brAt + '/ByteRange '.length, 'latin1');

  const signed = Buffer.concat([out.subarray(0, start), out.subarray(end)]);
  const sd = signCmsDer({ signer, eContentType: CMS_OID.data, content: signed, attach: false });
  const cms = sd.encode([{ type: CMS_OID.signatureTimeStampToken, valueDer: await timestampToken(sd.signature, tsa) }]);
  if (cms.length > CONTENTS_BYTES) throw new RangeError(`the CMS signature (${cms.length} bytes) does not fit the ${CONTENTS_BYTES}-byte placeholder`);
  out.write(cms.toString('hex').padEnd(CONTENTS_BYTES * 2, '0'), start + 1, 'latin1');
  return out;
}

export type PdfSignature = {
  byteRange: [number, number, number, number];
  subFilter?: string;
  /** The CMS, without the zero padding. */
  cms: Buffer;
  /** The bytes the ByteRange names. */
  signedContent: Buffer;
  /** The ByteRange starts at 0, skips exactly the /Contents string and ends at the file's end. */
  coversWholeFile: boolean;
};

/** The last signature dictionary of the PDF, or undefined when it has none. */
export function readPdfSignature(pdf: Buffer): PdfSignature | undefined {
  const text = pdf.toString('latin1');
  const re = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g;
  let m: RegExpExecArray | null;
  let last: RegExpExecArray | undefined;
  while ((m = re.exec(text))) last = m;
  if (!last) return undefined;
  const br = [Number(last[1]), Number(last[2]), Number(last[3]), Number(last[4])] as [number, number, number, number];
  const [a, b, c, d] = br;
  if (b > pdf.length || c > pdf.length || c + d > pdf.length || b >= c || a !== 0) return undefined;
  if (pdf[b] !== 0x3c || pdf[c - 1] !== 0x3e) return undefined; // < ... >
  const hex = text.slice(b + 1, c - 1);
  if (!/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  const raw = Buffer.from(hex, 'hex');
  const cms = trimDer(raw);
  const dictStart = text.lastIndexOf('<<', last.index);
  const sub = /\/SubFilter\s*\/([A-Za-z0-9.#_-]+)/.exec(text.slice(dictStart, c + 400));
  return {
    byteRange: br,
    ...(sub ? { subFilter: sub[1] } : {}),
    cms,
    signedContent: Buffer.concat([pdf.subarray(0, b), pdf.subarray(c, c + d)]),
    coversWholeFile: c + d === pdf.length,
  };
}

/** The DER value at the start of a zero-padded buffer. */
function trimDer(buf: Buffer): Buffer {
  if (buf.length < 2 || buf[0] !== 0x30) return buf;
  let len = buf[1];
  let head = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || buf.length < 2 + n) return buf;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[2 + i];
    head = 2 + n;
  }
  return buf.subarray(0, Math.min(buf.length, head + len));
}
