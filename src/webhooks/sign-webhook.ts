// Standard Webhooks signing (https://www.standardwebhooks.com): webhook-id, webhook-timestamp and
// webhook-signature, holding `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` with the `whsec_`
// secret (by the standardwebhooks library) and `v1a,<base64 Ed25519 signature of the same>` with the
// subscription's own key pair (node:crypto; the library has no asymmetric signing). The receiver
// verifies either: v1 with the secret, v1a with the `whpk_` public key. Both are shown to the
// subscriber once; the secret and the private key are kept encrypted at rest.
import crypto from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** What a subscription signs with: the HMAC secret, and the Ed25519 private key (PKCS#8 DER, base64). */
export interface SigningMaterial {
  secret: string;
  ed25519?: string;
}

export interface NewSigningKeys {
  material: SigningMaterial;
  /** The `whsec_` secret for v1. */
  secret: string;
  /** The `whpk_` public key for v1a (base64 of the raw 32 bytes). */
  publicKey: string;
}

export function newSigningKeys(): NewSigningKeys {
  const secret = `whsec_${crypto.randomBytes(32).toString('base64')}`;
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'jwk' }).x!; // base64url of the 32 bytes
  return {
    material: { secret, ed25519: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64') },
    secret,
    publicKey: `whpk_${Buffer.from(raw, 'base64url').toString('base64')}`,
  };
}

/** The stored form (before encryption), and back; a bare `whsec_` string is a v1-only subscription. */
export const sealMaterial = (m: SigningMaterial) => JSON.stringify(m);
export function openMaterial(text: string): SigningMaterial {
  return text.startsWith('whsec_') ? { secret: text } : (JSON.parse(text) as SigningMaterial);
}

/** The message id of a delivery: stable across its attempts, so a receiver can drop repeats. */
export const webhookId = (deliveryId: string) => `msg_${deliveryId}`;

export function signedHeaders(m: SigningMaterial, id: string, body: string, at: Date): Record<string, string> {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const signatures = [new Webhook(m.secret).sign(id, at, body)];
  if (m.ed25519) {
    const key = crypto.createPrivateKey({ key: Buffer.from(m.ed25519, 'base64'), format: 'der', type: 'pkcs8' });
    signatures.push(`v1a,${crypto.sign(null, Buffer.from(`${id}.${timestamp}.${body}`), key).toString('base64')}`);
  }
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signatures.join(' ') };
}

/** Verifies a v1a signature with a `whpk_` public key (for receivers written in TypeScript, and the tests). */
export function verifyEd25519(publicKey: string, headers: Record<string, string | string[] | undefined>, body: string): boolean {
  const raw = Buffer.from(publicKey.replace(/^whpk_/, ''), 'base64');
  const key = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  const message = Buffer.from(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`);
  return String(headers['webhook-signature'] ?? '').split(' ').some((s) => {
    const [version, sig] = s.split(',');
    return version === 'v1a' && !!sig && crypto.verify(null, message, key, Buffer.from(sig, 'base64'));
  });
}
