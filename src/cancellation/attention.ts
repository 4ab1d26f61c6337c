// Why a request needs attention, as a stable code and a sentence for ops. A step throws
// AttentionError when carrying on would break a promise (pay money the account no longer has, take
// the balance another line still uses): the request stops at once, in needs_attention, never with a
// raw database error.
export type AttentionReason =
  | 'refund_exceeds_balance'
  | 'account_still_in_use'
  | 'final_bill_exceeds_balance'
  | 'refused_by_far_side'
  | 'step_failed_repeatedly'
  | 'job_failed';

export class AttentionError extends Error {
  readonly reason: AttentionReason;
  constructor(reason: AttentionReason, sentence: string) {
    super(sentence);
    this.name = 'AttentionError';
    this.reason = reason;
  }
}
