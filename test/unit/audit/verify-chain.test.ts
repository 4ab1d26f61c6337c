// The audit checker on its own: entries sealed the way the sealer seals them (leaf hashes, a signed
// checkpoint per batch), then tampered with in each of the ways the checker must catch.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateSigningKey } from '../../../src/certificates/signing.ts';
import { AUDIT_LOG_ID, auditLeafHash, signCheckpoint, type AuditRow, type SignedCheckpoint } from '../../../src/audit/audit-tree.ts';
import { createAuditChecker, type ChainResult } from '../../../src/audit/verify-chain.ts';
import { TreeBuilder } from '../../../src/audit/merkle.ts';

const key = generateSigningKey();
const trustedKeys = { [key.keyId]: key.publicKeyPem };
const hex = (h: Uint8Array) => Buffer.from(h).toString('hex');

function entry(seq: number): AuditRow {
  return {
    seq, at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)), actor_kind: seq % 2 ? 'staff' : 'worker', actor_id: seq % 2 ? 'staff-1' : null,
    action: `action.${seq}`, request_id: null, subject: null, details: { n: seq, nested: { b: 2, a: 1 } }, ip: seq % 2 ? '10.0.0.1' : null,
    prev_hash: null, hash: null, leaf_index: null, leaf_hash: null,
  };
}

/** n entries (seqs with a gap, as rolled-back transactions leave), sealed in batches of `batch`. */
function sealed(n: number, batch = 1) {
  const rows: AuditRow[] = [];
  const checkpoints: SignedCheckpoint[] = [];
  const b = new TreeBuilder();
  for (let i = 0; i < n; i++) {
    const row = entry(i < 3 ? i + 1 : i + 2); // seq 4 was rolled back
    const leaf = auditLeafHash(row);
    rows.push({ ...row, leaf_index: i, leaf_hash: hex(leaf) });
    b.append(leaf);
    if ((i + 1) % batch === 0 || i === n - 1) {
      checkpoints.push(signCheckpoint({ log: AUDIT_LOG_ID, treeSize: b.size, rootHash: hex(b.root()), timestamp: new Date(Date.UTC(2026, 0, 1, 1, 0, i)).toISOString() }, key.privateKeyPem, key.keyId));
    }
  }
  return { rows, checkpoints };
}

function run(rows: AuditRow[], checkpoints: SignedCheckpoint[], saved?: SignedCheckpoint, keys: Record<string, string> = trustedKeys): ChainResult {
  const c = createAuditChecker({ trustedKeys: keys, saved });
  const cps = [...checkpoints];
  for (const r of rows) {
    // Each checkpoint before the leaf that completes it, as verifyAuditChain feeds them.
    while (cps.length && cps[0].payload.treeSize <= Number(r.leaf_index) + 1) if (c.checkpoint(cps.shift()!)) return c.finish();
    if (c.leaf(r)) return c.finish();
  }
  for (const cp of cps) if (c.checkpoint(cp)) return c.finish();
  return c.finish(2);
}

const rehash = (row: AuditRow): AuditRow => ({ ...row, leaf_hash: hex(auditLeafHash(row)) });
const broken = (r: ChainResult) => {
  assert.equal(r.ok, false, JSON.stringify(r));
  return r as Extract<ChainResult, { ok: false }>;
};

