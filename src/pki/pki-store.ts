// The deployment's PKI as stored: one root CA, a signing certificate per carrier, the TSA's and the
// transparency log's certificates, all issued by the root (ECDSA P-256). Private keys are sealed
// with the platform's master key (ctx.vault), as the Ed25519 keys are (signing-keys.ts).
//
// Where it comes from:
//   - ZHUXIAO_PKI_DIR set (production): the files `zhuxiao pki init --out DIR` writes (or a real
//     CA's): root.pem (the root's certificate; its key stays offline), and <name>.pem + <name>.key
//     for each carrier code, `tsa` and `log`. They are imported on start; nothing is generated.
//   - otherwise (dev, tests): generated on first use, root key included, so `zhuxiao pki issue|rotate`
//     and rotation on expiry work without files.
import fs from 'node:fs';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { CarrierCode, DB } from '../db/schema.ts';
import { isTsaSimulator } from '../adapters/tsa.ts';
import type { SignerIdentity } from './cms.ts';
import { issueCertificate, isIssuedBy, type CertificateProfile } from './x509.ts';

type Db = Kysely<DB> | Transaction<DB>;
type Kind = CertificateProfile;

const YEAR_MS = 365 * 24 * 3600 * 1000;
const VALIDITY: Record<Kind, number> = { root: 20 * YEAR_MS, carrier: 2 * YEAR_MS, tsa: 5 * YEAR_MS, log: 5 * YEAR_MS };
const ORG = 'Zhuxiao cancellation platform';

export type StoredIdentity = SignerIdentity & { serial: string; kind: Kind; carrier: CarrierCode | null };

const CN: Record<Exclude<Kind, 'carrier'>, string> = { root: 'Zhuxiao Root CA', tsa: 'Zhuxiao Time-Stamping Authority', log: 'Zhuxiao Certificate Transparency Log' };

async function lock(trx: Transaction<DB>): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext('zhuxiao-pki'))`.execute(trx);
}

function subjectOf(pem: string): string {
  return new X509Certificate(pem).subject.replace(/\n/g, ', ');
}

async function insert(ctx: AppContext, db: Db, kind: Kind, carrier: CarrierCode | null, certPem: string, privateKeyPem: string | null): Promise<string> {
  const x = new X509Certificate(certPem);
  const serial = x.serialNumber.toLowerCase();
  await db.insertInto('pki_certificates').values({
    serial, kind, carrier, subject: subjectOf(certPem), cert_pem: certPem, private_key_enc: privateKeyPem ? ctx.vault.encrypt(privateKeyPem) : null,
    not_before: new Date(x.validFrom), not_after: new Date(x.validTo),
  }).onConflict((oc) => oc.column('serial').doNothing()).execute();
  return serial;
}

async function rootRow(db: Db) {
  return db.selectFrom('pki_certificates').select(['serial', 'cert_pem', 'private_key_enc']).where('kind', '=', 'root').where('active', '=', true)
    .orderBy('created_at', 'desc').executeTakeFirst();
}

/** Creates (or imports) the root and the TSA and log identities when missing, and hands the TSA simulator its identity. */
export async function ensurePki(ctx: AppContext): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await lock(trx);
    const dir = process.env.ZHUXIAO_PKI_DIR;
    if (dir) await importPkiDir(ctx, trx, dir);
    else if (!(await rootRow(trx))) await createRoot(ctx, trx);
    for (const kind of ['tsa', 'log'] as const) await activeIdentityIn(ctx, trx, kind, null);
  });
  if (isTsaSimulator(ctx.adapters.tsa) && !ctx.adapters.tsa.hasIdentity) {
    const tsa = await activeIdentity(ctx, 'tsa', null);
    ctx.adapters.tsa.useIdentity(tsa);
  }
}

async function createRoot(ctx: AppContext, trx: Db): Promise<void> {
  const now = ctx.now();
  const root = issueCertificate({ profile: 'root', commonName: CN.root, organization: ORG, notBefore: new Date(now.getTime() - 3600_000), notAfter: new Date(now.getTime() + VALIDITY.root) });
  await insert(ctx, trx, 'root', null, root.certPem, root.privateKeyPem);
}

async function importPkiDir(ctx: AppContext, trx: Db, dir: string): Promise<void> {
  const rootPem = fs.readFileSync(path.join(dir, 'root.pem'), 'utf8');
  const rootKey = fs.existsSync(path.join(dir, 'root.key')) ? fs.readFileSync(path.join(dir, 'root.key'), 'utf8') : null;
  await insert(ctx, trx, 'root', null, rootPem, rootKey);
  const carriers = (await trx.selectFrom('carriers').select('code').execute()).map((c) => c.code);
  for (const name of [...carriers, 'tsa', 'log']) {
    const certFile = path.join(dir, `${name}.pem`);
    if (!fs.existsSync(certFile)) continue;
    const certPem = fs.readFileSync(certFile, 'utf8');
    if (!isIssuedBy(certPem, rootPem)) throw new Error(`${certFile} is not issued by ${path.join(dir, 'root.pem')}`);
    const kind: Kind = name === 'tsa' || name === 'log' ? name : 'carrier';
    await insert(ctx, trx, kind, kind === 'carrier' ? (name as CarrierCode) : null, certPem, fs.readFileSync(path.join(dir, `${name}.key`), 'utf8'));
  }
}

/** Issues a new certificate from the stored root key (dev/test, or a deployment that keeps its root key here). */
export async function issueFromRoot(ctx: AppContext, db: Db, kind: Exclude<Kind, 'root'>, carrier: CarrierCode | null, validity?: { notBefore: Date; notAfter: Date }): Promise<StoredIdentity> {
  const root = await rootRow(db);
  if (!root?.private_key_enc) {
    throw new Error(`no root CA key to issue a ${kind} certificate${carrier ? ` for ${carrier}` : ''}: run \`zhuxiao pki issue\` where the root key is, and put the files in ZHUXIAO_PKI_DIR`);
  }
  let commonName: string;
  if (kind === 'carrier') {
    const c = await db.selectFrom('carriers').select(['name_en']).where('code', '=', carrier!).executeTakeFirstOrThrow();
    commonName = `${c.name_en} (certificate signing)`;
  } else commonName = CN[kind];
  const now = ctx.now();
  const issued = issueCertificate({
    profile: kind,
    commonName,
    organization: ORG,
    notBefore: validity?.notBefore ?? new Date(now.getTime() - 3600_000),
    notAfter: validity?.notAfter ?? new Date(now.getTime() + VALIDITY[kind]),
    issuer: { certPem: root.cert_pem, privateKeyPem: ctx.vault.decrypt(root.private_key_enc) },
  });
  const serial = await insert(ctx, db, kind, carrier, issued.certPem, issued.privateKeyPem);
  return { serial, kind, carrier, certPem: issued.certPem, privateKeyPem: issued.privateKeyPem };
}

