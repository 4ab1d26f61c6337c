// Renders the cancellation certificate (注销证明) as a one-page A4 PDF.
//
// - Text is set in a subset of Noto Sans CJK SC (assets/fonts, see its README), embedded in the
//   PDF; no other font is used, so the file looks the same in every reader.
// - The facts are also stored as canonical JSON in the Info dictionary's `Keywords` entry (see
//   facts.ts) so `zhuxiao verify` and the verify page can read them back after checking the
//   signature (signing.ts). The PDF is then signed with signPdf().
// - Deterministic: the same facts and verifyUrl give the same bytes (CreationDate is the
//   completion time, the file ID derives from the Info dictionary, no random font tags).
// - Tagged PDF (PDF/UA-style): language zh-CN, a Document structure with headings, paragraphs and
//   figures (QR code, seal) in reading order; rules and panels are artifacts.
// - With `signature`, the file carries a PAdES signature placeholder (src/pki/pdf-signature.ts)
//   that signCertificatePdf() fills: the CMS signature then covers every byte but itself.
//
// Chinese comes first, English beneath each label.

import { formatRequestReference } from '../cancellation/request-reference.ts';
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { LRUCache } from 'lru-cache';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { assertFacts, encodeFactsForPdf } from './facts.ts';
import { formatVerifyCode } from './verify-code.ts';
import type { CertificateFacts } from './facts.ts';
import { addSignaturePlaceholder, type PlaceholderOptions } from '../pki/pdf-signature.ts';

export type { CertificateFacts } from './facts.ts';

export const CERTIFICATE_FONT_URL = new URL('../../assets/fonts/NotoSansCJKsc-Zhuxiao-subset.otf', import.meta.url);

let fontBytes: Buffer | undefined;
function certificateFont(): Buffer {
  fontBytes ??= readFileSync(CERTIFICATE_FONT_URL);
  return fontBytes;
}

/** What pdfkit uses of a parsed (fontkit) font here. */
type ParsedFont = { layout(...args: unknown[]): GlyphRunLike; hasGlyphForCodePoint(codePoint: number): boolean };
type GlyphRunLike = { positions: object[] };
let parsedFont: ParsedFont | undefined;

/**
 * The certificate font, parsed once and shared by every document (pdfkit embeds a subset of it per
 * document; registerFont takes a parsed font). Its text layout (shaping) is memoised too: most of a
 * certificate's text is the same on every certificate. pdfkit scales the positions of the run it gets
 * in place, so each caller gets its own copy of them.
 */
function sharedFont(): ParsedFont {
  if (parsedFont) return parsedFont;
  // pdfkit parses the font with fontkit; take that parsed font rather than parsing it twice.
  const probe = new PDFDocument({ font: '', autoFirstPage: false });
  probe.registerFont('cjk', certificateFont());
  probe.font('cjk');
  const font = (probe as unknown as { _font?: { font?: ParsedFont } })._font?.font;
  if (typeof font?.layout !== 'function' || typeof font.hasGlyphForCodePoint !== 'function') throw new Error('pdfkit no longer exposes its fontkit font: update sharedFont()');
  const layout = font.layout.bind(font);
  const runs = new Map<string, GlyphRunLike>();
  font.layout = (...args: unknown[]) => {
    const key = JSON.stringify(args);
    let run = runs.get(key);
    if (!run) {
      if (runs.size >= 5000) runs.clear();
      run = layout(...args);
      runs.set(key, run);
    }
    return Object.assign(Object.create(Object.getPrototypeOf(run)), run, { positions: run.positions.map((p) => ({ ...p })) });
  };
  parsedFont = font;
  return font;
}

/**
 * The characters most certificates use, included in each document's font subset first and in this
 * order, so the subset (and its glyph numbering) is the same on most certificates and can be
 * reused: printable ASCII (numbers, codes, the English text) and the page's fixed Chinese text.
 * A character missing here only makes the subset differ (and be encoded anew), never a wrong page.
 */
