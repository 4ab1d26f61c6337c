import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CERTIFICATE_FONT_URL,
  formatBeijingTime,
  formatFen,
  missingCharacters,
  renderCertificatePdf,
} from '../../../src/certificates/certificate-pdf.ts';
import { readFactsFromPdf } from '../../../src/certificates/facts.ts';
import { readInfoString } from '../../../src/certificates/pdf-info.ts';
import { hasTool, sampleFacts, VERIFY_URL } from './fixtures.ts';

const squash = (s: string): string => s.replace(/\s+/g, '');

function withTempPdf<T>(pdf: Buffer, run: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'zhuxiao-cert-'));
  try {
    const file = join(dir, 'certificate.pdf');
    writeFileSync(file, pdf);
    return run(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('renderCertificatePdf', () => {
  test('renders one A4 page', async () => {
    const pdf = await renderCertificatePdf(sampleFacts(), { verifyUrl: VERIFY_URL });
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.equal(pdf.toString('latin1').match(/\/Type \/Page\b(?!s)/g)?.length, 1);
    assert.match(pdf.toString('latin1'), /\/MediaBox \[0 0 595\.28 841\.89\]/);
  });

  test('embeds the CJK subset font and no other font', async () => {
    const pdf = await renderCertificatePdf(sampleFacts(), { verifyUrl: VERIFY_URL });
    const text = pdf.toString('latin1');
    assert.match(text, /\/FontFile3 \d+ 0 R/);
    assert.match(text, /\/BaseFont \/[A-Z]{6}\+NotoSansCJKsc-Regular/);
    assert.doesNotMatch(text, /Helvetica/);
  });

  test('pdffonts reports the font as embedded', { skip: !hasTool('pdffonts') && 'pdffonts not installed' }, async () => {
    const pdf = await renderCertificatePdf(sampleFacts(), { verifyUrl: VERIFY_URL });
    const out = withTempPdf(pdf, (file) => execFileSync('pdffonts', [file], { encoding: 'utf8' }));
    const fonts = out.split('\n').slice(2).filter((l) => l.trim() !== '');
    assert.equal(fonts.length, 1, out);
    // name, type, encoding, then emb sub uni
    assert.match(fonts[0], /NotoSansCJKsc-Regular\s+CID Type 0C\s+Identity-H\s+yes\s+yes\s+yes/);
  });

  test('shows every fact, in Chinese and English', { skip: !hasTool('pdftotext') && 'pdftotext not installed' }, async () => {
    const facts = sampleFacts({ keyId: '3f9a1c0d5e7b2a48' });
    const pdf = await renderCertificatePdf(facts, { verifyUrl: VERIFY_URL });
    const shown = withTempPdf(pdf, (file) => execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }));
    for (const expected of [
      '证明', // the title is letter-spaced: 注 销 证 明
      'CERTIFICATE OF CANCELLATION',
      '中国移动',
      facts.serial,
      '138****5678',
      '898600**********1234',
      '手机号码',
      'Mobile number',
      'eSIM（嵌入式 SIM 卡）',
      '线上办理',
      '2026年11月25日 14:03:05（北京时间）', // 06:03:05Z is 14:03:05 in Beijing
      '25 November 2026, 14:03:05 China Standard Time (UTC+8)',
      '¥1,234.56',
      '原路退回（支付宝）',
      'To the original payment method (Alipay)',
      facts.requestId,
      '3f9a1c0d5e7b2a48',
      'Ed25519',
      'zhuxiao verify',
      VERIFY_URL,
    ]) {
      // pdftotext splits letter-spaced text into single letters, so compare without spaces
      assert.ok(squash(shown).includes(squash(expected)), `page does not show ${expected}`);
    }
  });

  test('fits on one page even with long names and labels', async () => {
    const pdf = await renderCertificatePdf(
      sampleFacts({
        carrierNameZh: '中国广电网络股份有限公司北京市分公司',
        carrierNameEn: 'China Broadnet Network Corporation Limited, Beijing Branch',
        carrierCode: 'cbn',
        refundRouteLabelZh: '退至本人名下其他号码账户（同一运营商）',
        refundRouteLabelEn: 'To another line of the same customer with the same carrier, as account credit',
        channel: 'store',
        formFactor: 'physical',
      }),
      { verifyUrl: `${VERIFY_URL}?check=${'a'.repeat(60)}` },
    );
    assert.equal(pdf.toString('latin1').match(/\/Type \/Page\b(?!s)/g)?.length, 1);
  });

  test('the same facts give the same bytes, dated at the completion time', async () => {
    const a = await renderCertificatePdf(sampleFacts(), { verifyUrl: VERIFY_URL });
    const b = await renderCertificatePdf(sampleFacts(), { verifyUrl: VERIFY_URL });
    assert.deepEqual(a, b);
    assert.equal(readInfoString(a, 'CreationDate'), 'D:20261125060305Z');
    const c = await renderCertificatePdf(sampleFacts({ refundFen: 1 }), { verifyUrl: VERIFY_URL });
    assert.notDeepEqual(a, c);
  });

  test('the facts can be read back from the metadata, including awkward characters', async () => {
    const facts = sampleFacts({
      carrierNameZh: '中国电信',
      carrierNameEn: 'China Telecom (CT) \\ "quoted" & <tagged>',
      refundRouteLabelZh: '银行卡（工商银行）',
      refundRouteLabelEn: 'Bank (ICBC) ) ( unbalanced',
      refundFen: 0,
    });
    const pdf = await renderCertificatePdf(facts, { verifyUrl: VERIFY_URL });
    assert.deepEqual(readFactsFromPdf(pdf), facts);
    // The metadata stays plain ASCII, so the XMP copy pdfkit writes stays well-formed XML.
    const keywords = /<pdf:Keywords>([^<]*)<\/pdf:Keywords>/.exec(pdf.toString('latin1'));
    assert.ok(keywords, 'XMP has the facts');
    assert.deepEqual(JSON.parse(keywords[1]), facts);
  });

  test('refuses facts that would make a wrong or unsafe certificate', async () => {
    const bad = [
      sampleFacts({ maskedMsisdn: '13812345678' }), // personal data unmasked
      sampleFacts({ maskedIccid: '89860012345678901234' }),
      sampleFacts({ refundFen: 12.5 }),
      sampleFacts({ refundFen: -1 }),
      sampleFacts({ completedAt: '25/11/2026' }),
      sampleFacts({ formFactor: 'usim' as 'esim' }),
      { ...sampleFacts(), serial: undefined } as unknown as ReturnType<typeof sampleFacts>,
    ];
    for (const facts of bad) {
      await assert.rejects(renderCertificatePdf(facts, { verifyUrl: VERIFY_URL }), TypeError, JSON.stringify(facts));
    }
    await assert.rejects(renderCertificatePdf(sampleFacts(), { verifyUrl: 'javascript:alert(1)' }), TypeError);
  });

  test('refuses text the font cannot show instead of printing empty boxes', async () => {
    await assert.rejects(
      renderCertificatePdf(sampleFacts({ carrierNameZh: '中国\u{20000}移动' }), { verifyUrl: VERIFY_URL }),
      /lacks U\+20000/,
    );
  });
});

