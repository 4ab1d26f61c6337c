// Checks the sealed audit log against its signed checkpoints and, given one kept elsewhere, against
// an earlier checkpoint.
//
// Walking the leaves in leaf-index order, each entry must take the next index (else an entry is
// missing) and hash to its stored leaf hash (else it was edited). At each stored checkpoint's size
// the tree built so far must have the signed root (else an entry in the stretch since the previous
// checkpoint was changed, removed, inserted or moved, with its hashes recomputed to hide it), and
// every checkpoint's signature must verify with a trusted audit key. When the walk ends the newest
// checkpoint must cover exactly the sealed entries: fewer entries than it signed means a deleted
// tail. A tail deleted together with its checkpoints looks whole from inside the database; an
// earlier checkpoint kept elsewhere catches that: the log must still have at least its size, the
// same root at that size, and a consistency proof (RFC 9162 §2.1.4) from it to the newest one.
//
// Unsealed entries (committed, not yet sealed: normally under a second's worth) are counted, not
// checked.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { PublicKeys } from '../certificates/signing.ts';
import { auditPublicKeys } from './audit-signing-key.ts';
import {
  auditLeafHash, checkCheckpointSignature, checkpointOfRow, type AuditRow, type CheckpointPayload, type CheckpointRow, type SignedCheckpoint,
} from './audit-tree.ts';
import { TreeBuilder, consistencyProof, verifyConsistency, type Hash } from './merkle.ts';

export type { AuditRow } from './audit-tree.ts';

export type BreakReason =
  | 'missing_entry' | 'entry_altered' | 'checkpoint_mismatch' | 'bad_checkpoint' | 'truncated' | 'unsigned_entries' | 'not_consistent';

export interface ChainBreak {
  ok: false;
  reason: BreakReason;
  /** A sentence for the person reading the report. */
  detail: string;
  /** The first leaf index at which the log is not what was signed (null when no index is to blame). */
  firstBrokenLeafIndex: number | null;
  /** The seq of the stored entry where the break shows (for a missing one: the next present), if any. */
  firstBrokenSeq: number | null;
  entry: AuditRow | null;
  /** Sealed entries checked and found intact before the break. */
  entriesChecked: number;
}

export interface ChainIntact {
  ok: true;
  /** Sealed entries, all checked. */
  entries: number;
  /** Committed entries not sealed yet. */
  unsealed: number;
  treeSize: number;
  rootHash: string;
  /** The newest signed checkpoint: keep it elsewhere (`zhuxiao audit checkpoint`) to catch a deleted tail later. */
  checkpoint: CheckpointPayload & { keyId: string } | null;
  checkpointsChecked: number;
  /** Given an earlier checkpoint: the proof that the newest tree extends it. */
  consistency?: { fromTreeSize: number; fromRootHash: string; toTreeSize: number; toRootHash: string; proof: string[] };
}

export type ChainResult = ChainIntact | ChainBreak;

const hex = (h: Uint8Array) => Buffer.from(h).toString('hex');
const seqOf = (row: AuditRow | null | undefined) => (row ? Number(row.seq) : null);

export interface CheckerOptions {
  /** Audit public keys to trust: key id → PEM (or a list of PEMs). */
  trustedKeys: PublicKeys;
  /** An earlier checkpoint kept outside the database. */
  saved?: SignedCheckpoint;
}

/**
 * A pure, incremental checker. Feed checkpoints in increasing tree size, each before the leaf that
 * completes it, and leaves in leaf-index order; the first break is returned (and then kept).
 */