describe('audit checker', () => {
  test('an untouched log is intact and reports its newest checkpoint', () => {
    const { rows, checkpoints } = sealed(7, 3);
    const r = run(rows, checkpoints);
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.ok(r.ok);
    assert.equal(r.entries, 7);
    assert.equal(r.unsealed, 2);
    assert.equal(r.checkpointsChecked, 3);
    assert.equal(r.checkpoint?.treeSize, 7);
    assert.equal(r.rootHash, checkpoints[2].payload.rootHash);
  });

  test('an empty log is intact', () => {
    const r = run([], []);
    assert.ok(r.ok);
    assert.equal(r.entries, 0);
    assert.equal(r.checkpoint, null);
  });

  test('an edited entry is found at its own seq', () => {
    const { rows, checkpoints } = sealed(6, 3);
    rows[2] = { ...rows[2], details: { ...rows[2].details, amountFen: 1 } };
    const r = broken(run(rows, checkpoints));
    assert.equal(r.reason, 'entry_altered');
    assert.equal(r.firstBrokenSeq, 3);
    assert.equal(r.firstBrokenLeafIndex, 2);
    assert.equal(r.entriesChecked, 2);
  });

  test('an edited entry whose leaf hash was recomputed fails the checkpoint that covers it', () => {
    const { rows, checkpoints } = sealed(6, 1);
    rows[3] = rehash({ ...rows[3], ip: '203.0.113.9' });
    const r = broken(run(rows, checkpoints));
    assert.equal(r.reason, 'checkpoint_mismatch');
    assert.equal(r.firstBrokenLeafIndex, 3, 'one checkpoint per entry: the entry itself');
    assert.equal(r.firstBrokenSeq, 5);
  });

  test('with batches, the break is narrowed to the batch', () => {
    const { rows, checkpoints } = sealed(9, 3);
    rows[4] = rehash({ ...rows[4], action: 'something.else' });
    const r = broken(run(rows, checkpoints));
    assert.equal(r.reason, 'checkpoint_mismatch');
    assert.equal(r.firstBrokenLeafIndex, 3);
    assert.match(r.detail, /leaves 3 to 5/);
  });

  test('a deleted entry leaves a gap in the leaf indices', () => {
    const { rows, checkpoints } = sealed(6, 2);
    rows.splice(3, 1);
    const r = broken(run(rows, checkpoints));
    assert.equal(r.reason, 'missing_entry');
    assert.equal(r.firstBrokenLeafIndex, 3);
    assert.equal(r.firstBrokenSeq, Number(rows[3].seq), 'named by the next entry present');
  });

  test('a deleted entry with the later ones re-indexed fails the checkpoint', () => {
    const { rows, checkpoints } = sealed(6, 1);
    rows.splice(1, 1);
    rows.forEach((r, i) => (r.leaf_index = i));
    const r = broken(run(rows, checkpoints));
    assert.equal(r.reason, 'checkpoint_mismatch');
    assert.equal(r.firstBrokenLeafIndex, 1);
  });

  test('two entries swapped in the tree are caught at the first of them', () => {
    const { rows, checkpoints } = sealed(6, 1);
    const [a, b] = [rows[2], rows[3]];
    rows[2] = { ...b, leaf_index: 2 };
    rows[3] = { ...a, leaf_index: 3 };
    const r = broken(run(rows, checkpoints));
    assert.equal(r.reason, 'checkpoint_mismatch');
    assert.equal(r.firstBrokenLeafIndex, 2);
    assert.equal(r.firstBrokenSeq, Number(b.seq));
  });

  test('a deleted tail is caught against the newest checkpoint', () => {
    const { rows, checkpoints } = sealed(6, 2);
    const r = broken(run(rows.slice(0, 5), checkpoints));
    assert.equal(r.reason, 'truncated');
    assert.equal(r.firstBrokenLeafIndex, 5);
  });

  test('a deleted tail with its checkpoints looks whole, but not against a saved checkpoint', () => {
    const { rows, checkpoints } = sealed(6, 2);
    const saved = checkpoints[2];
    assert.equal(run(rows.slice(0, 4), checkpoints.slice(0, 2)).ok, true, 'from inside the database it cannot be seen');
    const r = broken(run(rows.slice(0, 4), checkpoints.slice(0, 2), saved));
    assert.equal(r.reason, 'truncated');
    assert.equal(r.firstBrokenLeafIndex, 4);
  });

  test('a tail replaced by new entries is not consistent with the saved checkpoint', () => {
    const { rows, checkpoints } = sealed(6, 2);
    const saved = checkpoints[2];
    // Entries from leaf 4 on rewritten and re-signed by a sealer that kept running.
    const b = new TreeBuilder();
    const forged = rows.slice(0, 4);
    for (const r of forged) b.append(Buffer.from(r.leaf_hash!, 'hex'));
    for (let i = 4; i < 8; i++) {
      const row = rehash({ ...entry(100 + i), leaf_index: i });
      forged.push(row);
      b.append(Buffer.from(row.leaf_hash!, 'hex'));
    }
    const resigned = [...checkpoints.slice(0, 2), signCheckpoint({ log: AUDIT_LOG_ID, treeSize: 8, rootHash: hex(b.root()), timestamp: '2026-01-02T00:00:00.000Z' }, key.privateKeyPem, key.keyId)];
    assert.equal(run(forged, resigned).ok, true);
    const r = broken(run(forged, resigned, saved));
    assert.equal(r.reason, 'not_consistent');
    assert.equal(r.firstBrokenLeafIndex, 4, 'the last checkpoint signed before the saved one still holds up to leaf 4');
  });

  test('an earlier saved checkpoint is consistent with an untouched log, with the proof', () => {
    const { rows, checkpoints } = sealed(7, 2);
    const r = run(rows, checkpoints, checkpoints[1]);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.consistency?.fromTreeSize, 4);
    assert.equal(r.consistency?.toTreeSize, 7);
    assert.ok(r.consistency!.proof.length > 0);
  });

  test('a checkpoint edited, or signed by an unknown key, is refused', () => {
    const { rows, checkpoints } = sealed(4, 2);
    const edited = checkpoints.map((c, i) => (i === 1 ? { ...c, payload: { ...c.payload, timestamp: '2027-01-01T00:00:00.000Z' } } : c));
    assert.equal(broken(run(rows, edited)).reason, 'bad_checkpoint');
    const other = generateSigningKey();
    assert.equal(broken(run(rows, checkpoints, undefined, { [other.keyId]: other.publicKeyPem })).reason, 'bad_checkpoint');
    const forgedSaved = { ...checkpoints[0], payload: { ...checkpoints[0].payload, treeSize: 3 } };
    assert.equal(broken(run(rows, checkpoints, forgedSaved)).reason, 'bad_checkpoint');
  });

  test('entries sealed with no checkpoint covering them are flagged', () => {
    const { rows, checkpoints } = sealed(5, 2);
    const r = broken(run(rows, checkpoints.slice(0, 2)));
    assert.equal(r.reason, 'unsigned_entries');
    assert.equal(r.firstBrokenLeafIndex, 4);
  });
});
