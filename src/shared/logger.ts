// pino, with personal data redacted wherever it might appear in a logged object.
import pino, { type Logger } from 'pino';

export const REDACT_PATHS = [
  'idNumber', '*.idNumber', '*.*.idNumber', 'identityCheck.idNumber', '*.identityCheck.idNumber',
  'name', '*.name', 'customerName', '*.customerName', 'idLast6', '*.idLast6',
  'password', '*.password', 'code', '*.code', 'signaturePng', '*.signaturePng',
  'bankAccount', '*.bankAccount', '*.refundRoute.bankAccount', 'accountName', '*.accountName',
  'req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]',
  '*.contentBase64', '*.documents',
];

export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
}
