// The certificates' transparency log (RFC 9162 style, src/audit/merkle.ts): every issued
// certificate is appended, in the transaction that issues it, as the leaf
//   leaf data = "ZHUXIAO-CT-V1\n" + canonicalJson({ serial, pdfSha256, loggedAt })
// A signed tree head (size, root, time) is signed with ECDSA P-256 by the log's certificate from
// the deployment's root CA; inclusion proofs per serial and consistency proofs between sizes are
// served, so anyone holding a saved tree head can check a certificate was logged and that the log
// only grew. The pure checks (verifyTreeHead, checkInclusion) serve `zhuxiao verify --log`.
import { createHash, createPrivateKey, sign, verify, X509Certificate } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { DB } from '../db/schema.ts';
import { consistencyProof, inclusionProof, leafHash, rootOf, verifyConsistency, verifyInclusion } from '../audit/merkle.ts';
import { activeIdentity } from '../pki/pki-store.ts';
import { isIssuedBy } from '../pki/x509.ts';
import { canonicalJson } from '../shared/canonical-json.ts';
import { AppError } from '../shared/errors.ts';

export type LogEntry = { serial: string; pdfSha256: string; loggedAt: string };

export type TreeHead = { treeSize: number; rootHash: string; timestamp: string; signature: string; logCertificate: string };

export type InclusionProof = { serial: string; leafIndex: number; treeSize: number; entry: LogEntry; leafHash: string; proof: string[] };

export function entryLeafHash(e: LogEntry): Buffer {
  return leafHash(`ZHUXIAO-CT-V1\n${canonicalJson({ serial: e.serial, pdfSha256: e.pdfSha256, loggedAt: e.loggedAt })}`);
}

function treeHeadBytes(h: Pick<TreeHead, 'treeSize' | 'rootHash' | 'timestamp'>): Buffer {
  return Buffer.from(`ZHUXIAO-STH-V1\n${h.treeSize}\n${h.rootHash}\n${h.timestamp}\n`, 'utf8');
}

export async function appendToLog(trx: Transaction<DB>, serial: string, pdf: Buffer, at: Date): Promise<number> {
  await sql`SELECT pg_advisory_xact_lock(hashtext('zhuxiao-certificate-log'))`.execute(trx);
  const last = await trx.selectFrom('certificate_log').select((eb) => eb.fn.max<number>('leaf_index').as('n')).executeTakeFirst();
  const index = last?.n === null || last?.n === undefined ? 0 : Number(last.n) + 1;
  const entry: LogEntry = { serial, pdfSha256: createHash('sha256').update(pdf).digest('hex'), loggedAt: at.toISOString() };
  await trx.insertInto('certificate_log').values({ leaf_index: index, serial, pdf_sha256: entry.pdfSha256, leaf_hash: entryLeafHash(entry).toString('hex'), logged_at: at }).execute();
  return index;
}

async function leafHashes(db: Kysely<DB>, size?: number): Promise<Buffer[]> {
  let q = db.selectFrom('certificate_log').select('leaf_hash').orderBy('leaf_index');
  if (size !== undefined) q = q.where('leaf_index', '<', size);
  return (await q.execute()).map((r) => Buffer.from(r.leaf_hash, 'hex'));
}

/** The log's current signed tree head. */
export async function signedTreeHead(ctx: AppContext): Promise<TreeHead> {
  const hashes = await leafHashes(ctx.db);
  const log = await activeIdentity(ctx, 'log', null);
  const head = { treeSize: hashes.length, rootHash: rootOf(hashes).toString('hex'), timestamp: ctx.now().toISOString() };
  const signature = sign('sha256', treeHeadBytes(head), createPrivateKey(log.privateKeyPem)).toString('base64');
  return { ...head, signature, logCertificate: log.certPem };
}

async function sizeOrCurrent(db: Kysely<DB>, size: number | undefined): Promise<number> {
  const n = Number((await db.selectFrom('certificate_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  if (size === undefined) return n;
  if (!Number.isSafeInteger(size) || size < 1 || size > n) throw new AppError('bad_request', `The tree size must be between 1 and ${n}.`);
  return size;
}

export async function inclusionProofFor(ctx: AppContext, serial: string, treeSize?: number): Promise<InclusionProof> {
  const row = await ctx.db.selectFrom('certificate_log').selectAll().where('serial', '=', serial).executeTakeFirst();
  if (!row) throw new AppError('not_found', 'No certificate with that serial is in the log.');
  const size = await sizeOrCurrent(ctx.db, treeSize);
  if (row.leaf_index >= size) throw new AppError('bad_request', `The certificate was logged after tree size ${size}; ask for a larger size.`);
  const hashes = await leafHashes(ctx.db, size);
  return {
    serial,
    leafIndex: row.leaf_index,
    treeSize: size,
    entry: { serial, pdfSha256: row.pdf_sha256, loggedAt: new Date(row.logged_at).toISOString() },
    leafHash: row.leaf_hash,
    proof: inclusionProof(hashes, row.leaf_index, size).map((h) => h.toString('hex')),
  };
}

export async function consistencyProofBetween(ctx: AppContext, first: number, second?: number) {
  const size = await sizeOrCurrent(ctx.db, second);
  if (!Number.isSafeInteger(first) || first < 1 || first > size) throw new AppError('bad_request', `The first size must be between 1 and ${size}.`);
  const hashes = await leafHashes(ctx.db, size);
  return { first, second: size, firstRoot: rootOf(hashes, first).toString('hex'), secondRoot: rootOf(hashes, size).toString('hex'), proof: consistencyProof(hashes, first, size).map((h) => h.toString('hex')) };
}

/** The tree head is signed by a log certificate from one of the roots. Pure. */
export function verifyTreeHead(head: TreeHead, roots: readonly string[]): boolean {
  try {
    if (!roots.some((r) => isIssuedBy(head.logCertificate, r))) return false;
    const key = new X509Certificate(head.logCertificate).publicKey;
    return verify('sha256', treeHeadBytes(head), key, Buffer.from(head.signature, 'base64'));
  } catch {
    return false;
  }
}

export type InclusionCheck = { ok: true } | { ok: false; reason: 'bad_tree_head' | 'wrong_size' | 'not_this_file' | 'bad_proof' };

/** Does `proof` show that this very PDF (by SHA-256) with this serial is in the tree `head` signs? Pure. */
export function checkInclusion(pdf: Buffer, serial: string, proof: InclusionProof, head: TreeHead, roots: readonly string[]): InclusionCheck {
  if (!verifyTreeHead(head, roots)) return { ok: false, reason: 'bad_tree_head' };
  if (proof.treeSize !== head.treeSize) return { ok: false, reason: 'wrong_size' };
  const sha = createHash('sha256').update(pdf).digest('hex');
  if (proof.entry.serial !== serial || proof.entry.pdfSha256 !== sha) return { ok: false, reason: 'not_this_file' };
  const ok = verifyInclusion(proof.leafIndex, proof.treeSize, entryLeafHash(proof.entry), proof.proof.map((h) => Buffer.from(h, 'hex')), Buffer.from(head.rootHash, 'hex'));
  return ok ? { ok: true } : { ok: false, reason: 'bad_proof' };
}

export function checkConsistency(older: TreeHead, newer: TreeHead, proof: string[], roots: readonly string[]): boolean {
  if (!verifyTreeHead(older, roots) || !verifyTreeHead(newer, roots)) return false;
  return verifyConsistency(older.treeSize, newer.treeSize, Buffer.from(older.rootHash, 'hex'), Buffer.from(newer.rootHash, 'hex'), proof.map((h) => Buffer.from(h, 'hex')));
}