async function activeIdentityIn(ctx: AppContext, db: Db, kind: Exclude<Kind, 'root'>, carrier: CarrierCode | null): Promise<StoredIdentity> {
  let q = db.selectFrom('pki_certificates').select(['serial', 'cert_pem', 'private_key_enc', 'carrier'])
    .where('kind', '=', kind).where('active', '=', true).where('revoked_at', 'is', null).where('not_after', '>', ctx.now()).where('private_key_enc', 'is not', null);
  q = carrier ? q.where('carrier', '=', carrier) : q;
  const row = await q.orderBy('created_at', 'desc').executeTakeFirst();
  if (row) return { serial: row.serial, kind, carrier: row.carrier, certPem: row.cert_pem, privateKeyPem: ctx.vault.decrypt(row.private_key_enc!) };
  return issueFromRoot(ctx, db, kind, carrier);
}

/** The identity (certificate + key) that signs for a carrier, the TSA or the log; issued from the root when there is none usable. */
export async function activeIdentity(ctx: AppContext, kind: Exclude<Kind, 'root'>, carrier: CarrierCode | null, trx?: Transaction<DB>): Promise<StoredIdentity> {
  if (trx) return activeIdentityIn(ctx, trx, kind, carrier);
  return ctx.db.transaction().execute(async (t) => {
    await lock(t);
    return activeIdentityIn(ctx, t, kind, carrier);
  });
}

/** Retires a carrier's current certificate and issues a new one (documents signed before stay valid). */
export async function rotateCarrierCertificate(ctx: AppContext, carrier: CarrierCode): Promise<StoredIdentity> {
  return ctx.db.transaction().execute(async (trx) => {
    await lock(trx);
    await trx.updateTable('pki_certificates').set({ active: false }).where('kind', '=', 'carrier').where('carrier', '=', carrier).execute();
    return issueFromRoot(ctx, trx, 'carrier', carrier);
  });
}

/** The NOTIFY channel a change of what is trusted goes out on (src/certificates/verify-cache.ts listens). */
export const TRUST_CHANNEL = 'zhuxiao_certificate_trust';

/**
 * Revokes a certificate: documents it signed no longer verify. Every process hears of it when it
 * commits (NOTIFY in the same transaction), so none answers from what it remembered.
 */
export async function revokeCertificate(db: Kysely<DB>, serial: string, at: Date): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const r = await trx.updateTable('pki_certificates').set({ revoked_at: at, active: false }).where('serial', '=', serial.toLowerCase()).where('kind', '!=', 'root').executeTakeFirst();
    const revoked = Number(r.numUpdatedRows) > 0;
    if (revoked) await sql`SELECT pg_notify(${TRUST_CHANNEL}, ${serial.toLowerCase()})`.execute(trx);
    return revoked;
  });
}

/** The root certificates a verifier trusts (PEM, newest first). */
export async function rootCertificates(db: Kysely<DB>): Promise<string[]> {
  const rows = await db.selectFrom('pki_certificates').select('cert_pem').where('kind', '=', 'root').orderBy('created_at', 'desc').execute();
  return rows.map((r) => r.cert_pem);
}

/** Serials (lower-case hex) of revoked certificates. */
export async function revokedSerials(db: Kysely<DB>): Promise<Set<string>> {
  const rows = await db.selectFrom('pki_certificates').select('serial').where('revoked_at', 'is not', null).execute();
  return new Set(rows.map((r) => r.serial));
}

export async function listPkiCertificates(db: Kysely<DB>) {
  return db.selectFrom('pki_certificates').select(['serial', 'kind', 'carrier', 'subject', 'not_before', 'not_after', 'active', 'revoked_at']).orderBy('created_at').execute();
}
