// `zhuxiao verify <file.pdf>`: checks a certificate's Ed25519 signature offline, with a public key
// file (--public-key) or the keys in the local database. Exit 0 only for an untampered certificate.
import fs from 'node:fs';
import type { Config } from '../config.ts';
import { openConfiguredDatabase } from '../bootstrap.ts';
import { keyIdOf, verifyPdf } from '../certificates/signing.ts';

export async function verifyOffline(config: Config, file: string, publicKeyFile?: string): Promise<number> {
  if (!fs.existsSync(file)) {
    process.stderr.write(`zhuxiao: no such file: ${file}\n`);
    return 2;
  }
  let keys: Record<string, string>;
  if (publicKeyFile) {
    const pems = fs.readFileSync(publicKeyFile, 'utf8').match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g) ?? [];
    keys = Object.fromEntries(pems.map((pem) => [keyIdOf(pem), pem]));
  } else {
    const database = await openConfiguredDatabase(config);
    try {
      const rows = await database.db.selectFrom('signing_keys').select(['key_id', 'public_key_pem']).execute();
      keys = Object.fromEntries(rows.map((r) => [r.key_id, r.public_key_pem]));
    } finally {
      await database.close();
    }
  }
  const r = verifyPdf(fs.readFileSync(file), keys);
  process.stdout.write(`${JSON.stringify(r.valid ? { valid: true, keyId: r.keyId, facts: r.facts } : { valid: false, reason: r.reason, keyId: r.keyId })}\n`);
  return r.valid ? 0 : 1;
}