describe('the subset font', () => {
  test('is a small OpenType file', () => {
    const bytes = readFileSync(CERTIFICATE_FONT_URL);
    assert.equal(bytes.subarray(0, 4).toString('latin1'), 'OTTO');
    assert.ok(bytes.length < 4_000_000, `${bytes.length} bytes`);
  });

  test('covers all 3,755 GB2312 level-1 hanzi', () => {
    const gb2312 = new TextDecoder('gb2312');
    let hanzi = '';
    for (let hi = 0xb0; hi <= 0xd7; hi++) {
      for (let lo = 0xa1; lo <= (hi === 0xd7 ? 0xf9 : 0xfe); lo++) hanzi += gb2312.decode(Uint8Array.of(hi, lo));
    }
    assert.equal([...hanzi].length, 3755);
    assert.deepEqual(missingCharacters(hanzi), []);
  });

  test('covers ASCII, CJK punctuation, full-width forms and the yuan sign', () => {
    let s = '¥·—“”‘’…、。，；：？！（）《》【】「」〔〕·￥';
    for (let c = 0x20; c < 0x7f; c++) s += String.fromCharCode(c);
    for (let c = 0xff01; c <= 0xff5e; c++) s += String.fromCharCode(c);
    assert.deepEqual(missingCharacters(s), []);
  });

  test('covers the Chinese text that can appear on a certificate (re-run scripts/make-font-subset.sh if not)', () => {
    // The certificate's own text, carrier and store names, refund route labels (cancellation/messages.ts), agreement
    // text, the fleet summary and the companies it names (the demo data's company names included).
    const onCertificate = /certificates\/|agreement|reference-data|refund-route|cancellation\/messages|fleet\/render-fleet-summary|seed\/companies/i;
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const found = new Set<string>();
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.(ts|tsx|json|md|txt|sql|html)$/.test(name) && onCertificate.test(path.slice(root.length))) {
          for (const ch of readFileSync(path, 'utf8').match(/[\u3000-\u9fff\uff00-\uffef]/gu) ?? []) found.add(ch);
        }
      }
    };
    for (const top of ['src', 'web/src']) {
      if (existsSync(join(root, top))) walk(join(root, top));
    }
    assert.ok(found.has('注'), 'the certificate text itself was scanned');
    assert.deepEqual(missingCharacters([...found].join('')), []);
  });
});

