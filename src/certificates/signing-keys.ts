// One Ed25519 key per carrier, created on first use. The private key is sealed with the platform's
// master key; the public keys are published at /api/v1/certificates/public-key (JSON) and
// /api/v1/certificates/public-keys.pem (PEM, what `zhuxiao verify --public-key/--keys-url` reads).
import type { Kysely, Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { CarrierCode, DB } from '../db/schema.ts';
import { generateSigningKey } from './signing.ts';
import { ensurePki } from '../pki/pki-store.ts';

export async function activeSigningKey(ctx: AppContext, trx: Transaction<DB> | Kysely<DB>, carrier: CarrierCode): Promise<{ keyId: string; privateKeyPem: string }> {
  const existing = await trx.selectFrom('signing_keys').select(['key_id', 'private_key_enc']).where('carrier', '=', carrier).where('active', '=', true).orderBy('created_at', 'desc').executeTakeFirst();
  if (existing) return { keyId: existing.key_id, privateKeyPem: ctx.vault.decrypt(existing.private_key_enc) };
  const key = generateSigningKey();
  await trx.insertInto('signing_keys').values({
    key_id: key.keyId, carrier, public_key_pem: key.publicKeyPem, private_key_enc: ctx.vault.encrypt(key.privateKeyPem),
  }).onConflict((oc) => oc.column('key_id').doNothing()).execute();
  return { keyId: key.keyId, privateKeyPem: key.privateKeyPem };
}

export async function publicKeys(db: Kysely<DB>): Promise<Array<{ keyId: string; carrier: CarrierCode; publicKeyPem: string; active: boolean; createdAt: string }>> {
  const rows = await db.selectFrom('signing_keys').select(['key_id', 'carrier', 'public_key_pem', 'active', 'created_at']).orderBy('carrier').orderBy('created_at').execute();
  return rows.map((r) => ({ keyId: r.key_id, carrier: r.carrier, publicKeyPem: r.public_key_pem, active: r.active, createdAt: r.created_at.toISOString() }));
}

/** Makes sure every carrier has a key, so the public keys can be fetched before the first certificate. */
export async function ensureSigningKeys(ctx: AppContext): Promise<void> {
  const carriers = await ctx.db.selectFrom('carriers').select('code').execute();
  for (const c of carriers) await ctx.db.transaction().execute((trx) => activeSigningKey(ctx, trx, c.code));
  // The PAdES side: root CA, TSA and log certificates (src/pki/pki-store.ts).
  await ensurePki(ctx);
}

/**
 * Every public key (active and retired) of the carriers, as one PEM file: each key preceded by a
 * comment line naming its carrier and key id. PEM readers (OpenSSL, Node's crypto) skip such lines.
 */
export async function publicKeysPem(db: Kysely<DB>, carrier?: string): Promise<string> {
  let q = db.selectFrom('signing_keys as k').innerJoin('carriers as c', 'c.code', 'k.carrier')
    .select(['k.key_id', 'k.carrier', 'k.public_key_pem', 'k.active', 'k.created_at', 'c.name_en']).orderBy('k.carrier').orderBy('k.created_at');
  if (carrier !== undefined) q = q.where('k.carrier', '=', carrier as CarrierCode);
  const rows = await q.execute();
  return rows.map((r) =>
    `# carrier=${r.carrier} (${r.name_en}) key_id=${r.key_id} status=${r.active ? 'active' : 'retired'} created=${r.created_at.toISOString()}\n${r.public_key_pem.trim()}\n`,
  ).join('');
}
