// The needs-attention queue: requests whose execution stopped, oldest first, with the step that
// failed, its last error and how many times it was tried. Numbers are masked.
import type { AppContext } from '../context.ts';
import type { CarrierCode } from '../db/schema.ts';
import { maskMsisdn } from '../lines/mask.ts';

import type { NeedsAttentionItem } from '../http/ops-schemas.ts';

export type { NeedsAttentionItem } from '../http/ops-schemas.ts';

export async function listNeedsAttention(ctx: AppContext, opts: { carrier?: CarrierCode | null; limit?: number } = {}): Promise<NeedsAttentionItem[]> {
  let q = ctx.db.selectFrom('cancellation_requests as r').innerJoin('lines as l', 'l.id', 'r.line_id')
    .select(['r.id', 'r.carrier', 'r.channel', 'l.msisdn', 'r.updated_at'])
    .where('r.status', '=', 'needs_attention');
  if (opts.carrier) q = q.where('r.carrier', '=', opts.carrier);
  const rows = await q.orderBy('r.updated_at').limit(Math.min(opts.limit ?? 200, 500)).execute();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [steps, events] = await Promise.all([
    ctx.db.selectFrom('execution_steps').select(['request_id', 'step', 'status', 'attempts', 'last_error', 'position'])
      .where('request_id', 'in', ids).where('status', 'in', ['failed', 'pending']).orderBy('request_id').orderBy('position').execute(),
    ctx.db.selectFrom('request_events').select(['request_id', 'at', 'note'])
      .where('request_id', 'in', ids).where('to_status', '=', 'needs_attention').orderBy('id', 'desc').execute(),
  ]);
  const items = rows.map((r) => {
    const mine = steps.filter((s) => s.request_id === r.id);
    const step = mine.find((s) => s.status === 'failed') ?? mine[0] ?? null;
    const event = events.find((e) => e.request_id === r.id);
    return {
      id: r.id,
      carrier: r.carrier,
      channel: r.channel,
      maskedMsisdn: maskMsisdn(r.msisdn),
      since: (event?.at ?? r.updated_at).toISOString(),
      step: step?.step ?? null,
      lastError: step?.last_error ?? null,
      attempts: step?.attempts ?? 0,
      reason: event?.note ?? null,
    };
  });
  return items.sort((a, b) => a.since.localeCompare(b.since));
}
