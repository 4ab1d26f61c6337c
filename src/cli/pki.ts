// `zhuxiao pki init|issue|rotate|revoke|list`: the deployment's PKI (src/pki/pki-store.ts).
//
//   init [--out DIR]      without --out: the root CA, TSA and log certificates in the database (dev).
//                         With --out: the files ZHUXIAO_PKI_DIR reads in production (root.pem,
//                         root.key, <carrier>.pem/.key for every carrier, tsa.*, log.*); keep
//                         root.key offline and ship the rest.
//   issue NAME --dir DIR  a new certificate for NAME (a carrier code, tsa or log) from DIR/root.key.
//   rotate CARRIER        a new signing certificate for the carrier in the database (the old retired).
//   revoke SERIAL         documents that certificate signed no longer verify.
//   list                  every certificate, as JSON lines.
// Exit 0 on success, 2 on usage errors.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import type { AppContext } from '../context.ts';
import type { CarrierCode } from '../db/schema.ts';
import { createTsaSimulator } from '../adapters/tsa.ts';
import { ensurePki, listPkiCertificates, revokeCertificate, rotateCarrierCertificate } from '../pki/pki-store.ts';
import { issueCertificate, type CertificateProfile } from '../pki/x509.ts';

const USAGE = 'zhuxiao: usage: zhuxiao pki init [--out DIR] | pki issue NAME --dir DIR | pki rotate CARRIER | pki revoke SERIAL | pki list\n';
const CARRIERS = ['cmcc', 'cucc', 'ctcc', 'cbn'];
const YEAR = 365 * 864e5;

function usage(message?: string): number {
  if (message) process.stderr.write(`zhuxiao: ${message}\n`);
  process.stderr.write(USAGE);
  return 2;
}

function writeIdentity(dir: string, name: string, cert: { certPem: string; privateKeyPem: string }): void {
  fs.writeFileSync(path.join(dir, `${name}.pem`), cert.certPem);
  fs.writeFileSync(path.join(dir, `${name}.key`), cert.privateKeyPem, { mode: 0o600 });
}

function issueFile(dir: string, name: string): void {
  const root = { certPem: fs.readFileSync(path.join(dir, 'root.pem'), 'utf8'), privateKeyPem: fs.readFileSync(path.join(dir, 'root.key'), 'utf8') };
  const profile: Exclude<CertificateProfile, 'root'> = name === 'tsa' || name === 'log' ? name : 'carrier';
  const now = Date.now();
  const cn = profile === 'carrier' ? `${name} (certificate signing)` : profile === 'tsa' ? 'Zhuxiao Time-Stamping Authority' : 'Zhuxiao Certificate Transparency Log';
  writeIdentity(dir, name, issueCertificate({ profile, commonName: cn, organization: 'Zhuxiao cancellation platform', notBefore: new Date(now - 3600e3), notAfter: new Date(now + 2 * YEAR), issuer: root }));
}

async function withContext<T>(config: Config, fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const { openConfiguredDatabase } = await import('../bootstrap.ts');
  const { migrateToLatest } = await import('../db/migrate.ts');
  const { createPiiVault, loadMasterKey } = await import('../identity/pii.ts');
  const database = await openConfiguredDatabase(config);
  try {
    await migrateToLatest(database.db);
    const ctx = { config, database, db: database.db, vault: createPiiVault(loadMasterKey(config.dataDir)), adapters: { tsa: createTsaSimulator() }, now: () => new Date() } as unknown as AppContext;
    return await fn(ctx);
  } finally {
    await database.close();
  }
}

export async function pkiCommand(config: Config, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { out: { type: 'string' }, dir: { type: 'string' } }, allowPositionals: true, strict: true });
  const [sub, arg, ...extra] = positionals;
  if (extra.length) return usage();
  switch (sub) {
    case 'init': {
      if (values.out) {
        const dir = values.out;
        fs.mkdirSync(dir, { recursive: true });
        if (fs.existsSync(path.join(dir, 'root.pem'))) return usage(`${dir} already has a root.pem`);
        const now = Date.now();
        writeIdentity(dir, 'root', issueCertificate({ profile: 'root', commonName: 'Zhuxiao Root CA', organization: 'Zhuxiao cancellation platform', notBefore: new Date(now - 3600e3), notAfter: new Date(now + 20 * YEAR) }));
        for (const name of [...CARRIERS, 'tsa', 'log']) issueFile(dir, name);
        process.stdout.write(`${JSON.stringify({ dir, files: fs.readdirSync(dir).sort() })}\n`);
        return 0;
      }
      await withContext(config, (ctx) => ensurePki(ctx));
      await withContext(config, async (ctx) => process.stdout.write(`${JSON.stringify(await listPkiCertificates(ctx.db))}\n`));
      return 0;
    }
    case 'issue':
      if (!arg || !values.dir) return usage('pki issue takes a name and --dir');
      issueFile(values.dir, arg);
      process.stdout.write(`${JSON.stringify({ issued: arg, cert: path.join(values.dir, `${arg}.pem`) })}\n`);
      return 0;
    case 'rotate':
      if (!arg || !CARRIERS.includes(arg)) return usage(`pki rotate takes a carrier code (${CARRIERS.join(', ')})`);
      return withContext(config, async (ctx) => {
        const c = await rotateCarrierCertificate(ctx, arg as CarrierCode);
        process.stdout.write(`${JSON.stringify({ carrier: arg, serial: c.serial })}\n`);
        return 0;
      });
    case 'revoke':
      if (!arg) return usage('pki revoke takes a certificate serial (hex)');
      return withContext(config, async (ctx) => ((await revokeCertificate(ctx.db, arg, new Date())) ? 0 : usage(`no revocable certificate has serial ${arg}`)));
    case 'list':
      return withContext(config, async (ctx) => {
        for (const row of await listPkiCertificates(ctx.db)) process.stdout.write(`${JSON.stringify(row)}\n`);
        return 0;
      });
    default:
      return usage();
  }
}
