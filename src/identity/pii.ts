// Personal data at rest: AES-256-GCM for names and ID numbers, and an HMAC "blind index" so an
// ID number can be looked up without storing it in clear. Keys derive from one master key.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface PiiVault {
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
  /** Deterministic keyed hash for equality lookups; `purpose` separates indexes (e.g. 'id', 'id6'). */
  blindIndex(value: string, purpose: string): string;
}

export function createPiiVault(masterKey: Buffer): PiiVault {
  if (masterKey.length !== 32) throw new Error('The master key must be 32 bytes.');
  const encKey = Buffer.from(crypto.hkdfSync('sha256', masterKey, Buffer.alloc(0), 'zhuxiao pii enc', 32));
  const idxKey = Buffer.from(crypto.hkdfSync('sha256', masterKey, Buffer.alloc(0), 'zhuxiao pii index', 32));
  return {
    encrypt(plain) {
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', encKey, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
    },
    decrypt(sealed) {
      if (!sealed.startsWith('v1.')) throw new Error('Unknown sealed-value format.');
      const raw = Buffer.from(sealed.slice(3), 'base64');
      const decipher = crypto.createDecipheriv('aes-256-gcm', encKey, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
    blindIndex(value, purpose) {
      return crypto.createHmac('sha256', idxKey).update(`${purpose}:${value}`).digest('base64url');
    },
  };
}

/**
 * The master key comes from ZHUXIAO_MASTER_KEY (base64 of 32 bytes) or, failing that, from
 * `<dataDir>/master.key`, created with mode 0600 on first start.
 */
export function loadMasterKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  if (env.ZHUXIAO_MASTER_KEY) {
    const key = Buffer.from(env.ZHUXIAO_MASTER_KEY, 'base64');
    if (key.length !== 32) throw new Error('ZHUXIAO_MASTER_KEY must be the base64 of 32 bytes.');
    return key;
  }
  const file = path.join(dataDir, 'master.key');
  if (fs.existsSync(file)) return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  fs.mkdirSync(dataDir, { recursive: true });
  const key = crypto.randomBytes(32);
  fs.writeFileSync(file, key.toString('base64'), { mode: 0o600 });
  return key;
}

/** Normalises an ID document number before indexing: trimmed, upper-case, no spaces. */
export function normaliseIdNumber(idNumber: string): string {
  return idNumber.replace(/\s+/g, '').toUpperCase();
}

export function idLast6(idNumber: string): string {
  return normaliseIdNumber(idNumber).slice(-6);
}
