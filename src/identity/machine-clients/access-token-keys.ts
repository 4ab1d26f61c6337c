// The deployment's ES256 key that signs machine clients' access tokens: created on first use, its
// private half sealed with the master key (ctx.vault) like the certificate and audit keys. Keys are
// cached per context; a retired key still verifies the tokens it signed (they live minutes).
import crypto from 'node:crypto';
import { importJWK, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import type { AppContext } from '../../context.ts';

export const TOKEN_ALG = 'ES256';

interface SigningKey { keyId: string; privateKey: CryptoKey }

const signing = new WeakMap<AppContext, Promise<SigningKey>>();
const verifying = new WeakMap<AppContext, Map<string, Promise<CryptoKey | null>>>();

async function loadOrCreate(ctx: AppContext): Promise<SigningKey> {
  const existing = await ctx.db.selectFrom('access_token_keys').select(['key_id', 'private_key_enc']).where('active', '=', true).executeTakeFirst();
  if (existing) {
    const jwk = JSON.parse(ctx.vault.decrypt(existing.private_key_enc)) as JWK;
    return { keyId: existing.key_id, privateKey: (await importJWK(jwk, TOKEN_ALG)) as CryptoKey };
  }
  const { privateKey, publicKey } = await generateKeyPair(TOKEN_ALG, { extractable: true });
  const keyId = `at-${crypto.randomBytes(6).toString('hex')}`;
  const publicJwk = await exportJWK(publicKey);
  await ctx.db.insertInto('access_token_keys').values({
    key_id: keyId, public_jwk: JSON.stringify(publicJwk), private_key_enc: ctx.vault.encrypt(JSON.stringify(await exportJWK(privateKey))),
  }).onConflict((oc) => oc.doNothing()).execute();
  // Another process may have created the active key at the same moment: use whichever is stored.
  const stored = await ctx.db.selectFrom('access_token_keys').select('key_id').where('active', '=', true).executeTakeFirstOrThrow();
  return stored.key_id === keyId ? { keyId, privateKey } : loadOrCreate(ctx);
}

export function activeAccessTokenKey(ctx: AppContext): Promise<SigningKey> {
  let p = signing.get(ctx);
  if (!p) {
    p = loadOrCreate(ctx);
    p.catch(() => signing.delete(ctx));
    signing.set(ctx, p);
  }
  return p;
}

/** The public key with this key id, or null when the deployment never had it. */
export function accessTokenPublicKey(ctx: AppContext, keyId: string): Promise<CryptoKey | null> {
  let byId = verifying.get(ctx);
  if (!byId) verifying.set(ctx, (byId = new Map()));
  let p = byId.get(keyId);
  if (!p) {
    p = (async () => {
      const row = await ctx.db.selectFrom('access_token_keys').select('public_jwk').where('key_id', '=', keyId).executeTakeFirst();
      return row ? ((await importJWK(row.public_jwk as JWK, TOKEN_ALG)) as CryptoKey) : null;
    })();
    // Unknown ids are not cached (a token may name any id); known ones are.
    p.then((k) => { if (!k) byId.delete(keyId); }, () => byId.delete(keyId));
    byId.set(keyId, p);
  }
  return p;
}