const SUBSET_SEED = String.fromCharCode(...Array.from({ length: 95 }, (_, i) => 32 + i)) +
  '¥（）：；，。、<>编号注销证明兹下列移动电话码已于在办理户手续该上的全部业务终止运营商手机卡（）类型渠道完成时间退款金额方式机主姓名受理申请实体嵌入式线营厅系统企批量原路回' +
  '年月日北京真伪核验附有数字签名与可信戳任何阅读器均可改都会使失效扫描二维或访问以网址也运行文件离线温馨提示后将进冷冻期满能被重新分配给他人请及时解除银行支付各互联账绑定电子事实密钥本由平台出具打印件结果为准专用章';

const LAYOUT_DOCUMENTS_MAX = 1000;
/** Text runs laid out in the shared font (pdfkit keeps one such cache per document), shared by every document. */
let sharedLayouts = Object.create(null) as Record<string, unknown>;
let layoutDocuments = 0;
/** The embedded font file (the subset's CFF, deflated, about 47 kB) by the subset's glyphs in order. */
const fontFiles = new LRUCache<string, Buffer>({ max: 64 });
const EMPTY = Buffer.alloc(0);

type PdfRef = { compress: boolean; data: Record<string, unknown>; end(chunk?: Uint8Array): void };
type EmbeddedFontInternals = {
  layoutCache?: Record<string, unknown>;
  subset: { glyphs: number[]; encode(): Uint8Array };
  document: { ref(data?: Record<string, unknown>): PdfRef };
  encode(text: string): unknown;
  embed(): void;
};

/**
 * What every certificate's font work has in common, done once (pdfkit does it per document): the
 * layout of its text runs, and the embedded subset font, which is the same file whenever the
 * document uses the same glyphs in the same order (SUBSET_SEED makes that the usual case). pdfkit
 * scales a run's positions when it lays it out and copies them before changing one, so runs can be
 * shared; the font file is deflated as pdfkit would (same bytes) and written as is.
 */
function shareFontWork(doc: PDFKit.PDFDocument): void {
  const font = (doc as unknown as { _font?: EmbeddedFontInternals })._font;
  if (!font?.subset || typeof font.embed !== 'function' || typeof font.encode !== 'function') throw new Error('pdfkit no longer has the font internals shareFontWork uses: update it');
  if (font.layoutCache) {
    // Words unique to one certificate (numbers, codes) accumulate: start afresh now and then.
    if (++layoutDocuments > LAYOUT_DOCUMENTS_MAX) {
      sharedLayouts = Object.create(null) as Record<string, unknown>;
      layoutDocuments = 0;
    }
    font.layoutCache = sharedLayouts;
  }
  font.encode(SUBSET_SEED);
  const embed = font.embed.bind(font);
  font.embed = () => {
    const key = font.subset.glyphs.join(',');
    const cached = fontFiles.get(key);
    if (cached) font.subset.encode = () => EMPTY;
    const document = font.document;
    const ref = document.ref;
    // The font file is the first object embed() makes.
    document.ref = (data?: Record<string, unknown>) => {
      document.ref = ref;
      const file = ref.call(document, data);
      file.compress = false;
      file.data.Filter = 'FlateDecode';
      const end = file.end.bind(file);
      file.end = (chunk?: Uint8Array) => {
        let deflated = cached;
        if (!deflated) {
          deflated = deflateSync(chunk ?? EMPTY);
          fontFiles.set(key, deflated);
        }
        end(deflated);
      };
      return file;
    };
    try {
      embed();
    } finally {
      document.ref = ref;
    }
  };
}

