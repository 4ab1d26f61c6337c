// The audit sealer: gives committed, unsealed audit entries their places in the audit Merkle tree
// (RFC 9162, merkle.ts) and signs a checkpoint of the grown tree with the platform's audit key.
//
// One sealer at a time across every process on the database: a seal is one transaction that first
// takes a transaction-scoped advisory lock with pg_try_advisory_xact_lock, and gives up at once
// (status 'busy') when another process holds it. The entries it seals are the ones its snapshot
// sees committed, in seq order; an entry whose transaction commits later (sequence values commit
// out of order) simply gets a later leaf index in the next batch. So the tree's order is the order
// in which entries became visible, and nothing is ever inserted before a sealed leaf.
//
// The leaves, their indices and the checkpoint commit together; a seal that fails leaves nothing
// behind, and the next one starts from the latest checkpoint again.
import { sql } from 'kysely';
import type { AppContext } from '../context.ts';
import { activeAuditKey } from './audit-signing-key.ts';
import { AUDIT_LOG_ID, auditLeafHash, signCheckpoint, type CheckpointRow } from './audit-tree.ts';
import { TreeBuilder } from './merkle.ts';

/** Advisory lock key of the sealer (the pre-0006 appends used 7_404_001 for every append). */
export const SEAL_LOCK = 7_404_002;
export const SEAL_BATCH = 2000;
export const DEFAULT_SEAL_INTERVAL_MS = 250;

export type SealerContext = Pick<AppContext, 'db' | 'vault' | 'now'> & { logger?: AppContext['logger'] };

export type SealOutcome =
  | { status: 'busy' }
  | { status: 'idle'; treeSize: number }
  | { status: 'sealed'; sealed: number; treeSize: number; rootHash: string };

const hex = (h: Uint8Array) => Buffer.from(h).toString('hex');

/** The tree as the latest checkpoint left it; refuses a frontier that does not give the signed root. */
function resume(last: CheckpointRow | undefined): TreeBuilder {
  if (!last) return new TreeBuilder();
  const frontier = (Array.isArray(last.frontier) ? last.frontier : []).map((h) => Buffer.from(String(h), 'hex'));
  let builder: TreeBuilder;
  try {
    builder = new TreeBuilder(Number(last.tree_size), frontier);
  } catch {
    builder = new TreeBuilder();
  }
  if (builder.size !== Number(last.tree_size) || hex(builder.root()) !== last.root_hash) {
    throw new Error(`the audit checkpoint of ${last.tree_size} entries does not match its stored frontier; sealing stopped: run \`zhuxiao audit verify\``);
  }
  return builder;
}

