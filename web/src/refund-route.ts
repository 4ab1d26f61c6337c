// The refund-route form shared by the online wizard and the store counter: its draft state, the
// bank account rule, and the route body sent to the API.
import type { RefundRoute, RefundRouteType } from './api.ts';

export interface RouteDraft {
  type: RefundRouteType | null;
  accountName: string;
  bankAccount: string;
  bankName: string;
  lineId?: string;
}

/** Bank account numbers are 12 to 19 digits (spaces allowed while typing). */
export function validBankAccount(raw: string): boolean {
  return /^\d{12,19}$/.test(raw.replace(/\s/g, ''));
}

/** The refund route to send, or null while the form is incomplete. Nothing to refund: 'original'. */
export function buildRefundRoute(draft: RouteDraft, quote: { refund: { refundableFen: number } }): RefundRoute | null {
  if (quote.refund.refundableFen <= 0) return { type: 'original' };
  switch (draft.type) {
    case 'original':
      return { type: 'original' };
    case 'cash':
      return { type: 'cash' };
    case 'bank': {
      const bankAccount = draft.bankAccount.replace(/\s/g, '');
      const accountName = draft.accountName.trim();
      const bankName = draft.bankName.trim();
      return validBankAccount(bankAccount) && accountName && bankName ? { type: 'bank', bankAccount, accountName, bankName } : null;
    }
    case 'line':
      return draft.lineId ? { type: 'line', lineId: draft.lineId } : null;
    default:
      return null;
  }
}