/** ¥1,234.56 from integer fen. */
export function formatFen(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError('amount must be an integer number of fen');
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}¥${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000; // China Standard Time, UTC+8, no daylight saving
const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** The instant in Beijing time, in Chinese and in English. */
export function formatBeijingTime(iso: string): { zh: string; en: string } {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`not a date: ${iso}`);
  const d = new Date(ms + BEIJING_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  const time = `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
  return {
    zh: `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${time}（北京时间）`,
    en: `${d.getUTCDate()} ${MONTHS_EN[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${time} China Standard Time (UTC+8)`,
  };
}

const FORM_FACTOR = {
  physical: { zh: '实体 SIM 卡', en: 'Physical SIM card' },
  esim: { zh: 'eSIM（嵌入式 SIM 卡）', en: 'eSIM (embedded SIM)' },
} as const;

const CHANNEL = {
  online: { zh: '线上办理', en: 'Online' },
  store: { zh: '营业厅办理', en: 'In store' },
  api: { zh: '运营商系统受理', en: 'Carrier system (TMF622)' },
  fleet: { zh: '企业批量注销', en: 'Company fleet job' },
} as const;

// Page geometry (points; A4 is 595.28 x 841.89).
const PAGE_W = 595.28;
const PAGE_H = 841.89;
const MARGIN_X = 56;
const CONTENT_W = PAGE_W - 2 * MARGIN_X;

const INK = '#1a1a1a';
const MUTED = '#5f6368';
const RULE = '#c9ccd1';
const ACCENT = '#a61d24'; // the red of Chinese official documents (红头)
const PANEL = '#f6f7f9';
const PAD_Y = 3.2; // vertical padding of a table row

type Row = { zh: string; en: string; value: string; valueEn?: string; isCode?: boolean }; // identifiers are set a little larger

export type RenderOptions = {
  /** The public verify page for this certificate, carried by the QR code (with the code, when there is one). */
  verifyUrl: string;
  /** The verification code (verify-code.ts), printed beside the QR code for people who type it. */
  verifyCode?: string;
  /** Leave room for a PAdES signature (signCertificatePdf fills it). */
  signature?: PlaceholderOptions;
  /** The Ed25519 signature over the facts (signPayload), stored in the Info dictionary as `ed25519 <keyId> <base64>`. */
  factsSignature?: string;
};

export async function renderCertificatePdf(facts: CertificateFacts, opts: RenderOptions): Promise<Buffer> {
  assertFacts(facts);
  if (!/^https?:\/\/\S+$/.test(opts.verifyUrl)) throw new TypeError('verifyUrl must be an http(s) URL');
  if (opts.verifyCode !== undefined && !/^[0-9A-Z]{13}$/.test(opts.verifyCode)) throw new TypeError('verifyCode must be 13 characters of Crockford base32');

  const when = formatBeijingTime(facts.completedAt);
  const rows: Row[] = [
    { zh: '证明编号', en: 'Certificate No.', value: facts.serial, isCode: true },
    { zh: '运营商', en: 'Carrier', value: facts.carrierNameZh, valueEn: facts.carrierNameEn },
    { zh: '手机号码', en: 'Mobile number', value: facts.maskedMsisdn, isCode: true },
    { zh: 'SIM 卡号（ICCID）', en: 'SIM card number (ICCID)', value: facts.maskedIccid, isCode: true },
    { zh: '卡类型', en: 'SIM type', value: FORM_FACTOR[facts.formFactor].zh, valueEn: FORM_FACTOR[facts.formFactor].en },
    { zh: '办理渠道', en: 'Channel', value: CHANNEL[facts.channel].zh, valueEn: CHANNEL[facts.channel].en },
    { zh: '注销完成时间', en: 'Cancellation completed', value: when.zh, valueEn: when.en },
    { zh: '退款金额', en: 'Refund amount', value: formatFen(facts.refundFen) },
    { zh: '退款方式', en: 'Refund method', value: facts.refundRouteLabelZh, valueEn: facts.refundRouteLabelEn },
    ...(facts.holderName ? [{ zh: '机主姓名', en: 'Holder', value: facts.holderName }] : []),
    ...(facts.reference ? [{ zh: '受理编号', en: 'Request reference', value: formatRequestReference(facts.reference), isCode: true }] : []),
    { zh: '申请编号', en: 'Request id', value: facts.requestId, isCode: true },
  ];

  assertCovered([...rows.flatMap((r) => [r.value, r.valueEn ?? '']), opts.verifyUrl, opts.verifyCode ?? '', SEAL_TEXT]);

  const qr = QRCode.create(opts.verifyUrl, { errorCorrectionLevel: 'M' }).modules;

  const doc = new PDFDocument({
    size: 'A4',
    margin: 0,
    font: '', // no default Helvetica: the embedded CJK font is the only font in the file
    autoFirstPage: false,
    pdfVersion: '1.7',
    lang: 'zh-CN',
    displayTitle: true,
    tagged: true,
    info: {
      Title: `注销证明 Certificate of Cancellation ${facts.serial}`,
      Subject: `Certificate of cancellation of a mobile line, ${facts.carrierNameEn}, ${facts.serial}`,
      Author: facts.carrierNameEn,
      Creator: 'Zhuxiao',
      Producer: 'Zhuxiao (PDFKit)',
      Keywords: encodeFactsForPdf(facts),
      // Where to check this certificate online (with its verification code): read by `zhuxiao verify`.
      ZhuxiaoVerifyURL: opts.verifyUrl,
      ...(opts.factsSignature ? { ZhuxiaoFactsSignature: opts.factsSignature } : {}),
      CreationDate: new Date(facts.completedAt),
      ModDate: new Date(facts.completedAt),
    } as PDFKit.DocumentInfo, // pdfkit writes any extra entry; its types list only the standard ones
  });
  const done = collect(doc);

  doc.registerFont('cjk', sharedFont() as never); // pdfkit takes a parsed font; its types list only files and bytes
  doc.addPage({ size: 'A4', margin: 0 });
  doc.font('cjk');
  shareFontWork(doc);
  const structure = doc.struct('Document');
  doc.addStructure(structure);
  tagRoots.set(doc, structure);

  // Frame.
  artifact(doc, () => doc.lineWidth(0.6).strokeColor(RULE).rect(28, 28, PAGE_W - 56, PAGE_H - 56).stroke());

  // Letterhead: carrier, then the red double rule of an official document.
  let y = 50;
  const nameW = CONTENT_W - 270;
  const nameBottom = text(doc, facts.carrierNameEn, MARGIN_X, text(doc, facts.carrierNameZh, MARGIN_X, y, { size: 15, color: INK, bold: true, width: nameW }) + 1, {
    size: 9,
    color: MUTED,
    width: nameW,
  });
  text(doc, '编号 No.', PAGE_W - MARGIN_X - 260, y + 3, { size: 8, color: MUTED, width: 260, align: 'right' });
  const serialBottom = text(doc, facts.serial, PAGE_W - MARGIN_X - 260, y + 16, { size: 10, color: INK, width: 260, align: 'right' });
  y = Math.max(nameBottom, serialBottom) + 8;
  artifact(doc, () => {
    doc.lineWidth(2).strokeColor(ACCENT).moveTo(MARGIN_X, y).lineTo(PAGE_W - MARGIN_X, y).stroke();
    doc.lineWidth(0.6).moveTo(MARGIN_X, y + 4).lineTo(PAGE_W - MARGIN_X, y + 4).stroke();
  });

  // Title.
  y += 18;
  text(doc, '注 销 证 明', MARGIN_X, y, { size: 25, color: ACCENT, bold: true, width: CONTENT_W, align: 'center', tag: 'H1' });
  y += 36;
  text(doc, 'CERTIFICATE OF CANCELLATION', MARGIN_X, y, { size: 10.5, color: INK, width: CONTENT_W, align: 'center', spacing: 2.2 });

  // Statement.
  y += 25;
  const statementZh = `兹证明：下列移动电话号码已于${when.zh}在${facts.carrierNameZh}办理注销（销户）手续，该号码上的全部业务已终止。`;
  const statementEn = `This certifies that the mobile line below was cancelled with ${facts.carrierNameEn} on ${when.en}, and that all services on the line have ended.`;
  y = text(doc, statementZh, MARGIN_X, y, { size: 11, color: INK, width: CONTENT_W, lineGap: 3 });
  y = text(doc, statementEn, MARGIN_X, y + 3, { size: 8.5, color: MUTED, width: CONTENT_W, lineGap: 1.5 });

  // Facts table: label column (Chinese, English beneath), value column.
  y += 12;
  const labelW = 150;
  const valueX = MARGIN_X + labelW + 12;
  const valueW = CONTENT_W - labelW - 20;
  artifact(doc, () => doc.lineWidth(1).strokeColor(INK).moveTo(MARGIN_X, y).lineTo(PAGE_W - MARGIN_X, y).stroke());
  rows.forEach((row, i) => {
    const top = y;
    const labelH = height(doc, row.zh, 10, labelW) + 1 + height(doc, row.en, 7.5, labelW);
    const valueH = height(doc, row.value, row.isCode ? 10.5 : 10, valueW) + (row.valueEn ? 1 + height(doc, row.valueEn, 7.5, valueW) : 0);
    const bottom = top + PAD_Y + Math.max(labelH, valueH) + PAD_Y;
    if (i % 2 === 0) artifact(doc, () => doc.fillColor(PANEL).rect(MARGIN_X, top + 0.5, CONTENT_W, bottom - top - 1).fill());
    const labelBottom = text(doc, row.zh, MARGIN_X + 8, top + PAD_Y, { size: 10, color: INK, width: labelW });
    text(doc, row.en, MARGIN_X + 8, labelBottom + 1, { size: 7.5, color: MUTED, width: labelW });
    const valueBottom = text(doc, row.value, valueX, top + PAD_Y, { size: row.isCode ? 10.5 : 10, color: INK, width: valueW });
    if (row.valueEn) text(doc, row.valueEn, valueX, valueBottom + 1, { size: 7.5, color: MUTED, width: valueW });
    y = bottom;
    const last = i === rows.length - 1;
    artifact(doc, () => doc.lineWidth(last ? 1 : 0.4).strokeColor(last ? INK : RULE).moveTo(MARGIN_X, y).lineTo(PAGE_W - MARGIN_X, y).stroke());
  });

  const sealY = y - 78; // over the lower right of the facts table, near the date, as on paper
  // Verification panel: QR code and how to check the signature.
  y += 16;
  const qrSize = 80;
  const qrY = y;
  structure.add(doc.struct('Figure', { alt: `二维码：核验网址 QR code: ${opts.verifyUrl}` }, () => drawQr(doc, qr, MARGIN_X + 10, qrY + 10, qrSize)));
  const tx = MARGIN_X + qrSize + 26;
  const tw = CONTENT_W - qrSize - 38;
  let ty = text(doc, '真伪核验', tx, y + 8, { size: 10.5, color: INK, bold: true, tag: 'H2' });
  if (opts.verifyCode) {
    // Beside the heading, for people who type the address instead of scanning the QR code.
    text(doc, '核验码 Verification code', tx, y + 10, { size: 7.5, color: MUTED, width: tw - 100, align: 'right' });
    text(doc, formatVerifyCode(opts.verifyCode), tx + tw - 96, y + 8, { size: 10.5, color: INK, width: 96, align: 'right' });
  }
  ty = text(doc, 'Verification', tx, ty, { size: 7.5, color: MUTED });
  ty = text(doc, '本证明附有 PAdES 数字签名与可信时间戳，任何 PDF 阅读器均可核验；任何改动都会使签名失效。扫描二维码或访问以下网址核验，也可运行 zhuxiao verify <文件.pdf> 离线核验。', tx, ty + 4, {
    size: 8.5,
    color: INK,
    width: tw,
    lineGap: 1.5,
  });
  ty = text(doc, 'This certificate carries a PAdES digital signature with a trusted time-stamp that any PDF reader can check; any change invalidates it. Scan the QR code or open the address below, or run zhuxiao verify <file.pdf> offline.', tx, ty + 2, {
    size: 7.5,
    color: MUTED,
    width: tw,
  });
  text(doc, opts.verifyUrl, tx, ty + 4, { size: 8, color: ACCENT, width: tw });
  const panelH = qrSize + 20;
  const panelY = y;
  artifact(doc, () => doc.lineWidth(0.6).strokeColor(RULE).rect(MARGIN_X, panelY, CONTENT_W, panelH).stroke());
  y += panelH;

  // Reminder the regulator asks carriers to give at cancellation.
  y += 12;
  y = text(doc, '温馨提示：号码注销后将进入冷冻期，期满后可能被重新分配给他人。请及时解除该号码与银行、支付及各类互联网账号的绑定。', MARGIN_X, y, {
    size: 8,
    color: MUTED,
    width: CONTENT_W,
    lineGap: 1.5,
  });
  y = text(doc, 'Reminder: after cancellation the number is frozen and may later be reissued to someone else. Unbind it from your bank, payment and online accounts.', MARGIN_X, y + 1, {
    size: 7,
    color: MUTED,
    width: CONTENT_W,
  });

  // Footer: key id, algorithm, how the certificate was issued.
  const fy = PAGE_H - 72;
  if (y > fy - 6) throw new RangeError('certificate text does not fit on one page; shorten the labels or names');
  artifact(doc, () => doc.lineWidth(0.4).strokeColor(RULE).moveTo(MARGIN_X, fy).lineTo(PAGE_W - MARGIN_X, fy).stroke());
  text(doc, `电子签名 Signature: PAdES B-T (ECDSA P-256, RFC 3161)    事实签名密钥 Facts key ID: ${facts.keyId} (Ed25519)`, MARGIN_X, fy + 7, { size: 7.5, color: MUTED, width: CONTENT_W });
  text(doc, '本证明由 Zhuxiao 注销平台以电子方式出具；打印件可扫描二维码核验，以数字签名核验结果为准。', MARGIN_X, fy + 19, {
    size: 7.5,
    color: MUTED,
    width: CONTENT_W,
  });
  text(doc, 'Issued electronically by the Zhuxiao cancellation platform. Printed copies can be checked with the QR code; the digital signature check is authoritative.', MARGIN_X, fy + 31, {
    size: 6.5,
    color: MUTED,
    width: CONTENT_W,
  });

  // The carrier's seal (电子印章), over the lower right of the page as on a paper certificate.
  structure.add(doc.struct('Figure', { alt: `${facts.carrierNameZh}${SEAL_TEXT}（电子印章） Seal of ${facts.carrierNameEn}` }, () => drawSeal(doc, facts.carrierNameZh, PAGE_W - MARGIN_X - 70, sealY)));
  structure.end();
  if (opts.signature) addSignaturePlaceholder(doc, opts.signature);
  doc.end();
  return done;
}

/**
 * The QR code as vector squares (each row's runs of dark modules as one rectangle): sharp at any
 * zoom, and no PNG to encode and decode again for every certificate.
 */
function drawQr(doc: PDFKit.PDFDocument, modules: { size: number; get(row: number, col: number): number | boolean }, x: number, y: number, size: number): void {
  const m = size / modules.size;
  doc.save();
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size;) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < modules.size && modules.get(row, col)) col++;
      doc.rect(x + start * m, y + row * m, (col - start) * m, m);
    }
  }
  doc.fillColor('#000000').fill();
  doc.restore();
}

const SEAL_TEXT = '注销专用章';
const SEAL_RED = '#d0202a';

/** A red circular seal: double ring, the carrier's name along the upper arc, a star, the seal's use beneath. Vector. */
function drawSeal(doc: PDFKit.PDFDocument, name: string, cx: number, cy: number): void {
  const r = 50;
  doc.save();
  doc.opacity(0.82);
  doc.lineWidth(2.6).strokeColor(SEAL_RED).circle(cx, cy, r).stroke();
  doc.lineWidth(0.7).circle(cx, cy, r - 4).stroke();
  // Five-pointed star.
  const star: Array<[number, number]> = [];
  for (let i = 0; i < 10; i++) {
    const rad = i % 2 === 0 ? 14 : 5.6;
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    star.push([cx + rad * Math.cos(a), cy - 2 + rad * Math.sin(a)]);
  }
  doc.fillColor(SEAL_RED).polygon(...star).fill();
  // The name along the arc, each character turned to face the centre.
  const chars = [...name];
  const span = Math.min(250, 30 * chars.length) * (Math.PI / 180);
  const size = chars.length > 8 ? 9 : 11;
  doc.fontSize(size).fillColor(SEAL_RED);
  chars.forEach((ch, i) => {
    const a = chars.length === 1 ? 0 : -span / 2 + (span * i) / (chars.length - 1);
    const x = cx + (r - 15) * Math.sin(a);
    const y = cy - (r - 15) * Math.cos(a);
    doc.save();
    doc.rotate((a * 180) / Math.PI, { origin: [x, y] });
    doc.text(ch, x - size / 2, y - size * 0.62, { width: size, align: 'center', lineBreak: false, lineGap: 0 });
    doc.restore();
  });
  doc.fontSize(7.5).text(SEAL_TEXT, cx - 30, cy + 17, { width: 60, align: 'center', lineBreak: false, characterSpacing: 1 });
  doc.restore();
}

type StructElement = ReturnType<PDFKit.PDFDocument['struct']>;
const tagRoots = new WeakMap<PDFKit.PDFDocument, StructElement>();

/** Draws decoration (rules, panels) as an artifact, outside the structure tree. */
function artifact(doc: PDFKit.PDFDocument, draw: () => void): void {
  doc.markContent('Artifact', { type: 'Layout' });
  draw();
  doc.endMarkedContent();
}

type TextStyle = {
  size: number;
  color: string;
  width?: number;
  align?: 'left' | 'center' | 'right';
  lineGap?: number;
  spacing?: number;
  bold?: boolean;
  /** Structure type: P unless said (H1, H2). */
  tag?: 'P' | 'H1' | 'H2';
};

/** Draws text at (x, y), wrapped to the width (default: up to the right margin); returns the y just below it. */
function text(doc: PDFKit.PDFDocument, s: string, x: number, y: number, style: TextStyle): number {
  const options: PDFKit.Mixins.TextOptions = {
    width: style.width ?? PAGE_W - MARGIN_X - x,
    align: style.align ?? 'left',
    // Noto CJK's line height (1.45 em) is generous; single lines are set tighter by default.
    lineGap: style.lineGap ?? -0.2 * style.size,
    characterSpacing: style.spacing ?? 0,
    fill: true,
    stroke: style.bold === true,
  };
  const parent = tagRoots.get(doc);
  if (parent) Object.assign(options, { structParent: parent, structType: style.tag ?? 'P' });
  doc.fontSize(style.size).fillColor(style.color);
  // Only the Regular weight is embedded: a thin stroke of the outline gives headings their weight.
  if (style.bold) doc.lineWidth(style.size / 36).strokeColor(style.color);
  const h = heightOf(doc, s, style.size, options);
  doc.text(s, x, y, options);
  return y + h;
}

function height(doc: PDFKit.PDFDocument, s: string, size: number, width: number): number {
  doc.fontSize(size);
  return heightOf(doc, s, size, { width, lineGap: -0.2 * size });
}

const heights = new Map<string, number>();

/**
 * doc.heightOfString, remembered: with the one shared font it depends only on the text, the size and
 * the wrapping options, and most of the page's text is the same on every certificate. Measured
 * without the structure options: given them, pdfkit also adds an (empty) tagged paragraph for the
 * text it only measures.
 */
function heightOf(doc: PDFKit.PDFDocument, s: string, size: number, o: PDFKit.Mixins.TextOptions): number {
  const key = JSON.stringify([s, size, o.width, o.lineGap, o.characterSpacing ?? 0, o.align ?? 'left']);
  let h = heights.get(key);
  if (h === undefined) {
    if (heights.size >= 5000) heights.clear();
    const { structParent: _parent, structType: _type, ...measure } = o as PDFKit.Mixins.TextOptions & { structParent?: unknown; structType?: unknown };
    h = doc.heightOfString(s, measure);
    heights.set(key, h);
  }
  return h;
}

type GlyphLookup = (codePoint: number) => boolean;
let glyphLookup: GlyphLookup | undefined;

/** The characters of `text` the certificate font has no glyph for (they would print as boxes). */
export function missingCharacters(text: string): string[] {
  if (!glyphLookup) {
    const font = sharedFont();
    glyphLookup = (cp) => font.hasGlyphForCodePoint(cp) === true;
  }
  const missing = new Set<string>();
  for (const ch of text) {
    if (ch.trim() !== '' && !glyphLookup(ch.codePointAt(0)!)) missing.add(ch);
  }
  return [...missing];
}

/** Throws when some character would print as an empty box: the subset font lacks it. */
function assertCovered(strings: string[]): void {
  const missing = missingCharacters(strings.join(''));
  if (missing.length > 0) {
    throw new RangeError(
      `certificate font lacks ${missing.map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ')}: ` +
        'add the text to the repository and re-run scripts/make-font-subset.sh',
    );
  }
}

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Uint8Array) => chunks.push(Buffer.from(c)));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}
