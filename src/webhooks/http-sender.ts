// Sends one webhook over HTTP(S). A webhook receiver is the customer's own URL, not an outside system
// of ours with a simulator: the sender is a function the context may replace (ctx.webhookSender), so
// tests can make it slow or fail. The default refuses non-public addresses unless allowPrivate (dev mode).
import http from 'node:http';
import https from 'node:https';
import { assertPublicHost, publicOnlyLookup } from './address-guard.ts';

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  allowPrivate: boolean;
}

export interface WebhookResponse {
  status: number;
  retryAfter: string | null;
}

export type WebhookSender = (req: WebhookRequest) => Promise<WebhookResponse>;

export class WebhookTimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'WebhookTimeoutError';
  }
}

/** At most this much of a receiver's answer is read (and thrown away). */
const MAX_RESPONSE_BYTES = 64 * 1024;

export const httpSender: WebhookSender = (req) => new Promise<WebhookResponse>((resolve, reject) => {
  const url = new URL(req.url);
  if (!req.allowPrivate) {
    try {
      assertPublicHost(url.hostname);
    } catch (err) {
      reject(err);
      return;
    }
  }
  const transport = url.protocol === 'https:' ? https : http;
  let settled = false;
  const finish = (fn: () => void) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    fn();
  };
  const request = transport.request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(req.body).toString(), 'user-agent': 'Zhuxiao-Webhooks/1', ...req.headers },
    ...(req.allowPrivate ? {} : { lookup: publicOnlyLookup as never }),
    agent: false,
  }, (res) => {
    let read = 0;
    res.on('data', (chunk: Buffer) => {
      read += chunk.length;
      if (read > MAX_RESPONSE_BYTES) res.destroy();
    });
    const done = () => finish(() => resolve({ status: res.statusCode ?? 0, retryAfter: (res.headers['retry-after'] as string | undefined) ?? null }));
    res.on('end', done);
    res.on('close', done);
    res.on('error', done);
  });
  const timer = setTimeout(() => {
    finish(() => reject(new WebhookTimeoutError(req.timeoutMs)));
    request.destroy();
  }, req.timeoutMs);
  request.on('error', (err) => finish(() => reject(err)));
  request.end(req.body);
});