export function createAuditChecker(opts: CheckerOptions) {
  const builder = new TreeBuilder();
  const pending: SignedCheckpoint[] = [];
  const saved = opts.saved;
  // The full list is needed only for a consistency proof from a saved checkpoint.
  const leaves: Hash[] | null = saved ? [] : null;
  const seqs: number[] | null = saved ? [] : null;
  let latest: SignedCheckpoint | null = null;
  let fedSize = 0;
  let checkpointsChecked = 0;
  let lastGood = { size: 0, timestamp: '' };
  let savedGood: { size: number; timestamp: string } | null = null;
  let savedRootMatches: boolean | null = null;
  let firstSinceGood: AuditRow | null = null;
  let broken: ChainBreak | null = null;

  const fail = (reason: BreakReason, detail: string, at: number | null, entry: AuditRow | null, seq = seqOf(entry)): ChainBreak =>
    (broken = { ok: false, reason, detail, firstBrokenLeafIndex: at, firstBrokenSeq: seq, entry, entriesChecked: builder.size });

  const signatureProblem = (cp: SignedCheckpoint, what: string): ChainBreak | null => {
    const why = checkCheckpointSignature(cp, opts.trustedKeys);
    if (!why) return null;
    return fail('bad_checkpoint', why === 'unknown_key'
      ? `${what} (${cp.payload.treeSize} entries, ${cp.payload.timestamp}) is signed with key ${cp.keyId}, which is not a trusted audit key.`
      : `${what} (${cp.payload.treeSize} entries, ${cp.payload.timestamp}) does not match its signature: it was altered or forged.`, null, null);
  };

  const range = (from: number, to: number) => (to - from === 1 ? `leaf ${from}` : `leaves ${from} to ${to - 1}`);

  return {
    checkpoint(row: CheckpointRow | SignedCheckpoint): ChainBreak | null {
      if (broken) return broken;
      const cp = 'payload' in row ? row : checkpointOfRow(row);
      if (cp.payload.treeSize <= fedSize || cp.payload.treeSize <= builder.size) throw new Error('checkpoints must be fed in increasing size, before the leaves that complete them');
      fedSize = cp.payload.treeSize;
      const bad = signatureProblem(cp, 'The checkpoint');
      if (bad) return bad;
      pending.push(cp);
      latest = cp;
      return null;
    },

    leaf(row: AuditRow): ChainBreak | null {
      if (broken) return broken;
      const index = Number(row.leaf_index);
      if (index !== builder.size) {
        return fail('missing_entry', `The entry at leaf ${builder.size} is missing: the sealed log goes from leaf ${builder.size - 1} to leaf ${index} (seq ${row.seq}).`, builder.size, row);
      }
      const leaf = auditLeafHash(row);
      if (hex(leaf) !== row.leaf_hash) {
        return fail('entry_altered', `Entry ${row.seq} (leaf ${index}) does not match its leaf hash: its content was changed after it was sealed.`, index, row);
      }
      builder.append(leaf);
      leaves?.push(leaf);
      seqs?.push(Number(row.seq));
      firstSinceGood ??= row;
      while (pending.length && pending[0].payload.treeSize === builder.size) {
        const cp = pending.shift()!;
        if (hex(builder.root()) !== cp.payload.rootHash) {
          const entry = firstSinceGood;
          return fail('checkpoint_mismatch',
            `The first ${cp.payload.treeSize} entries no longer hash to the root signed at ${cp.payload.timestamp}: ` +
            `one of ${range(lastGood.size, cp.payload.treeSize)} (from seq ${entry?.seq}) was changed, removed, inserted or moved.`,
            lastGood.size, entry);
        }
        checkpointsChecked += 1;
        lastGood = { size: cp.payload.treeSize, timestamp: cp.payload.timestamp };
        if (saved && cp.payload.treeSize <= saved.payload.treeSize && Date.parse(cp.payload.timestamp) <= Date.parse(saved.payload.timestamp)) savedGood = lastGood;
        firstSinceGood = null;
      }
      if (saved && builder.size === saved.payload.treeSize) savedRootMatches = hex(builder.root()) === saved.payload.rootHash;
      return null;
    },

    /** The result once every sealed entry (and checkpoint) was fed; `unsealed` is only reported. */
    finish(unsealed = 0): ChainResult {
      if (broken) return broken;
      const n = builder.size;
      const newest = latest as SignedCheckpoint | null;
      if (pending.length) {
        const cp = pending[0];
        return fail('truncated',
          `The checkpoint signed at ${cp.payload.timestamp} covers ${cp.payload.treeSize} entries but the log has ${n}: ` +
          `${range(n, cp.payload.treeSize)} were deleted.`, n, null, null);
      }
      if ((newest?.payload.treeSize ?? 0) < n) {
        const from = newest?.payload.treeSize ?? 0;
        return fail('unsigned_entries', `${range(from, n)} are sealed but no signed checkpoint covers them: they were added or re-indexed by hand.`, from, firstSinceGood);
      }
      let consistency: ChainIntact['consistency'];
      if (saved) {
        const bad = signatureProblem(saved, 'The saved checkpoint');
        if (bad) return bad;
        const m = saved.payload.treeSize;
        const from = savedGood?.size ?? 0;
        const seqAt = (i: number) => seqs?.[i] ?? null;
        if (m > n) {
          return fail('truncated', `The saved checkpoint (${saved.payload.timestamp}) covers ${m} entries but the log now has ${n}: ${range(n, m)} were deleted.`, n, null, null);
        }
        if (!savedRootMatches) {
          return fail('not_consistent',
            `The log's first ${m} entries are not the ones the saved checkpoint (${saved.payload.timestamp}) signed: ` +
            `from leaf ${from} on (seq ${seqAt(from)}), entries were changed, deleted, inserted or moved.`, from, null, seqAt(from));
        }
        const to = newest!.payload;
        const proof = consistencyProof(leaves!, m, to.treeSize);
        if (!verifyConsistency(m, to.treeSize, Buffer.from(saved.payload.rootHash, 'hex'), Buffer.from(to.rootHash, 'hex'), proof)) {
          return fail('not_consistent', `The newest checkpoint does not extend the saved one (${saved.payload.timestamp}).`, from, null, seqAt(from));
        }
        consistency = { fromTreeSize: m, fromRootHash: saved.payload.rootHash, toTreeSize: to.treeSize, toRootHash: to.rootHash, proof: proof.map(hex) };
      }
      return {
        ok: true,
        entries: n,
        unsealed,
        treeSize: n,
        rootHash: hex(builder.root()),
        checkpoint: newest ? { ...newest.payload, keyId: newest.keyId } : null,
        checkpointsChecked,
        ...(consistency ? { consistency } : {}),
      };
    },
  };
}

