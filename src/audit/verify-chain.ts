// Checks the audit log's hash chain from the first entry to the last. Each entry must carry the next
// sequence number, hash to its stored hash (its own content plus the previous hash), and name the
// previous entry's hash: an edited entry fails the second check, a deleted one the first (a gap) or
// the third (when the later entries were renumbered), a reordered one the second.
//
// What a chain cannot show on its own: entries cut off the END of the log, or a log rewritten from
// some point on with every later hash recomputed. Keep the head (`headSeq`, `headHash`) somewhere
// else (a ticket, a daily report) and compare it to detect those.
import type { Kysely } from 'kysely';
import type { AuditLogTable, DB } from '../db/schema.ts';
import type { Selectable } from 'kysely';
import { GENESIS_HASH, entryHash, type HashedFields } from './append-audit.ts';

export type AuditRow = Selectable<AuditLogTable>;

export type BreakReason = 'missing_entry' | 'entry_altered' | 'chain_broken';

export interface ChainBreak {
  ok: false;
  /** The first sequence number at which the log is not what was written. */
  firstBrokenSeq: number;
  reason: BreakReason;
  /** A sentence for the person reading the report. */
  detail: string;
  /** The stored entry where the break shows (for a missing entry: the next entry present, if any). */
  entry: AuditRow | null;
  /** Entries checked and found intact before the break. */
  entriesChecked: number;
}

export interface ChainIntact {
  ok: true;
  entries: number;
  /** The last entry: record these elsewhere to detect a truncated or wholly rewritten tail later. */
  headSeq: number;
  headHash: string;
}

export type ChainResult = ChainIntact | ChainBreak;

/** The fields an entry's hash covers, as appendAudit hashed them. */
export function hashedFields(row: AuditRow): HashedFields {
  return {
    seq: Number(row.seq),
    at: new Date(row.at).toISOString(),
    actor_kind: row.actor_kind,
    actor_id: row.actor_id,
    action: row.action,
    request_id: row.request_id,
    subject: row.subject,
    details: (row.details ?? {}) as Record<string, unknown>,
    ip: row.ip,
  };
}

/**
 * A pure, incremental checker: feed it the entries in sequence order; it returns the first break
 * it finds (then stays broken) or null. No I/O, so it is tested on its own.
 */
export function createChainChecker() {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  let broken: ChainBreak | null = null;
  const fail = (firstBrokenSeq: number, reason: BreakReason, detail: string, entry: AuditRow | null): ChainBreak =>
    (broken = { ok: false, firstBrokenSeq, reason, detail, entry, entriesChecked: checked });

  return {
    check(row: AuditRow): ChainBreak | null {
      if (broken) return broken;
      const seq = Number(row.seq);
      if (seq !== expectedSeq) {
        return seq > expectedSeq
          ? fail(expectedSeq, 'missing_entry', `Entry ${expectedSeq} is missing: the log goes from ${expectedSeq - 1} to ${seq}.`, row)
          : fail(seq, 'chain_broken', `Entry ${seq} appears out of order (expected ${expectedSeq}).`, row);
      }
      if (entryHash(row.prev_hash, hashedFields(row)) !== row.hash) {
        return fail(seq, 'entry_altered', `Entry ${seq} does not match its hash: its content or position was changed after it was written.`, row);
      }
      if (row.prev_hash !== prevHash) {
        return fail(seq, 'chain_broken', `Entry ${seq} does not follow entry ${seq - 1}: an entry was removed, inserted or reordered, or entry ${seq - 1} was rewritten.`, row);
      }
      expectedSeq = seq + 1;
      prevHash = row.hash;
      checked += 1;
      return null;
    },
    /** The result once every entry was fed. */
    finish(): ChainResult {
      return broken ?? { ok: true, entries: checked, headSeq: expectedSeq - 1, headHash: prevHash };
    },
  };
}

/** Reads the whole log in pages of `pageSize` entries (it may be large) and checks the chain. */
export async function verifyAuditChain(db: Kysely<DB>, opts: { pageSize?: number } = {}): Promise<ChainResult> {
  const pageSize = opts.pageSize ?? 1000;
  const checker = createChainChecker();
  let after = 0;
  for (;;) {
    const page = await db.selectFrom('audit_log').selectAll().where('seq', '>', after).orderBy('seq').limit(pageSize).execute();
    for (const row of page) {
      const broken = checker.check(row);
      if (broken) return broken;
    }
    if (page.length < pageSize) return checker.finish();
    after = Number(page[page.length - 1].seq);
  }
}
