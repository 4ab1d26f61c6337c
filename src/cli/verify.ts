// `zhuxiao verify <file.pdf>`: checks a certificate's Ed25519 signature offline, against public keys
// from a PEM file (--public-key), fetched from the platform (--keys-url), or, with neither, the keys
// in the local database. Exit 0 only for an untampered certificate signed by one of those keys;
// 1 when the file does not pass; 2 when it could not be checked (usage, no keys, unreachable URL).
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { keyIdOf, verifyPdf } from '../certificates/signing.ts';
import { readVerifyUrlFromPdf } from '../certificates/facts.ts';

export const VERIFY_USAGE = 'zhuxiao verify <file.pdf> [--public-key FILE] [--keys-url URL]';

const PEM_BLOCK = /-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g;

class CannotCheck extends Error {}

/** Ed25519 keys by key id, from a text holding any number of PEM blocks (comment lines between them are fine). */
export function keysFromPem(text: string, where: string): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const pem of text.match(PEM_BLOCK) ?? []) {
    try {
      keys[keyIdOf(pem)] = pem;
    } catch {
      process.stderr.write(`zhuxiao: skipping a key in ${where} that is not an Ed25519 public key\n`);
    }
  }
  if (Object.keys(keys).length === 0) throw new CannotCheck(`no Ed25519 public key (-----BEGIN PUBLIC KEY-----) in ${where}`);
  return keys;
}

function guidance(why: string): string {
  // Not the address the PDF names: a forged file would name a server that vouches for it.
  const base = process.env.ZHUXIAO_PUBLIC_URL?.replace(/\/+$/, '') ?? 'https://<the platform>';
  const url = `${base}/api/v1/certificates/public-keys.pem`;
  return [
    `${why}. Tell zhuxiao verify which public keys to trust:`,
    `  --keys-url URL      fetch them from the platform, e.g. --keys-url ${url}`,
    `  --public-key FILE   a PEM file with them (one or more keys), e.g. saved from ${url}`,
    '  or run it where the platform\'s database is (DATABASE_URL, or ZHUXIAO_DATA_DIR with the embedded database).',
  ].join('\n');
}

async function keysFromUrl(url: string): Promise<Record<string, string>> {
  if (!/^https?:\/\//i.test(url)) throw new CannotCheck(`--keys-url takes an http(s) URL, not ${url}`);
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/x-pem-file, text/plain' }, signal: AbortSignal.timeout(15_000) });
  } catch (e) {
    throw new CannotCheck(`could not fetch the public keys from ${url}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!res.ok) throw new CannotCheck(`could not fetch the public keys from ${url}: HTTP ${res.status}`);
  return keysFromPem(await res.text(), url);
}

async function keysFromDatabase(config: Config): Promise<Record<string, string>> {
  // Never create an empty embedded database just to find no keys in it.
  if (!config.databaseUrl && !fs.existsSync(path.join(config.dataDir, 'pgdata'))) {
    throw new CannotCheck(guidance(`no public key given, and no database here (${config.dataDir})`));
  }
  const { openConfiguredDatabase } = await import('../bootstrap.ts');
  let rows: Array<{ key_id: string; public_key_pem: string }>;
  try {
    const database = await openConfiguredDatabase(config);
    try {
      rows = await database.db.selectFrom('signing_keys').select(['key_id', 'public_key_pem']).execute();
    } finally {
      await database.close();
    }
  } catch {
    throw new CannotCheck(guidance('no public key given, and the database has no signing keys (not set up, or unreachable)'));
  }
  if (rows.length === 0) throw new CannotCheck(guidance('no public key given, and the database has no signing keys yet'));
  return Object.fromEntries(rows.map((r) => [r.key_id, r.public_key_pem]));
}

export async function verifyOffline(config: Config, file: string, opts: { publicKeyFile?: string; keysUrl?: string } = {}): Promise<number> {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    process.stderr.write(`zhuxiao: no such file: ${file}\n`);
    return 2;
  }
  let keys: Record<string, string> = {};
  try {
    if (opts.publicKeyFile) {
      if (!fs.existsSync(opts.publicKeyFile)) throw new CannotCheck(`no such key file: ${opts.publicKeyFile}`);
      keys = { ...keys, ...keysFromPem(fs.readFileSync(opts.publicKeyFile, 'utf8'), opts.publicKeyFile) };
    }
    if (opts.keysUrl) keys = { ...keys, ...(await keysFromUrl(opts.keysUrl)) };
    if (!opts.publicKeyFile && !opts.keysUrl) keys = await keysFromDatabase(config);
  } catch (e) {
    if (!(e instanceof CannotCheck)) throw e;
    process.stderr.write(`zhuxiao: ${e.message}\n`);
    return 2;
  }
  const pdf = fs.readFileSync(file);
  const r = verifyPdf(pdf, keys);
  const verifyUrl = r.valid ? readVerifyUrlFromPdf(pdf) : undefined;
  const out = r.valid
    ? { valid: true, keyId: r.keyId, facts: r.facts, ...(verifyUrl ? { verifyUrl } : {}) }
    : { valid: false, reason: r.reason, keyId: r.keyId };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  return r.valid ? 0 : 1;
}

/** The `verify` subcommand: parses its arguments (usage errors exit 2, through the caller's handler). */
export async function verifyCommand(config: Config, args: string[], usage: (message: string) => never): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { 'public-key': { type: 'string' }, 'keys-url': { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) usage(`verify takes one PDF file: ${VERIFY_USAGE}`);
  return verifyOffline(config, positionals[0], { publicKeyFile: values['public-key'], keysUrl: values['keys-url'] });
}
