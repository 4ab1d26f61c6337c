// Shared test data for the certificate tests (not a test file itself).
import { execFileSync } from 'node:child_process';
import type { CertificateFacts } from '../../../src/certificates/facts.ts';

export function sampleFacts(overrides: Partial<CertificateFacts> = {}): CertificateFacts {
  return {
    serial: 'ZX-CMCC-20261125-000123-D',
    carrierCode: 'cmcc',
    carrierNameZh: '中国移动',
    carrierNameEn: 'China Mobile',
    maskedMsisdn: '138****5678',
    maskedIccid: '898600**********1234',
    formFactor: 'esim',
    channel: 'online',
    completedAt: '2026-11-25T06:03:05Z',
    refundFen: 123456,
    refundRoute: 'original',
    refundRouteLabelZh: '原路退回（支付宝）',
    refundRouteLabelEn: 'To the original payment method (Alipay)',
    requestId: 'REQ-20261125-8F3A2C',
    keyId: '0000000000000000',
    ...overrides,
  };
}

export const VERIFY_URL = 'https://zhuxiao.example.cn/verify/ZX-CMCC-20261125-000123-D';

/** True when a poppler command line tool (pdffonts, pdftoppm, pdfinfo, pdftotext) is installed. */
export function hasTool(name: string): boolean {
  try {
    execFileSync(name, ['-v'], { stdio: 'ignore' });
    return true;
  } catch (e) {
    return (e as { code?: string }).code !== 'ENOENT'; // installed, but -v exited non-zero
  }
}
