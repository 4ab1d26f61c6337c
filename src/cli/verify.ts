// `zhuxiao verify <file.pdf>`: checks a certificate offline: its PAdES signature (the whole file),
// the signing certificate's chain to the root CA (--root FILE, or ca.pem next to --keys-url, or the
// local database), the RFC 3161 time-stamp, and the Ed25519 signature over its facts against public
// keys from a PEM file (--public-key), fetched from the platform (--keys-url), or the local database.
// With --log TREE_HEAD.json it also checks the certificate is in the transparency log under that
// saved tree head (proof from --log-url, the platform next to --keys-url, or the local database).
// Exit 0 only when all hold; 1 when the file does not pass; 2 when it could not be checked.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { keyIdOf, verifyCertificateFile } from '../certificates/signing.ts';
import { readVerifyUrlFromPdf } from '../certificates/facts.ts';
import { checkInclusion, type InclusionProof, type TreeHead } from '../certificates/transparency-log.ts';
import { certificatesFromPem } from '../pki/x509.ts';

export const VERIFY_USAGE = 'zhuxiao verify <file.pdf> [--root CA.pem] [--public-key FILE] [--keys-url URL] [--log TREE_HEAD.json [--log-url URL]]';

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

async function fetchText(url: string, what: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  } catch (e) {
    throw new CannotCheck(`could not fetch ${what} from ${url}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!res.ok) throw new CannotCheck(`could not fetch ${what} from ${url}: HTTP ${res.status}`);
  return res.text();
}

type Local = { roots: string[]; revoked: Set<string>; keys: Record<string, string>; proof?: (serial: string, size: number) => Promise<InclusionProof> };

async function fromDatabase(config: Config, want: { proofFor?: { serial: string; size: number } } = {}): Promise<Local & { proofValue?: InclusionProof }> {
  if (!config.databaseUrl && !fs.existsSync(path.join(config.dataDir, 'pgdata'))) {
    throw new CannotCheck(guidance(`no root certificate or public key given, and no database here (${config.dataDir})`));
  }
  const { openConfiguredDatabase } = await import('../bootstrap.ts');
  const { rootCertificates, revokedSerials } = await import('../pki/pki-store.ts');
  try {
    const database = await openConfiguredDatabase(config);
    try {
      const keys = Object.fromEntries((await database.db.selectFrom('signing_keys').select(['key_id', 'public_key_pem']).execute()).map((r) => [r.key_id, r.public_key_pem]));
      const out: Local & { proofValue?: InclusionProof } = { roots: await rootCertificates(database.db), revoked: await revokedSerials(database.db), keys };
      if (want.proofFor) {
        const { inclusionProofFor } = await import('../certificates/transparency-log.ts');
        out.proofValue = await inclusionProofFor({ db: database.db } as never, want.proofFor.serial, want.proofFor.size);
      }
      return out;
    } finally {
      await database.close();
    }
  } catch (e) {
    if (e instanceof CannotCheck) throw e;
    throw new CannotCheck(guidance(`the local database could not answer (${e instanceof Error ? e.message : String(e)})`));
  }
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

export type VerifyOptions = { publicKeyFile?: string; keysUrl?: string; rootFile?: string; logFile?: string; logUrl?: string };

export async function verifyOffline(config: Config, file: string, opts: VerifyOptions = {}): Promise<number> {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    process.stderr.write(`zhuxiao: no such file: ${file}\n`);
    return 2;
  }
  let keys: Record<string, string> = {};
  let roots: string[] = [];
  let revoked = new Set<string>();
  try {
    if (opts.rootFile) {
      if (!fs.existsSync(opts.rootFile)) throw new CannotCheck(`no such root certificate file: ${opts.rootFile}`);
      roots = certificatesFromPem(fs.readFileSync(opts.rootFile, 'utf8'));
      if (roots.length === 0) throw new CannotCheck(`no certificate (-----BEGIN CERTIFICATE-----) in ${opts.rootFile}`);
    } else if (opts.keysUrl && /\/public-keys\.pem(\?.*)?$/.test(opts.keysUrl)) {
      const caUrl = opts.keysUrl.replace(/\/public-keys\.pem(\?.*)?$/, '/ca.pem');
      roots = certificatesFromPem(await fetchText(caUrl, 'the root certificate'));
    } else if (opts.publicKeyFile) {
      roots = certificatesFromPem(fs.readFileSync(opts.publicKeyFile, 'utf8'));
    }
    if (opts.publicKeyFile) {
      if (!fs.existsSync(opts.publicKeyFile)) throw new CannotCheck(`no such key file: ${opts.publicKeyFile}`);
      keys = { ...keys, ...keysFromPem(fs.readFileSync(opts.publicKeyFile, 'utf8'), opts.publicKeyFile) };
    }
    if (opts.keysUrl) keys = { ...keys, ...(await keysFromUrl(opts.keysUrl)) };
    if (!opts.publicKeyFile && !opts.keysUrl) keys = await keysFromDatabase(config);
    if (roots.length === 0 || (!opts.publicKeyFile && !opts.keysUrl)) {
      const local = await fromDatabase(config);
      if (roots.length === 0) roots = local.roots;
      revoked = local.revoked;
    }
    if (roots.length === 0) throw new CannotCheck(guidance('no root certificate to check the signature\'s chain against (--root FILE, saved from /api/v1/certificates/ca.pem)'));
  } catch (e) {
    if (!(e instanceof CannotCheck)) throw e;
    process.stderr.write(`zhuxiao: ${e.message}\n`);
    return 2;
  }
  const pdf = fs.readFileSync(file);
  const r = verifyCertificateFile(pdf, { roots, revoked, publicKeys: keys });
  let log: { checked: boolean; ok?: boolean; reason?: string; treeSize?: number } = { checked: false };
  if (r.valid && opts.logFile) {
    try {
      log = await checkLog(config, pdf, r.facts?.serial, roots, opts);
    } catch (e) {
      if (!(e instanceof CannotCheck)) throw e;
      process.stderr.write(`zhuxiao: ${e.message}\n`);
      return 2;
    }
  }
  const valid = r.valid && (!log.checked || log.ok === true);
  const verifyUrl = r.valid ? readVerifyUrlFromPdf(pdf) : undefined;
  const out = r.valid
    ? { valid, ...(valid ? {} : { reason: `log_${log.reason}` }), format: r.format, keyId: r.keyId, facts: r.facts, signer: r.signer, timestamp: r.timestamp, ...(log.checked ? { log } : {}), ...(verifyUrl ? { verifyUrl } : {}) }
    : { valid: false, reason: r.reason, format: r.format, keyId: r.keyId, ...(r.signer ? { signer: r.signer } : {}) };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  return valid ? 0 : 1;
}

async function checkLog(config: Config, pdf: Buffer, serial: string | undefined, roots: string[], opts: VerifyOptions) {
  if (!serial) return { checked: true, ok: false, reason: 'no_serial' };
  let head: TreeHead;
  try {
    head = JSON.parse(fs.readFileSync(opts.logFile!, 'utf8')) as TreeHead;
  } catch {
    throw new CannotCheck(`--log takes a saved tree head (JSON from /api/v1/certificates/log/tree-head): ${opts.logFile} is not one`);
  }
  const base = opts.logUrl?.replace(/\/+$/, '') ?? opts.keysUrl?.replace(/\/public-keys\.pem(\?.*)?$/, '/log');
  let proof: InclusionProof | undefined;
  if (base) {
    const text = await fetchText(`${base}/inclusion/${encodeURIComponent(serial)}?treeSize=${head.treeSize}`, 'the inclusion proof');
    proof = JSON.parse(text) as InclusionProof;
  } else {
    try {
      proof = (await fromDatabase(config, { proofFor: { serial, size: head.treeSize } })).proofValue;
    } catch (e) {
      if (e instanceof CannotCheck) throw e;
      return { checked: true, ok: false, reason: 'not_in_log', treeSize: head.treeSize };
    }
  }
  if (!proof) return { checked: true, ok: false, reason: 'not_in_log', treeSize: head.treeSize };
  const c = checkInclusion(pdf, serial, proof, head, roots);
  return c.ok ? { checked: true, ok: true, treeSize: head.treeSize } : { checked: true, ok: false, reason: c.reason, treeSize: head.treeSize };
}

/** The `verify` subcommand: parses its arguments (usage errors exit 2, through the caller's handler). */
export async function verifyCommand(config: Config, args: string[], usage: (message: string) => never): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { 'public-key': { type: 'string' }, 'keys-url': { type: 'string' }, root: { type: 'string' }, log: { type: 'string' }, 'log-url': { type: 'string' }, fleet: { type: 'string' }, line: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.fleet !== undefined || values.line !== undefined) {
    if (!values.fleet || !values.line || positionals.length) usage('verify --fleet MANIFEST.json --line ICCID|MSISDN|EID [--public-key FILE]');
    return (await import('../fleet/verify-fleet-cli.ts')).verifyFleetFile(values.fleet, values.line, values['public-key']);
  }
  if (positionals.length !== 1) usage(`verify takes one PDF file: ${VERIFY_USAGE}`);
  return verifyOffline(config, positionals[0], { publicKeyFile: values['public-key'], keysUrl: values['keys-url'], rootFile: values.root, logFile: values.log, logUrl: values['log-url'] });
}