describe('formatting', () => {
  test('money is shown in yuan from integer fen', () => {
    assert.equal(formatFen(0), '¥0.00');
    assert.equal(formatFen(5), '¥0.05');
    assert.equal(formatFen(1234), '¥12.34');
    assert.equal(formatFen(123456), '¥1,234.56');
    assert.equal(formatFen(100_000_000), '¥1,000,000.00');
    assert.throws(() => formatFen(12.5), RangeError);
  });

  test('times are shown in Beijing time', () => {
    assert.deepEqual(formatBeijingTime('2026-12-31T16:30:00Z'), {
      zh: '2027年1月1日 00:30:00（北京时间）',
      en: '1 January 2027, 00:30:00 China Standard Time (UTC+8)',
    });
    assert.equal(formatBeijingTime('2026-11-25T14:03:05+08:00').zh, '2026年11月25日 14:03:05（北京时间）');
  });
});

describe('readInfoString', () => {
  const pdfWithInfo = (info: string): Buffer => {
    const objects = [`1 0 obj\n<< /Type /Catalog >>\nendobj\n`, `2 0 obj\n${info}\nendobj\n`, `3 0 obj\n(from a reference)\nendobj\n`];
    let body = '%PDF-1.7\n';
    const offsets: number[] = [];
    for (const o of objects) {
      offsets.push(body.length);
      body += o;
    }
    const xref = body.length;
    body += `xref\n0 4\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
    body += `trailer\n<< /Size 4 /Root 1 0 R /Info 2 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
    return Buffer.from(body, 'latin1');
  };

  test('reads direct, referenced, escaped, hex and UTF-16 strings', () => {
    const pdf = pdfWithInfo(
      '<< /Trapped /Keywords /Title (a \\(b\\) \\\\ c\\101) /Author 3 0 R /Subject <48690> /Creator (\\376\\377\\000O\\000K) /Keywords (kw) >>',
    );
    assert.equal(readInfoString(pdf, 'Title'), 'a (b) \\ cA');
    assert.equal(readInfoString(pdf, 'Author'), 'from a reference');
    assert.equal(readInfoString(pdf, 'Subject'), 'Hi\u0000');
    assert.equal(readInfoString(pdf, 'Creator'), 'OK');
    // a name value that looks like a key is not mistaken for one
    assert.equal(readInfoString(pdf, 'Keywords'), 'kw');
    assert.equal(readInfoString(pdf, 'Producer'), undefined);
  });

  test('gives undefined for files it cannot follow', () => {
    assert.equal(readInfoString(Buffer.from('%PDF-1.7\nstartxref\n99999\n%%EOF'), 'Title'), undefined);
    assert.equal(readInfoString(Buffer.from('not a pdf'), 'Title'), undefined);
  });
});
