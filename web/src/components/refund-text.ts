// The refund as a screen may state it: what the ledger says (paid), what the refund step will pay
// (pending), or that the request ended without the platform paying it (resolved by hand). Nothing
// where no refund is due (none promised, or the request was rejected or withdrawn).
import { formatFen } from '../format.ts';
import type { useT } from '../i18n.tsx';

/** What the ledger says about the refund; nothing where none will be paid. */
export function refundText(
  r: { status?: string; refund?: { promisedFen: number; paidFen: number; status: string }; refundFen?: number | null },
  t: ReturnType<typeof useT>,
): string | null {
  const ended = r.status === 'rejected' || r.status === 'withdrawn';
  // A rejected or withdrawn request pays nothing (unless the ledger says otherwise).
  if (ended && r.refund?.status !== 'paid') return null;
  if (!r.refund) return r.refundFen ? formatFen(r.refundFen) : null;
  switch (r.refund.status) {
    case 'paid': return t('refund.state.paid', { amount: formatFen(r.refund.paidFen) });
    case 'pending': return t('refund.state.pending', { amount: formatFen(r.refund.promisedFen) });
    case 'not_recorded': return t('refund.state.notRecorded', { amount: formatFen(r.refund.promisedFen) });
    default: return null;
  }
}