export interface VerifyOptions {
  pageSize?: number;
  saved?: SignedCheckpoint;
  /** The keys to trust; by default every audit key in the database. */
  trustedKeys?: PublicKeys;
}

/**
 * Reads the sealed log and its checkpoints in pages and checks them. The bounds (newest checkpoint,
 * highest leaf index) are read in one statement first, so entries sealed while the check runs are
 * left for the next one instead of looking like a break.
 */
export async function verifyAuditChain(db: Kysely<DB>, opts: VerifyOptions = {}): Promise<ChainResult> {
  const pageSize = opts.pageSize ?? 1000;
  const bounds = await db.selectNoFrom((eb) => [
    eb.selectFrom('audit_checkpoints').select((e) => e.fn.max('tree_size').as('t')).as('max_size'),
    eb.selectFrom('audit_log').select((e) => e.fn.max('leaf_index').as('m')).as('max_leaf'),
    eb.selectFrom('audit_log').select((e) => e.fn.countAll().as('u')).where('leaf_index', 'is', null).as('unsealed'),
  ]).executeTakeFirstOrThrow();
  const maxSize = Number(bounds.max_size ?? 0);
  const maxLeaf = bounds.max_leaf === null || bounds.max_leaf === undefined ? -1 : Number(bounds.max_leaf);
  // Read after the bounds: a key created by a seal just before them is then already known.
  const checker = createAuditChecker({ trustedKeys: opts.trustedKeys ?? (await auditPublicKeys(db)), saved: opts.saved });

  let fedCheckpoints = 0;
  const feedCheckpointsUpTo = async (size: number): Promise<ChainBreak | null> => {
    for (;;) {
      const page = await db.selectFrom('audit_checkpoints').selectAll()
        .where('tree_size', '>', fedCheckpoints).where('tree_size', '<=', Math.min(size, maxSize))
        .orderBy('tree_size').limit(pageSize).execute();
      for (const cp of page) {
        const broken = checker.checkpoint(cp);
        if (broken) return broken;
        fedCheckpoints = Number(cp.tree_size);
      }
      if (page.length < pageSize) return null;
    }
  };

  let after = -1;
  for (;;) {
    const page = await db.selectFrom('audit_log').selectAll()
      .where('leaf_index', '>', after).where('leaf_index', '<=', maxLeaf)
      .orderBy('leaf_index').limit(pageSize).execute();
    if (page.length === 0) break;
    const brokenCp = await feedCheckpointsUpTo(Number(page[page.length - 1].leaf_index) + 1);
    if (brokenCp) return brokenCp;
    for (const row of page) {
      const broken = checker.leaf(row);
      if (broken) return broken;
    }
    after = Number(page[page.length - 1].leaf_index);
    if (page.length < pageSize) break;
  }
  const brokenCp = await feedCheckpointsUpTo(Number.MAX_SAFE_INTEGER);
  if (brokenCp) return brokenCp;
  return checker.finish(Number(bounds.unsealed ?? 0));
}

/** The newest signed checkpoint, with the public key that checks it: what `zhuxiao audit checkpoint` prints. */
export async function latestCheckpoint(db: Kysely<DB>): Promise<SignedCheckpoint | null> {
  const row = await db.selectFrom('audit_checkpoints').selectAll().orderBy('tree_size', 'desc').limit(1).executeTakeFirst();
  if (!row) return null;
  const key = await db.selectFrom('audit_signing_keys').select('public_key_pem').where('key_id', '=', row.key_id).executeTakeFirst();
  return { ...checkpointOfRow(row), ...(key ? { publicKeyPem: key.public_key_pem } : {}) };
}
