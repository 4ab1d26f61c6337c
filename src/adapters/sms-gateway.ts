/**
 * SMS gateway. A real client would call the carrier's SMS centre / SMPP gateway, passing idempotencyKey
 * as the client message id the gateway de-duplicates on. (The dev outbox that writes messages to the
 * database is separate and not here.) Message text may contain personal data: it is kept in memory by the
 * simulator for tests and dev screens, never logged.
 */
import { isValidPhoneNumber } from 'libphonenumber-js';
import { PermanentAdapterError } from './errors.ts';
import { createIdempotencyStore } from './idempotency.ts';
import { applyControl, simulatorControl, type SimulatorControl } from './simulator-control.ts';

export interface SendSmsInput {
  /** E.164, e.g. +8613800138000. */
  to: string;
  text: string;
  idempotencyKey: string;
}

export interface SendSmsResult {
  messageId: string;
}

export interface SmsGateway {
  send(input: SendSmsInput): Promise<SendSmsResult>;
}

export interface SentSms {
  messageId: string;
  to: string;
  text: string;
  idempotencyKey: string;
  /** ISO 8601. */
  sentAt: string;
}

export interface SmsGatewaySimulator extends SmsGateway {
  readonly control: SimulatorControl;
  /** Messages sent, in order (each once). */
  readonly sent: ReadonlyArray<SentSms>;
}

/** Long SMS are split into up to this many 67-character UCS-2 segments by gateways; refuse beyond. */
export const MAX_SMS_TEXT_LENGTH = 670;

export interface SmsGatewaySimulatorOptions {
  now?: () => Date;
  rng?: () => number;
}

/** Simulated SMS gateway. Rejections (code `sms_rejected`) come from permanentFailNext. */
export function createSmsGatewaySimulator(
  control: SimulatorControl = simulatorControl('sms'),
  options: SmsGatewaySimulatorOptions = {},
): SmsGatewaySimulator {
  const now = options.now ?? (() => new Date());
  const sent: SentSms[] = [];
  const store = createIdempotencyStore<SendSmsResult>('sms');
  return {
    control,
    sent,
    async send({ to, text, idempotencyKey }) {
      await applyControl(control, options.rng, { adapter: 'sms', permanentCode: 'sms_rejected' });
      return store.run(idempotencyKey, { to, text }, () => {
        if (typeof to !== 'string' || !to.startsWith('+') || !isValidPhoneNumber(to)) {
          throw new PermanentAdapterError('invalid_recipient', 'sms: recipient must be a valid E.164 number', { adapter: 'sms' });
        }
        if (typeof text !== 'string' || text.trim() === '') {
          throw new PermanentAdapterError('empty_text', 'sms: text is empty', { adapter: 'sms' });
        }
        if (text.length > MAX_SMS_TEXT_LENGTH) {
          throw new PermanentAdapterError('text_too_long', `sms: text longer than ${MAX_SMS_TEXT_LENGTH} characters`, { adapter: 'sms' });
        }
        const messageId = `SMS-${String(sent.length + 1).padStart(8, '0')}`;
        sent.push({ messageId, to, text, idempotencyKey, sentAt: now().toISOString() });
        return { messageId };
      });
    },
  };
}
