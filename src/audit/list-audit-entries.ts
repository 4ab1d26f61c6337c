// The audit trail as ops and admins read it: who did what, when, from where; newest first, paged
// backwards with `beforeSeq`. Filters: one request (by id or by its reference 受理编号), one actor
// (a staff member), one action, a range of China calendar days, a subject. Staff actors come with
// their username and display name, requests with their reference. Paged by number too (`page`), with
// the count of what the filters match.
import { sql } from 'kysely';
import type { AppContext } from '../context.ts';
import { formatRequestReference, normaliseRequestReference } from '../cancellation/request-reference.ts';
import { reportRange } from '../ops/report-range.ts';

export interface AuditEntryView {
  seq: number;
  at: string;
  actorKind: string;
  actorId: string | null;
  actor: { kind: string; id: string | null; username: string | null; displayName: string | null };
  action: string;
  requestId: string | null;
  reference: string | null;
  subject: string | null;
  details: Record<string, unknown>;
  ip: string | null;
}

export interface AuditFilter {
  requestId?: string;
  /** 受理编号, any spacing. */
  reference?: string;
  staffId?: string;
  action?: string;
  /** China calendar days, YYYY-MM-DD, both included. */
  from?: string;
  to?: string;
  /** The subject, exactly (e.g. carrier:cmcc, staff:…). */
  subject?: string;
  beforeSeq?: number;
  /** Pages of `limit` entries, 1 = newest (ignored with beforeSeq). */
  page?: number;
  limit?: number;
}

export async function listAuditEntries(ctx: AppContext, f: AuditFilter = {}): Promise<{ entries: AuditEntryView[]; nextBeforeSeq: number | null; total: number }> {
  const limit = Math.min(Math.max(f.limit ?? 100, 1), 500);
  let q = ctx.db.selectFrom('audit_log as a');
  if (f.requestId) q = q.where('a.request_id', '=', f.requestId);
  if (f.reference !== undefined) {
    const ref = normaliseRequestReference(f.reference) ?? '';
    q = q.where('a.request_id', 'in', (eb) => eb.selectFrom('cancellation_requests').select('id').where('reference', '=', ref));
  }
  if (f.staffId) q = q.where('a.actor_kind', '=', 'staff').where('a.actor_id', '=', f.staffId);
  if (f.action) q = q.where('a.action', '=', f.action);
  if (f.subject) q = q.where('a.subject', '=', f.subject);
  if (f.from || f.to) {
    const range = reportRange({ from: f.from ?? f.to, to: f.to ?? f.from }, ctx.now());
    q = q.where('a.at', '>=', range.start).where('a.at', '<', range.end);
  }
  const page = f.beforeSeq ? q.where('a.seq', '<', f.beforeSeq) : q;
  const [rows, total] = await Promise.all([
    page.leftJoin('staff as s', (j) => j.onRef(sql`s.id::text`, '=', 'a.actor_id').on('a.actor_kind', '=', 'staff'))
      .leftJoin('cancellation_requests as r', 'r.id', 'a.request_id')
      .select(['a.seq', 'a.at', 'a.actor_kind', 'a.actor_id', 'a.action', 'a.request_id', 'a.subject', 'a.details', 'a.ip', 's.username', 's.display_name', 'r.reference'])
      .orderBy('a.seq', 'desc').limit(limit).offset(f.beforeSeq ? 0 : (Math.max(f.page ?? 1, 1) - 1) * limit).execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const entries = rows.map((r) => ({
    seq: Number(r.seq),
    at: new Date(r.at).toISOString(),
    actorKind: r.actor_kind,
    actorId: r.actor_id,
    actor: { kind: r.actor_kind, id: r.actor_id, username: r.username ?? null, displayName: r.display_name ?? null },
    action: r.action,
    requestId: r.request_id,
    reference: r.reference ? formatRequestReference(r.reference) : null,
    subject: r.subject,
    details: (r.details ?? {}) as Record<string, unknown>,
    ip: r.ip,
  }));
  return { entries, nextBeforeSeq: entries.length === limit ? entries[entries.length - 1].seq : null, total: Number(total.n) };
}

/** What the filters offer: every action written so far and the staff accounts. */
export async function listAuditFacets(ctx: AppContext) {
  const [actions, staff] = await Promise.all([
    ctx.db.selectFrom('audit_log').select('action').distinct().orderBy('action').execute(),
    ctx.db.selectFrom('staff').select(['id', 'username', 'display_name', 'role']).orderBy('username').execute(),
  ]);
  return { actions: actions.map((a) => a.action), staff: staff.map((s) => ({ id: s.id, username: s.username, displayName: s.display_name, role: s.role })) };
}
