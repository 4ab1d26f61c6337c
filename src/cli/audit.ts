// `zhuxiao audit verify|checkpoint`, on the configured database (DATABASE_URL, or the embedded one
// under ZHUXIAO_DATA_DIR). Each prints one JSON object.
//
//   verify [--checkpoint FILE] [--public-key FILE] [--page-size N]
//       checks every sealed entry against the signed checkpoints and, with --checkpoint, against a
//       checkpoint saved earlier (catches a deleted tail). --public-key trusts only that audit key
//       instead of the keys stored in the database. Exit 0 intact, 1 tampered (the first broken
//       entry and why).
//   checkpoint
//       prints the newest signed checkpoint with its public key: save it somewhere else. Exit 1 when
//       nothing has been sealed yet.
//
// Usage errors (and an unreadable checkpoint or key file) exit 2.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { openConfiguredDatabase } from '../bootstrap.ts';
import { latestCheckpoint, verifyAuditChain } from '../audit/verify-chain.ts';
import { parseSignedCheckpoint, type SignedCheckpoint } from '../audit/audit-tree.ts';
import { processIo, type CliIo } from './io.ts';

const USAGE = 'zhuxiao: usage: zhuxiao audit verify [--checkpoint FILE] [--public-key FILE] [--page-size N] | zhuxiao audit checkpoint\n';

export async function auditCommand(config: Config, args: string[], io: CliIo = processIo): Promise<number> {
  const usage = (message?: string): number => {
    if (message) io.err(`zhuxiao: ${message}\n`);
    io.err(USAGE);
    return 2;
  };
  const { values, positionals } = parseArgs({
    args, options: { 'page-size': { type: 'string' }, checkpoint: { type: 'string' }, 'public-key': { type: 'string' } }, allowPositionals: true, strict: true,
  });
  const [sub, ...extra] = positionals;
  if (extra.length || (sub !== 'verify' && sub !== 'checkpoint')) return usage();
  if (sub === 'checkpoint' && (values['page-size'] || values.checkpoint || values['public-key'])) return usage('audit checkpoint takes no options');
  const pageSize = Number(values['page-size'] ?? 1000);
  if (!Number.isInteger(pageSize) || pageSize < 1) return usage('--page-size takes a positive whole number');

  let saved: SignedCheckpoint | undefined;
  let trustedKeys: string[] | undefined;
  try {
    if (values.checkpoint) saved = parseSignedCheckpoint(fs.readFileSync(values.checkpoint, 'utf8'));
    if (values['public-key']) trustedKeys = [fs.readFileSync(values['public-key'], 'utf8')];
  } catch (err) {
    return usage(err instanceof Error ? err.message : String(err));
  }

  const database = await openConfiguredDatabase(config);
  try {
    if (sub === 'checkpoint') {
      const cp = await latestCheckpoint(database.db);
      if (!cp) {
        io.err('zhuxiao: the audit log has no checkpoint yet: nothing has been sealed (is the server running?)\n');
        return 1;
      }
      io.out(`${JSON.stringify(cp)}\n`);
      return 0;
    }
    const r = await verifyAuditChain(database.db, { pageSize, saved, trustedKeys });
    if (r.ok) {
      io.out(`${JSON.stringify(r)}\n`);
      return 0;
    }
    const e = r.entry;
    const entry = e
      ? {
        seq: Number(e.seq), leafIndex: e.leaf_index === null ? null : Number(e.leaf_index), at: new Date(e.at).toISOString(), actorKind: e.actor_kind,
        actorId: e.actor_id, action: e.action, requestId: e.request_id, subject: e.subject, leafHash: e.leaf_hash,
      }
      : null;
    const { ok, reason, detail, firstBrokenLeafIndex, firstBrokenSeq, entriesChecked } = r;
    io.out(`${JSON.stringify({ ok, reason, detail, firstBrokenLeafIndex, firstBrokenSeq, entriesChecked, entry })}\n`);
    return 1;
  } finally {
    await database.close();
  }
}
