// Renders the signed in-store cancellation agreement as an A4 PDF, in the agreement's language
// (zh-CN or en): the masked facts of the line and the owner, the mandate and the checks, the money,
// the acknowledgements, the customer's signature image and the agreement hash. Set in the same
// embedded CJK font as the certificate (assets/fonts); the hash is also in the Info dictionary's
// Keywords ("agreement-sha256:<hex>"). Same content and signature give the same bytes. With
// opts.signature the file gets a PAdES placeholder, signed (carrier certificate, the clerk named as
// signer, time-stamped) by the caller with signPdfWithPlaceholder (src/pki/pdf-signature.ts).
import { readFileSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { CERTIFICATE_FONT_URL, formatBeijingTime, formatFen, missingCharacters } from '../certificates/certificate-pdf.ts';
import type { AgreementContent } from './agreement-content.ts';
import { agreementWords } from './agreement-text.ts';
import { AppError } from '../shared/errors.ts';
import { addSignaturePlaceholder, type PlaceholderOptions } from '../pki/pdf-signature.ts';

const PAGE_W = 595.28;
const PAGE_H = 841.89;
const MARGIN = 50;
const CONTENT_W = PAGE_W - 2 * MARGIN;
const BOTTOM = PAGE_H - MARGIN;
const LABEL_W = 150;
const VALUE_X = MARGIN + LABEL_W + 10;
const VALUE_W = CONTENT_W - LABEL_W - 10;

const INK = '#1a1a1a';
const MUTED = '#5f6368';
const RULE = '#c9ccd1';
const ACCENT = '#a61d24';

let fontBytes: Buffer | undefined;
const font = () => (fontBytes ??= readFileSync(CERTIFICATE_FONT_URL));

/** Characters the embedded font lacks (a rare character in a plan name, say) print as '?' rather than an empty box. */
function printable(s: string): string {
  const missing = new Set(missingCharacters(s));
  return missing.size ? [...s].map((c) => (missing.has(c) ? '?' : c)).join('') : s;
}

export const AGREEMENT_KEYWORDS_PREFIX = 'agreement-sha256:';

export async function renderAgreementPdf(content: AgreementContent, hash: string, signaturePng: Buffer, opts: { signature?: PlaceholderOptions } = {}): Promise<Buffer> {
  const w = agreementWords(content.lang);
  const en = content.lang === 'en';
  const when = formatBeijingTime(content.signedAt);
  const signedAt = new Date(content.signedAt);

  const doc = new PDFDocument({
    size: 'A4',
    margin: 0,
    font: '',
    autoFirstPage: false,
    bufferPages: true,
    pdfVersion: '1.7',
    lang: content.lang,
    displayTitle: true,
    info: {
      Title: `${w.title} ${content.requestId}`,
      Subject: `Store cancellation agreement, ${content.carrier.code}, request ${content.requestId}`,
      Author: printable(content.carrier.name),
      Creator: 'Zhuxiao',
      Producer: 'Zhuxiao (PDFKit)',
      Keywords: `${AGREEMENT_KEYWORDS_PREFIX}${hash}`,
      CreationDate: signedAt,
      ModDate: signedAt,
    },
  });
  const done = collect(doc);
  doc.registerFont('cjk', font());
  doc.addPage({ size: 'A4', margin: 0 });
  doc.font('cjk');

  let y = MARGIN;
  const ensure = (h: number) => {
    if (y + h > BOTTOM) {
      doc.addPage({ size: 'A4', margin: 0 });
      doc.font('cjk');
      y = MARGIN;
    }
  };
  const section = (title: string) => {
    ensure(40);
    y += 10;
    y = put(doc, title, MARGIN, y, { size: 11.5, color: INK, bold: true, width: CONTENT_W });
    doc.lineWidth(0.6).strokeColor(RULE).moveTo(MARGIN, y + 2).lineTo(PAGE_W - MARGIN, y + 2).stroke();
    y += 6;
  };
  const row = (label: string, value: string) => {
    const v = printable(value);
    const h = Math.max(measure(doc, label, 9, LABEL_W), measure(doc, v, 10, VALUE_W));
    ensure(h + 4);
    put(doc, label, MARGIN, y, { size: 9, color: MUTED, width: LABEL_W });
    y = Math.max(y + h, put(doc, v, VALUE_X, y, { size: 10, color: INK, width: VALUE_W })) + 3;
  };
  const paragraph = (s: string, size: number, color = INK) => {
    const t = printable(s);
    ensure(measure(doc, t, size, CONTENT_W, 2));
    y = put(doc, t, MARGIN, y, { size, color, width: CONTENT_W, lineGap: 2 }) + 2;
  };

  // Letterhead.
  put(doc, printable(content.carrier.name), MARGIN, y, { size: 14, color: INK, bold: true, width: CONTENT_W - 220 });
  put(doc, `${w.labels.requestId}`, PAGE_W - MARGIN - 220, y, { size: 8, color: MUTED, width: 220, align: 'right' });
  put(doc, content.requestId, PAGE_W - MARGIN - 220, y + 11, { size: 8.5, color: INK, width: 220, align: 'right' });
  y += 20;
  y = put(doc, printable(content.store.name), MARGIN, y, { size: 9, color: MUTED, width: CONTENT_W - 220 }) + 6;
  doc.lineWidth(2).strokeColor(ACCENT).moveTo(MARGIN, y).lineTo(PAGE_W - MARGIN, y).stroke();
  doc.lineWidth(0.6).moveTo(MARGIN, y + 4).lineTo(PAGE_W - MARGIN, y + 4).stroke();
  y += 16;
  y = put(doc, w.title, MARGIN, y, { size: 20, color: ACCENT, bold: true, width: CONTENT_W, align: 'center' }) + 2;
  y = put(doc, w.subtitle, MARGIN, y, { size: 9, color: MUTED, width: CONTENT_W, align: 'center' }) + 10;
  paragraph(w.intro, 10);

  section(w.sections.request);
  row(w.labels.requestId, content.requestId);
  row(w.labels.store, content.store.name);
  row(w.labels.clerk, content.clerk.displayName);
  row(w.labels.signedAt, en ? when.en : when.zh);

  section(w.sections.line);
  row(w.labels.carrier, content.carrier.name);
  row(w.labels.msisdn, content.line.maskedMsisdn);
  row(w.labels.iccid, content.line.maskedIccid);
  row(w.labels.formFactor, w.formFactors[content.line.formFactor]);
  row(w.labels.plan, content.line.plan);
  row(w.labels.homeProvince, content.line.homeProvinceName);
  row(w.labels.lineStatus, w.lineStatuses[content.line.status] ?? content.line.status);
  if (content.outOfProvince) {
    const o = content.outOfProvince;
    row(w.labels.outOfProvince, o.forwarded ? w.forwarded(o.provinceName, o.slaDays ?? 0) : w.localOutOfProvince(o.provinceName));
  }

  section(w.sections.owner);
  row(w.labels.ownerName, content.owner.maskedName);
  row(w.labels.idType, w.idTypes[content.owner.idType] ?? content.owner.idType);
  row(w.labels.idNumber, content.owner.maskedIdNumber);

  section(w.sections.applicant);
  row(w.labels.mandate, w.mandates[content.mandate.type]);
  if (content.mandate.maskedApplicantName) row(w.labels.applicantName, content.mandate.maskedApplicantName);
  if (content.mandate.maskedApplicantIdNumber) row(w.labels.applicantIdNumber, content.mandate.maskedApplicantIdNumber);
  if (content.mandate.relationship) row(w.labels.relationship, content.mandate.relationship);
  row(w.labels.documents, content.mandate.documents.length
    ? content.mandate.documents.map((d) => w.documentKinds[d.kind] ?? d.kind).join(en ? '; ' : '；')
    : w.results.none);

  section(w.sections.checks);
  if (content.line.formFactor === 'physical') row(w.labels.card, content.checks.cardReturned ? w.results.matches : w.results.cardLost);
  else row(w.labels.esimProfile, content.checks.esimProfileDeleted ? w.results.deleted : w.results.notDeleted);
  row(w.labels.idCheck, w.results.passed);
  row(w.labels.faceCheck, w.results.passed);

  section(w.sections.money);
  const m = content.money;
  for (const item of m.items) row(item.label, formatFen(item.amountFen));
  row(w.labels.billTotal, formatFen(m.billTotalFen));
  row(w.labels.cashBalance, formatFen(m.cashBalanceFen));
  row(w.labels.promoCredit, formatFen(m.promotionalCreditFen));
  row(w.labels.penalty, m.penalty.applies ? `${formatFen(m.penalty.amountFen)}${m.penalty.accepted ? (en ? ` (${w.results.penaltyAccepted})` : `（${w.results.penaltyAccepted}）`) : ''}` : w.results.noPenalty);
  row(w.labels.refund, formatFen(m.refundFen));
  row(w.labels.refundRoute, m.refundRoute.detail ? `${m.refundRoute.label} (${m.refundRoute.detail})` : m.refundRoute.label);

  section(w.sections.acknowledgements);
  for (const a of content.acknowledgements) paragraph(`✓ ${a.text}`, 9.5);

  section(w.sections.signature);
  paragraph(w.signatureNote, 9, MUTED);
  const boxH = 100;
  const boxW = 260;
  ensure(boxH + 24);
  doc.lineWidth(0.6).strokeColor(RULE).rect(MARGIN, y, boxW, boxH).stroke();
  try {
    doc.image(signaturePng, MARGIN + 6, y + 6, { fit: [boxW - 12, boxH - 12], align: 'center', valign: 'center' });
  } catch {
    throw new AppError('invalid_document', 'The signature PNG could not be drawn.', { field: 'signaturePng', reason: 'unreadable' });
  }
  put(doc, en ? when.en : when.zh, MARGIN + boxW + 14, y + boxH - 14, { size: 8.5, color: MUTED, width: CONTENT_W - boxW - 14 });
  y += boxH + 12;

  ensure(60);
  y = put(doc, w.labels.hash, MARGIN, y, { size: 9, color: MUTED, width: CONTENT_W });
  y = put(doc, hash, MARGIN, y + 1, { size: 9.5, color: INK, width: CONTENT_W }) + 4;
  if (opts.signature) {
    // The clerk signs too: the file's PAdES signature names them (carrier certificate, time-stamped).
    y = put(doc, `${w.labels.clerk}：${printable(content.clerk.displayName)} · 电子签名 Digital signature (PAdES)`, MARGIN, y + 2, { size: 9, color: INK, width: CONTENT_W }) + 4;
  }
  paragraph(w.hashNote, 8, MUTED);

  // Every page names the request and its place, so the pages of a signed agreement stay together.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const fy = PAGE_H - MARGIN + 16;
    doc.lineWidth(0.4).strokeColor(RULE).moveTo(MARGIN, fy - 4).lineTo(PAGE_W - MARGIN, fy - 4).stroke();
    put(doc, `${w.labels.requestId} ${content.requestId}`, MARGIN, fy, { size: 7.5, color: MUTED, width: CONTENT_W / 2 });
    put(doc, w.page(i - range.start + 1, range.count), MARGIN + CONTENT_W / 2, fy, { size: 7.5, color: MUTED, width: CONTENT_W / 2, align: 'right' });
  }
  if (opts.signature) addSignaturePlaceholder(doc, opts.signature);
  doc.end();
  return done;
}

type Style = { size: number; color: string; width: number; align?: 'left' | 'center' | 'right'; lineGap?: number; bold?: boolean };

/** Draws text at (x, y) and returns the y just below it. */
function put(doc: PDFKit.PDFDocument, s: string, x: number, y: number, style: Style): number {
  const options: PDFKit.Mixins.TextOptions = { width: style.width, align: style.align ?? 'left', lineGap: style.lineGap ?? -0.2 * style.size, fill: true, stroke: style.bold === true };
  doc.fontSize(style.size).fillColor(style.color);
  if (style.bold) doc.lineWidth(style.size / 36).strokeColor(style.color);
  const h = doc.heightOfString(s, options);
  doc.text(s, x, y, options);
  return y + h;
}

function measure(doc: PDFKit.PDFDocument, s: string, size: number, width: number, lineGap = -0.2 * size): number {
  doc.fontSize(size);
  return doc.heightOfString(s, { width, lineGap });
}

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Uint8Array) => chunks.push(Buffer.from(c)));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}
