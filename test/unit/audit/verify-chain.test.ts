// The audit chain checker on its own: entries built the way appendAudit builds them, then tampered
// with in each of the ways the chain must catch.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GENESIS_HASH, entryHash } from '../../../src/audit/append-audit.ts';
import { createChainChecker, hashedFields, type AuditRow, type ChainResult } from '../../../src/audit/verify-chain.ts';

function chain(n: number): AuditRow[] {
  const rows: AuditRow[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const row: AuditRow = {
      seq, at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)), actor_kind: seq % 2 ? 'staff' : 'worker', actor_id: seq % 2 ? 'staff-1' : null,
      action: `action.${seq}`, request_id: null, subject: null, details: { n: seq, nested: { b: 2, a: 1 } }, ip: seq % 2 ? '10.0.0.1' : null,
      prev_hash: prev, hash: '',
    };
    row.hash = entryHash(prev, hashedFields(row));
    prev = row.hash;
    rows.push(row);
  }
  return rows;
}

function run(rows: AuditRow[]): ChainResult {
  const c = createChainChecker();
  for (const r of rows) if (c.check(r)) break;
  return c.finish();
}

const rehash = (row: AuditRow) => ({ ...row, hash: entryHash(row.prev_hash, hashedFields(row)) });

describe('audit chain checker', () => {
  test('an untouched chain is intact and reports its head', () => {
    const rows = chain(6);
    const r = run(rows);
    assert.deepEqual(r, { ok: true, entries: 6, headSeq: 6, headHash: rows[5].hash });
  });

  test('an empty log is intact', () => {
    assert.deepEqual(run([]), { ok: true, entries: 0, headSeq: 0, headHash: GENESIS_HASH });
  });

  test('an edited entry is found at its own sequence number', () => {
    const rows = chain(6);
    rows[2] = { ...rows[2], details: { n: 3, nested: { b: 2, a: 1 }, amountFen: 1 } };
    const r = run(rows);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.firstBrokenSeq, 3);
    assert.equal(!r.ok && r.reason, 'entry_altered');
    assert.equal(!r.ok && r.entriesChecked, 2);
  });

  test('an edited entry whose own hash was recomputed breaks the link to the next one', () => {
    const rows = chain(6);
    rows[2] = rehash({ ...rows[2], ip: '203.0.113.9' });
    const r = run(rows);
    assert.equal(!r.ok && r.firstBrokenSeq, 4);
    assert.equal(!r.ok && r.reason, 'chain_broken');
  });

  test('a deleted entry leaves a gap at its sequence number', () => {
    const rows = chain(6);
    rows.splice(3, 1);
    const r = run(rows);
    assert.equal(!r.ok && r.firstBrokenSeq, 4);
    assert.equal(!r.ok && r.reason, 'missing_entry');
  });

  test('deleting the first entry is caught', () => {
    const r = run(chain(3).slice(1));
    assert.equal(!r.ok && r.firstBrokenSeq, 1);
    assert.equal(!r.ok && r.reason, 'missing_entry');
  });

  test('a deleted entry with the later ones renumbered is caught where the renumbering starts', () => {
    const rows = chain(6);
    rows.splice(3, 1);
    for (let i = 3; i < rows.length; i++) rows[i] = { ...rows[i], seq: i + 1 };
    const r = run(rows);
    assert.equal(!r.ok && r.firstBrokenSeq, 4);
  });

  test('two entries swapped in place are caught at the first of them', () => {
    const rows = chain(6);
    const a = rows[1];
    const b = rows[2];
    rows[1] = { ...b, seq: a.seq };
    rows[2] = { ...a, seq: b.seq };
    const r = run(rows);
    assert.equal(!r.ok && r.firstBrokenSeq, 2);
    assert.equal(!r.ok && r.reason, 'entry_altered');
  });

  test('two entries swapped with their hashes recomputed are caught by the chain links', () => {
    const rows = chain(6);
    const a = rows[1];
    const b = rows[2];
    rows[1] = rehash({ ...b, seq: a.seq });
    rows[2] = rehash({ ...a, seq: b.seq });
    const r = run(rows);
    // Entry 2 now names entry 2's original hash as its predecessor, not entry 1's.
    assert.equal(!r.ok && r.firstBrokenSeq, 2);
    assert.equal(!r.ok && r.reason, 'chain_broken');
  });
});
