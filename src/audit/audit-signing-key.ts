// The platform key that signs audit checkpoints: one Ed25519 key, created on first use, its private
// half sealed with the master key (ctx.vault) like the carriers' certificate keys. The Ed25519
// helpers themselves live in src/certificates/signing.ts.
import type { Kysely, Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { DB } from '../db/schema.ts';
import { generateSigningKey } from '../certificates/signing.ts';

export async function activeAuditKey(ctx: Pick<AppContext, 'vault'>, trx: Transaction<DB> | Kysely<DB>): Promise<{ keyId: string; privateKeyPem: string }> {
  const existing = await trx.selectFrom('audit_signing_keys').select(['key_id', 'private_key_enc']).where('active', '=', true).executeTakeFirst();
  if (existing) return { keyId: existing.key_id, privateKeyPem: ctx.vault.decrypt(existing.private_key_enc) };
  const key = generateSigningKey();
  await trx.insertInto('audit_signing_keys').values({ key_id: key.keyId, public_key_pem: key.publicKeyPem, private_key_enc: ctx.vault.encrypt(key.privateKeyPem) }).execute();
  return { keyId: key.keyId, privateKeyPem: key.privateKeyPem };
}

/** Every audit key ever used, active or not: key id → public key PEM. */
export async function auditPublicKeys(db: Kysely<DB>): Promise<Record<string, string>> {
  const rows = await db.selectFrom('audit_signing_keys').select(['key_id', 'public_key_pem']).execute();
  return Object.fromEntries(rows.map((r) => [r.key_id, r.public_key_pem]));
}
