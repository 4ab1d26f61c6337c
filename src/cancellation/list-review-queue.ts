// The reviewer's queue: filtered (carrier, channel, status, overdue), searched by reference
// (受理编号), by the last four digits of the number (matched on the masked form) or by the whole
// number (sent in a POST body, never in a URL), paged on the server, soonest SLA deadline first.
// Each row says who holds a claim on it and until when.
import { sql } from 'kysely';
import type { AppContext } from '../context.ts';
import type { CarrierCode, RequestChannel, RequestStatus } from '../db/schema.ts';
import { maskMsisdn } from '../lines/mask.ts';
import type { Quote } from './compose-quote.ts';
import { formatRequestReference, normaliseRequestReference } from './request-reference.ts';

export interface ReviewQueueFilter {
  carrier?: CarrierCode;
  channel?: RequestChannel;
  status?: RequestStatus;
  overdue?: boolean;
  /** A reference (any spacing, with or without ZX) or the last 4 digits of the number. */
  q?: string;
  /** The whole number, E.164 or 11 digits: only from a request body. */
  msisdn?: string;
  page?: number;
  pageSize?: number;
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 200;

/** What a search term means: a reference, the number's last four digits, or nothing usable. */
export function readQueueSearch(q: string | undefined): { reference: string } | { last4: string } | null {
  const text = (q ?? '').trim();
  if (!text) return null;
  if (/^\d{4}$/.test(text)) return { last4: text };
  const reference = normaliseRequestReference(text);
  return reference ? { reference } : { reference: '' }; // unreadable: matches nothing rather than everything
}

/** +8613800138001, 8613800138001, 138 0013 8001 → +8613800138001 (null when it is not 11 digits). */
export function readWholeNumber(input: string): string | null {
  const digits = input.replace(/[\s\-()]/g, '').replace(/^\+?86(?=1\d{10}$)/, '');
  return /^1\d{10}$/.test(digits) ? `+86${digits}` : null;
}

export async function listReviewQueue(ctx: AppContext, f: ReviewQueueFilter = {}) {
  const page = Math.max(1, f.page ?? 1);
  const pageSize = Math.min(Math.max(f.pageSize ?? DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
  const now = ctx.now();
  let q = ctx.db.selectFrom('cancellation_requests as r').innerJoin('lines as l', 'l.id', 'r.line_id').innerJoin('carriers as c', 'c.code', 'r.carrier')
    .leftJoin('staff as s', (j) => j.onRef('s.id', '=', 'r.claimed_by').on('r.claim_expires_at', '>', now))
    .where('r.status', '=', f.status ?? 'pending_review');
  if (f.carrier) q = q.where('r.carrier', '=', f.carrier);
  if (f.channel) q = q.where('r.channel', '=', f.channel);
  if (f.overdue === true) q = q.where('r.sla_due_at', '<', now);
  if (f.overdue === false) q = q.where((eb) => eb.or([eb('r.sla_due_at', 'is', null), eb('r.sla_due_at', '>=', now)]));
  const search = readQueueSearch(f.q);
  if (search && 'reference' in search) q = q.where('r.reference', '=', search.reference);
  if (search && 'last4' in search) q = q.where(sql<string>`right(l.msisdn, 4)`, '=', search.last4);
  if (f.msisdn !== undefined) q = q.where('l.msisdn', '=', readWholeNumber(f.msisdn) ?? '');

  const [rows, total] = await Promise.all([
    q.select(['r.id', 'r.status', 'r.channel', 'r.carrier', 'c.name_zh', 'c.name_en', 'l.msisdn', 'l.form_factor', 'r.created_at', 'r.sla_due_at', 'r.refund_fen',
      'r.bill_total_fen', 'r.quote', 'r.reference', 's.id as claim_staff_id', 's.username as claim_username', 's.display_name as claim_display_name', 'r.claim_expires_at'])
      .orderBy(sql`r.sla_due_at asc nulls last`).orderBy('r.created_at').orderBy('r.id')
      .limit(pageSize).offset((page - 1) * pageSize).execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const nowMs = now.getTime();
  return {
    total: Number(total.n),
    page,
    pageSize,
    items: rows.map((r) => ({
      id: r.id,
      status: r.status,
      reference: r.reference ? formatRequestReference(r.reference) : null,
      channel: r.channel,
      carrier: r.carrier,
      carrierName: { zh: r.name_zh, en: r.name_en },
      maskedMsisdn: maskMsisdn(r.msisdn),
      formFactor: r.form_factor,
      submittedAt: r.created_at.toISOString(),
      slaDueAt: r.sla_due_at ? new Date(r.sla_due_at).toISOString() : null,
      overdue: r.sla_due_at ? new Date(r.sla_due_at).getTime() < nowMs && r.status === 'pending_review' : false,
      refundFen: r.refund_fen,
      billTotalFen: r.bill_total_fen,
      warnings: ((r.quote as Quote).warnings ?? []).map((w) => w.code),
      claim: r.claim_staff_id && r.claim_expires_at
        ? { staffId: r.claim_staff_id, username: r.claim_username ?? '', displayName: r.claim_display_name ?? '', expiresAt: new Date(r.claim_expires_at).toISOString() }
        : null,
    })),
  };
}
