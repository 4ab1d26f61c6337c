// What a context may tune about webhook delivery; every field has a default.
import { httpSender, type WebhookSender } from './http-sender.ts';

export interface WebhookSettings {
  /** Sends one request; the default is httpSender (public addresses only outside dev mode). */
  sender?: WebhookSender;
  /** Per attempt, connect to last byte of the answer (default 10 s). */
  timeoutMs?: number;
  /** How often the relay looks for due deliveries (ms; default 500; 0: only when asked). */
  relayIntervalMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_RELAY_INTERVAL_MS = 500;

export function webhookSettings(s: WebhookSettings | undefined): Required<WebhookSettings> {
  return {
    sender: s?.sender ?? httpSender,
    timeoutMs: s?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    relayIntervalMs: s?.relayIntervalMs ?? DEFAULT_RELAY_INTERVAL_MS,
  };
}
