// Remembers which conditions blocked a quote (code, carrier, channel, time; nothing about the line or
// the person), for the dashboard's "most frequent blocking conditions". Called by the quote routes
// right after a quote is composed; a failure here is logged and never fails the quote.
// `carrier` and `channel` may be left out: they are then read from the quote's line and the quote.
import type { AppContext } from '../context.ts';
import type { CarrierCode } from '../db/schema.ts';
import type { RequestChannel } from '../db/schema.ts';

export async function recordQuoteBlockers(
  ctx: AppContext,
  quote: { blockers: Array<{ code: string }>; lineId?: string; channel?: RequestChannel },
  carrier?: CarrierCode | null,
  channel?: RequestChannel,
): Promise<void> {
  const codes = [...new Set(quote.blockers.map((b) => b.code))];
  if (codes.length === 0) return;
  const quotedAt = ctx.now();
  try {
    const code = carrier ?? (quote.lineId ? (await ctx.db.selectFrom('lines').select('carrier').where('id', '=', quote.lineId).executeTakeFirst())?.carrier : undefined);
    const via = channel ?? quote.channel;
    if (!code || !via) throw new Error('the quote names no carrier or channel');
    await ctx.db.insertInto('quote_blockers').values(codes.map((c) => ({ quoted_at: quotedAt, carrier: code, channel: via, code: c }))).execute();
  } catch (err) {
    ctx.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not record quote blockers');
  }
}
