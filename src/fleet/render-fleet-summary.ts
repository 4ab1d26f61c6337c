/**
 * The fleet proof's human-readable half, pure: an A4 PDF of a finished job (company, masked USCC,
 * dates in Beijing time, counts per final state, lines per carrier, money, the signed Merkle root of
 * the manifest and how to check one line), in Chinese with English beside it as the certificate is.
 * Set in the certificate's embedded CJK font; the same summary gives the same bytes.
 */
import { readFileSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { CERTIFICATE_FONT_URL, formatBeijingTime, formatFen, missingCharacters } from '../certificates/certificate-pdf.ts';

export interface FleetSummary {
  jobId: string;
  /** nameEn too: the font subset may lack a character of the Chinese name (printed as '?'). */
  company: { name: string; nameEn: string; maskedUscc: string };
  submittedAt: string;
  confirmedAt: string | null;
  finishedAt: string;
  /** Lines per final state (completed, failed, blocked, rejected, stopped…). */
  counts: Record<string, number>;
  carriers: Array<{ carrier: string; lines: number; completed: number; failed: number }>;
  billFen: number;
  refundFen: number;
  manifest: { rootHash: string; treeSize: number; keyIds: Array<{ carrier: string; keyId: string }> };
}

const STATE_WORDS: Record<string, string> = {
  completed: '已注销 Completed', failed: '失败 Failed', blocked: '受阻 Blocked', rejected: '已拒绝 Rejected', stopped: '已停止 Stopped',
};

// A4 in points; the certificate's ink, muted grey, rule grey and official red.
const [PAGE_W, PAGE_H, MARGIN, LABEL_W] = [595.28, 841.89, 50, 190];
const CONTENT_W = PAGE_W - 2 * MARGIN;
const [INK, MUTED, RULE, ACCENT] = ['#1a1a1a', '#5f6368', '#c9ccd1', '#a61d24'];

let fontBytes: Buffer | undefined;
/** A character the embedded subset lacks (a rare one in a company name) prints as '?', never as an empty box. */
const printable = (str: string, missing = new Set(missingCharacters(str))) => [...str].map((c) => (missing.has(c) ? '?' : c)).join('');

const both = (iso: string) => {
  const t = formatBeijingTime(iso);
  return `${t.zh}\n${t.en}`;
};

export async function renderFleetSummaryPdf(s: FleetSummary): Promise<Buffer> {
  const finished = new Date(s.finishedAt);
  const doc = new PDFDocument({
    size: 'A4', margin: 0, font: '', autoFirstPage: false, bufferPages: true, pdfVersion: '1.7', lang: 'zh-CN', displayTitle: true,
    info: {
      Title: `批量注销任务汇总 Fleet cancellation summary ${s.jobId}`,
      Subject: `Fleet job ${s.jobId}`,
      Author: 'Zhuxiao', Creator: 'Zhuxiao', Producer: 'Zhuxiao (PDFKit)',
      Keywords: `fleet-merkle-root:${s.manifest.rootHash}`,
      CreationDate: finished, ModDate: finished,
    },
  });
  doc.registerFont('cjk', (fontBytes ??= readFileSync(CERTIFICATE_FONT_URL)));
  doc.addPage({ size: 'A4', margin: 0 });
  doc.font('cjk');
  let y = MARGIN;
  const ensure = (h: number) => {
    if (y + h > PAGE_H - MARGIN) {
      doc.addPage({ size: 'A4', margin: 0 });
      doc.font('cjk');
      y = MARGIN;
    }
  };
  const text = (str: string, x: number, width: number, size: number, color = INK, align: 'left' | 'center' = 'left') => {
    doc.fontSize(size).fillColor(color);
    const h = doc.heightOfString(str, { width, align });
    doc.text(str, x, y, { width, align });
    return h;
  };
  const section = (title: string) => {
    ensure(40);
    y += 10;
    y += text(title, MARGIN, CONTENT_W, 11.5);
    doc.lineWidth(0.6).strokeColor(RULE).moveTo(MARGIN, y + 2).lineTo(PAGE_W - MARGIN, y + 2).stroke();
    y += 6;
  };
  const row = (label: string, value: string) => {
    const v = printable(value);
    doc.fontSize(10);
    const h = Math.max(doc.fontSize(9).heightOfString(label, { width: LABEL_W }), doc.fontSize(10).heightOfString(v, { width: CONTENT_W - LABEL_W - 10 }));
    ensure(h + 4);
    text(label, MARGIN, LABEL_W, 9, MUTED);
    text(v, MARGIN + LABEL_W + 10, CONTENT_W - LABEL_W - 10, 10);
    y += h + 3;
  };

  y += text('批量注销任务汇总', MARGIN, CONTENT_W, 20, ACCENT, 'center') + 2;
  y += text('Fleet cancellation summary', MARGIN, CONTENT_W, 10, MUTED, 'center') + 10;
  doc.lineWidth(2).strokeColor(ACCENT).moveTo(MARGIN, y).lineTo(PAGE_W - MARGIN, y).stroke();
  y += 8;

  section('企业 Company');
  row('企业名称 Company name', `${s.company.name}\n${s.company.nameEn}`);
  row('统一社会信用代码 USCC', s.company.maskedUscc);
  row('任务编号 Job ID', s.jobId);

  section('时间 Dates (北京时间 Beijing time)');
  row('提交时间 Submitted', both(s.submittedAt));
  row('确认时间 Confirmed', s.confirmedAt ? both(s.confirmedAt) : '—');
  row('结束时间 Finished', both(s.finishedAt));

  section('各状态线路数 Lines per final state');
  const states = Object.keys(s.counts).sort();
  for (const st of states) row(STATE_WORDS[st] ?? st, String(s.counts[st]));
  row('合计 Total', String(Object.values(s.counts).reduce((a, b) => a + b, 0)));

  section('各运营商 Per carrier');
  for (const c of s.carriers) row(`运营商 Carrier ${c.carrier}`, `线路 lines ${c.lines} · 已注销 completed ${c.completed} · 失败 failed ${c.failed}`);

  section('金额 Money');
  row('结清账单 Bills settled', formatFen(s.billFen));
  row('退款 Refunds', formatFen(s.refundFen));

  section('证明 Proof (signed manifest)');
  row('默克尔树根 Merkle root (SHA-256, RFC 9162)', '');
  y -= 2;
  y += text(s.manifest.rootHash, MARGIN, CONTENT_W, 9) + 4;
  row('树大小 Tree size', String(s.manifest.treeSize));
  for (const k of s.manifest.keyIds) row(`签名密钥 Key id (${k.carrier})`, k.keyId);
  ensure(60);
  y += 6;
  y += text('核验单条线路：下载签名清单（GET /api/v1/fleet/jobs/{id}/manifest）后离线运行', MARGIN, CONTENT_W, 9, MUTED);
  y += text('To check one line offline, download the signed manifest and run:', MARGIN, CONTENT_W, 9, MUTED) + 2;
  y += text('zhuxiao verify --fleet manifest.json --line ICCID', MARGIN, CONTENT_W, 10) + 4;

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    y = PAGE_H - MARGIN + 16;
    doc.lineWidth(0.4).strokeColor(RULE).moveTo(MARGIN, y - 4).lineTo(PAGE_W - MARGIN, y - 4).stroke();
    text(`${s.jobId} · 第 ${i - range.start + 1} / ${range.count} 页 Page ${i - range.start + 1} of ${range.count}`, MARGIN, CONTENT_W, 7.5, MUTED);
  }
  doc.end();
  // PDFKit's document is a readable stream: its chunks, buffered until read.
  return Buffer.concat(await doc.toArray());
}