/** Seals up to `batchSize` unsealed entries in one transaction and signs a checkpoint of the tree. */
export async function sealAuditLog(ctx: SealerContext, opts: { batchSize?: number } = {}): Promise<SealOutcome> {
  const batchSize = opts.batchSize ?? SEAL_BATCH;
  return ctx.db.transaction().execute(async (trx): Promise<SealOutcome> => {
    const lock = await sql<{ ok: boolean }>`SELECT pg_try_advisory_xact_lock(${SEAL_LOCK}) AS ok`.execute(trx);
    if (!lock.rows[0]?.ok) return { status: 'busy' };
    const last = await trx.selectFrom('audit_checkpoints').selectAll().orderBy('tree_size', 'desc').limit(1).executeTakeFirst();
    const builder = resume(last);
    const rows = await trx.selectFrom('audit_log').selectAll().where('leaf_index', 'is', null).orderBy('seq').limit(batchSize).execute();
    if (rows.length === 0) return { status: 'idle', treeSize: builder.size };

    const leaves = rows.map((row) => {
      const leaf = auditLeafHash(row);
      const leafIndex = builder.size;
      builder.append(leaf);
      return { seq: Number(row.seq), leaf_index: leafIndex, leaf_hash: hex(leaf) };
    });
    const updated = await sql`
      UPDATE audit_log AS a SET leaf_index = v.leaf_index, leaf_hash = v.leaf_hash
      FROM jsonb_to_recordset(${JSON.stringify(leaves)}::jsonb) AS v(seq bigint, leaf_index bigint, leaf_hash text)
      WHERE a.seq = v.seq AND a.leaf_index IS NULL`.execute(trx);
    if (Number(updated.numAffectedRows ?? 0) !== leaves.length) {
      throw new Error(`audit sealing: ${leaves.length} entries read unsealed but ${updated.numAffectedRows} updated; nothing sealed`);
    }

    const key = await activeAuditKey(ctx, trx);
    const payload = { log: AUDIT_LOG_ID, treeSize: builder.size, rootHash: hex(builder.root()), timestamp: ctx.now().toISOString() } as const;
    const signed = signCheckpoint(payload, key.privateKeyPem, key.keyId);
    await trx.insertInto('audit_checkpoints').values({
      tree_size: payload.treeSize,
      root_hash: payload.rootHash,
      signed_at: payload.timestamp,
      key_id: signed.keyId,
      signature: signed.signature,
      frontier: JSON.stringify(builder.frontier().map(hex)),
    }).execute();
    return { status: 'sealed', sealed: leaves.length, treeSize: payload.treeSize, rootHash: payload.rootHash };
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Seals everything committed before the call: seals batch after batch, waits while another sealer
 * holds the lock (it may be sealing these very entries), and returns once a seal finds nothing left
 * or seals a short batch. Throws after `timeoutMs`.
 */
export async function sealPendingAudit(
  ctx: SealerContext, opts: { timeoutMs?: number; batchSize?: number; onOutcome?: (r: SealOutcome) => void } = {},
): Promise<void> {
  const batchSize = opts.batchSize ?? SEAL_BATCH;
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  for (;;) {
    const r = await sealAuditLog(ctx, { batchSize });
    opts.onOutcome?.(r);
    if (r.status === 'idle' || (r.status === 'sealed' && r.sealed < batchSize)) return;
    if (Date.now() > deadline) throw new Error('audit sealing: entries still unsealed when the time was up');
    if (r.status === 'busy') await sleep(20);
  }
}

export interface AuditSealer {
  /** Seals what was committed before the call (see sealPendingAudit). */
  sealNow(): Promise<void>;
  /** Stops the loop, waits for a seal under way, then seals what is left, best effort. */
  stop(): Promise<void>;
  /** What this sealer did so far. */
  stats(): { sealed: number; checkpoints: number; busy: number; errors: number };
}

/**
 * Runs the sealer every `intervalMs` (0: never on its own; sealNow still works). Each tick first
 * looks for an unsealed entry outside any transaction, so an idle log costs one index probe.
 */
export function startAuditSealer(ctx: SealerContext, opts: { intervalMs?: number } = {}): AuditSealer {
  const intervalMs = opts.intervalMs ?? DEFAULT_SEAL_INTERVAL_MS;
  const stats = { sealed: 0, checkpoints: 0, busy: 0, errors: 0 };
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let current: Promise<void> = Promise.resolve();
  let lastError = '';

  const count = (r: SealOutcome): SealOutcome => {
    if (r.status === 'sealed') {
      stats.sealed += r.sealed;
      stats.checkpoints += 1;
    } else if (r.status === 'busy') {
      stats.busy += 1;
    }
    return r;
  };

  const tick = async () => {
    try {
      const pending = await ctx.db.selectFrom('audit_log').select('seq').where('leaf_index', 'is', null).limit(1).executeTakeFirst();
      if (pending) {
        // A backlog (a first start after the upgrade, a long outage) is sealed batch after batch.
        while (!stopped) {
          const r = count(await sealAuditLog(ctx));
          if (r.status !== 'sealed' || r.sealed < SEAL_BATCH) break;
        }
      }
      lastError = '';
    } catch (err) {
      stats.errors += 1;
      const message = err instanceof Error ? err.message : String(err);
      if (message !== lastError) ctx.logger?.warn({ err: message }, 'audit sealing failed; retrying');
      lastError = message;
    }
  };

  const schedule = () => {
    if (stopped || intervalMs <= 0) return;
    timer = setTimeout(() => {
      current = tick().finally(schedule);
    }, intervalMs);
    timer.unref();
  };
  schedule();

  return {
    sealNow: () => sealPendingAudit(ctx, { onOutcome: count }),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
      // Best effort, and bounded: a database that stopped answering must not hold up the shutdown.
      let bound: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        sealPendingAudit(ctx, { timeoutMs: 2000, onOutcome: count }).catch(() => undefined),
        new Promise<void>((r) => (bound = setTimeout(r, 3000))),
      ]);
      clearTimeout(bound);
    },
    stats: () => ({ ...stats }),
  };
}
