// pino, with personal data redacted wherever it might appear in a logged object, and phone numbers,
// ICCIDs and IMSIs masked: in fields that carry them, in request URLs and in error messages.
import pino, { type Logger, type LoggerOptions } from 'pino';
import { maskIccid, maskImsi, maskMsisdn } from '../lines/mask.ts';

export const REDACT_PATHS = [
  'idNumber', '*.idNumber', '*.*.idNumber', 'identityCheck.idNumber', '*.identityCheck.idNumber',
  'name', '*.name', 'customerName', '*.customerName', 'idLast6', '*.idLast6',
  'password', '*.password', 'code', '*.code', 'signaturePng', '*.signaturePng',
  'bankAccount', '*.bankAccount', '*.refundRoute.bankAccount', 'accountName', '*.accountName',
  'req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]',
  '*.contentBase64', '*.documents',
];

/** Fields that carry a line's identifiers: logged masked (138****8001), never in full. */
const MASKED_FIELDS = ['msisdn', 'to', 'iccid', 'imsi', 'q'];
export const MASK_PATHS = MASKED_FIELDS.flatMap((f) => [f, `*.${f}`]);

/**
 * Masks every run of 11 to 20 digits (a mobile number, with or without +86 or %2B86; an ICCID; an
 * IMSI; the digits of an ID number) in a text, keeping only a prefix and the last 4 digits.
 */
export function maskIdentifiersInText(text: string): string {
  return text.replace(/(\+|%2B)?(\d{11,20})/gi, (_m, plus: string | undefined, digits: string) => {
    const prefix = plus ?? '';
    if (/^(86)?1\d{10}$/.test(digits)) return `${prefix}${maskMsisdn(digits.replace(/^86(?=1\d{10}$)/, ''))}`;
    if (digits.length === 15 && digits.startsWith('46')) return prefix + maskImsi(digits);
    if (digits.startsWith('89')) return prefix + maskIccid(digits);
    return `${prefix}${digits.slice(0, 4)}${'*'.repeat(digits.length - 8)}${digits.slice(-4)}`;
  });
}

function censor(value: unknown, path: string[]): unknown {
  if (MASKED_FIELDS.includes(path[path.length - 1])) return typeof value === 'string' ? maskIdentifiersInText(value) : '[redacted]';
  return '[redacted]';
}

/** Masks identifiers in every string property of an object (one level: a serialised error). */
function maskStrings<T extends object>(o: T): T {
  const out: Record<string, unknown> = { ...(o as Record<string, unknown>) };
  for (const [k, v] of Object.entries(out)) if (typeof v === 'string') out[k] = maskIdentifiersInText(v);
  return out as T;
}

interface LoggedRequest { method: string; url: string; ip?: string; hostname?: string; host?: string; socket?: { remotePort?: number } }

/** The options every logger of the platform uses (the server's own and Fastify's). */
export const LOG_OPTIONS: Pick<LoggerOptions, 'redact' | 'serializers'> = {
  redact: { paths: [...REDACT_PATHS, ...MASK_PATHS], censor },
  serializers: {
    // The URL may carry a number in its query string (filters, the dev outbox): logged masked.
    req: (req: LoggedRequest) => ({
      method: req.method,
      url: maskIdentifiersInText(String(req.url)),
      host: req.host ?? req.hostname,
      remoteAddress: req.ip,
      remotePort: req.socket?.remotePort,
    }),
    err: (err: Error) => maskStrings(pino.stdSerializers.err(err)),
  },
};

export function createLogger(level: string): Logger {
  return pino({ level, ...LOG_OPTIONS });
}
