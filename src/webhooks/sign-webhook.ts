// Standard Webhooks signing (https://www.standardwebhooks.com): webhook-id, webhook-timestamp and
// webhook-signature `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` with a `whsec_` secret, by the
// standardwebhooks library. The secret is shown to its owner once and kept encrypted at rest.
import crypto from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** A new signing secret: `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${crypto.randomBytes(32).toString('base64')}`;
}

/** The message id of a delivery: stable across its attempts, so a receiver can drop repeats. */
export const webhookId = (deliveryId: string) => `msg_${deliveryId}`;

export function signedHeaders(secret: string, id: string, body: string, at: Date): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}
