/**
 * E-mail. A real client would hand messages to the carrier's mail relay (SMTP submission or a mail
 * API), passing idempotencyKey as the Message-ID it de-duplicates on. The certificate goes to the
 * address a person left at submission, since their number stops receiving SMS once it is cancelled.
 * Addresses and texts are personal data: kept in memory by the simulator for tests, never logged.
 */
import { PermanentAdapterError } from './errors.ts';
import { createIdempotencyStore } from './idempotency.ts';
import { applyControl, simulatorControl, type SimulatorControl } from './simulator-control.ts';

export interface EmailAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface SendEmailInput {
  to: string;
  subject: string;
  text: string;
  attachments?: EmailAttachment[];
  idempotencyKey: string;
}

export interface EmailSender {
  send(input: SendEmailInput): Promise<{ messageId: string }>;
}

export interface SentEmail {
  messageId: string;
  to: string;
  subject: string;
  text: string;
  attachments: Array<{ filename: string; contentType: string; sizeBytes: number }>;
  idempotencyKey: string;
  sentAt: string;
}

export interface EmailSimulator extends EmailSender {
  readonly control: SimulatorControl;
  /** Messages sent, in order (each once). */
  readonly sent: ReadonlyArray<SentEmail>;
  /** Calls made per idempotency key (replays included). */
  readonly callsPerKey: ReadonlyMap<string, number>;
}

/** Simulated mail relay. Rejections (code `email_rejected`) come from permanentFailNext. */
export function createEmailSimulator(control: SimulatorControl = simulatorControl('email'), options: { now?: () => Date; rng?: () => number } = {}): EmailSimulator {
  const now = options.now ?? (() => new Date());
  const sent: SentEmail[] = [];
  const callsPerKey = new Map<string, number>();
  const store = createIdempotencyStore<{ messageId: string }>('email');
  return {
    control,
    sent,
    callsPerKey,
    async send({ to, subject, text, attachments = [], idempotencyKey }) {
      callsPerKey.set(idempotencyKey, (callsPerKey.get(idempotencyKey) ?? 0) + 1);
      await applyControl(control, options.rng, { adapter: 'email', permanentCode: 'email_rejected' });
      const summary = attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, sizeBytes: a.content.length }));
      return store.run(idempotencyKey, { to, subject, text, summary }, () => {
        if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(to)) throw new PermanentAdapterError('invalid_recipient', 'email: recipient is not an address', { adapter: 'email' });
        const messageId = `MAIL-${String(sent.length + 1).padStart(8, '0')}`;
        sent.push({ messageId, to, subject, text, attachments: summary, idempotencyKey, sentAt: now().toISOString() });
        return { messageId };
      });
    },
  };
}
