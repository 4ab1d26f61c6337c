// What a screen may say about a request's refund: the ledger's word, never the promise alone. A clerk
// hands over cash, and a subscriber is told money is coming, only for what the ledger holds or will
// hold; a refund step that was skipped when ops resolved the request by hand was not paid by the
// platform, and screens say so.
import type { RequestStatus } from '../db/schema.ts';

export type RefundStatus = 'none' | 'pending' | 'paid' | 'not_recorded';

export interface RefundState {
  /** What the quote promised at submission. */
  promisedFen: number;
  /** What the ledger records as refunded for this request. */
  paidFen: number;
  /**
   * none: nothing is due (no refund, or the request was rejected or withdrawn);
   * pending: it will be paid by the refund step; paid: the ledger holds it;
   * not_recorded: the request ended without the platform paying it (resolved by hand): finance reconciles.
   */
  status: RefundStatus;
}

export function refundState(r: { status: RequestStatus; refundFen: number; ledgerRefundFen: number }): RefundState {
  const paidFen = Math.max(0, r.ledgerRefundFen);
  const base = { promisedFen: r.refundFen, paidFen };
  if (paidFen > 0 && paidFen >= r.refundFen) return { ...base, status: 'paid' };
  if (r.refundFen === 0 || r.status === 'rejected' || r.status === 'withdrawn') return { ...base, status: 'none' };
  if (r.status === 'completed') return { ...base, status: 'not_recorded' };
  return { ...base, status: 'pending' };
}
