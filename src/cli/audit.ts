// `zhuxiao audit verify`: checks the audit log's hash chain in the configured database (DATABASE_URL,
// or the embedded one under ZHUXIAO_DATA_DIR). Prints one JSON object: the entry count and the head
// (record it elsewhere to detect a truncated tail later) and exits 0 when intact; the first broken
// entry and why, exit 1, otherwise. Usage errors exit 2.
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { openConfiguredDatabase } from '../bootstrap.ts';
import { verifyAuditChain } from '../audit/verify-chain.ts';

export async function auditCommand(config: Config, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { 'page-size': { type: 'string' } }, allowPositionals: true, strict: true });
  const pageSize = Number(values['page-size'] ?? 1000);
  if (positionals.length !== 1 || positionals[0] !== 'verify' || !Number.isInteger(pageSize) || pageSize < 1) {
    process.stderr.write('zhuxiao: usage: zhuxiao audit verify [--page-size N]\n');
    return 2;
  }
  const database = await openConfiguredDatabase(config);
  try {
    const r = await verifyAuditChain(database.db, { pageSize });
    if (r.ok) {
      process.stdout.write(`${JSON.stringify({ ok: true, entries: r.entries, headSeq: r.headSeq, headHash: r.headHash })}\n`);
      return 0;
    }
    const e = r.entry;
    const entry = e
      ? { seq: Number(e.seq), at: new Date(e.at).toISOString(), actorKind: e.actor_kind, actorId: e.actor_id, action: e.action, requestId: e.request_id, subject: e.subject, prevHash: e.prev_hash, hash: e.hash }
      : null;
    process.stdout.write(`${JSON.stringify({ ok: false, firstBrokenSeq: r.firstBrokenSeq, reason: r.reason, detail: r.detail, entriesChecked: r.entriesChecked, entry })}\n`);
    return 1;
  } finally {
    await database.close();
  }
}
