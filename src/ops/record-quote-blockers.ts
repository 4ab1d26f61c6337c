// Remembers which conditions blocked a quote (code, carrier, channel, time; nothing about the line or
// the person), for the dashboard's "most frequent blocking conditions". Called by the quote routes
// after a quote is composed; a failure here is logged and never fails the quote.
import type { AppContext } from '../context.ts';
import type { CarrierCode } from '../db/schema.ts';

export async function recordQuoteBlockers(
  ctx: AppContext,
  quote: { blockers: Array<{ code: string }> },
  carrier: CarrierCode,
  channel: 'online' | 'store',
): Promise<void> {
  const codes = [...new Set(quote.blockers.map((b) => b.code))];
  if (codes.length === 0) return;
  const quotedAt = ctx.now();
  try {
    await ctx.db.insertInto('quote_blockers').values(codes.map((code) => ({ quoted_at: quotedAt, carrier, channel, code }))).execute();
  } catch (err) {
    ctx.logger.warn({ err: err instanceof Error ? err.message : String(err), carrier, channel }, 'could not record quote blockers');
  }
}
