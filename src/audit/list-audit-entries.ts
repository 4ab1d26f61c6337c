// The audit trail as ops and admins read it: who did what, when, from where; newest first, filtered
// by request or by staff member, paged backwards with `beforeSeq`.
import type { AppContext } from '../context.ts';

export interface AuditEntryView {
  seq: number;
  at: string;
  actorKind: string;
  actorId: string | null;
  action: string;
  requestId: string | null;
  subject: string | null;
  details: Record<string, unknown>;
  ip: string | null;
}

export interface AuditFilter {
  requestId?: string;
  staffId?: string;
  beforeSeq?: number;
  limit?: number;
}

export async function listAuditEntries(ctx: AppContext, f: AuditFilter = {}): Promise<{ entries: AuditEntryView[]; nextBeforeSeq: number | null }> {
  const limit = Math.min(Math.max(f.limit ?? 100, 1), 500);
  let q = ctx.db.selectFrom('audit_log').select(['seq', 'at', 'actor_kind', 'actor_id', 'action', 'request_id', 'subject', 'details', 'ip']);
  if (f.requestId) q = q.where('request_id', '=', f.requestId);
  if (f.staffId) q = q.where('actor_kind', '=', 'staff').where('actor_id', '=', f.staffId);
  if (f.beforeSeq) q = q.where('seq', '<', f.beforeSeq);
  const rows = await q.orderBy('seq', 'desc').limit(limit).execute();
  const entries = rows.map((r) => ({
    seq: Number(r.seq),
    at: new Date(r.at).toISOString(),
    actorKind: r.actor_kind,
    actorId: r.actor_id,
    action: r.action,
    requestId: r.request_id,
    subject: r.subject,
    details: (r.details ?? {}) as Record<string, unknown>,
    ip: r.ip,
  }));
  return { entries, nextBeforeSeq: entries.length === limit ? entries[entries.length - 1].seq : null };
}
