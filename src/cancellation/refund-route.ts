// Validates the refund route a user chose against what the quote offered. Bank account numbers are
// personal data: they are sealed, and only a masked form is kept in the clear.
import type { PiiVault } from '../identity/pii.ts';
import { AppError } from '../shared/errors.ts';
import type { Quote } from './compose-quote.ts';

export interface RefundRouteInput { type: 'original' | 'bank' | 'line' | 'cash'; bankAccount?: string; accountName?: string; bankName?: string; lineId?: string }

export function acceptRefundRoute(quote: Quote, route: RefundRouteInput, vault: PiiVault): { route: Record<string, unknown>; secretEnc: string | null } {
  const offered = quote.refundRoutes.find((r) => r.type === route.type);
  if (!offered) {
    throw new AppError('invalid_refund_route', `Refund route "${route.type}" is not offered here; choose one of: ${quote.refundRoutes.map((r) => r.type).join(', ')}.`);
  }
  switch (route.type) {
    case 'bank': {
      const account = (route.bankAccount ?? '').replace(/\s+/g, '');
      if (!/^\d{12,19}$/.test(account)) throw new AppError('invalid_refund_route', 'A bank account number has 12 to 19 digits.');
      if (!route.accountName?.trim()) throw new AppError('invalid_refund_route', 'Give the name on the bank account.');
      if (!route.bankName?.trim()) throw new AppError('invalid_refund_route', 'Give the bank\'s name (e.g. 中国工商银行).');
      return {
        route: { type: 'bank', bankName: route.bankName.trim(), maskedAccount: `****${account.slice(-4)}` },
        secretEnc: vault.encrypt(JSON.stringify({ bankAccount: account, accountName: route.accountName.trim(), bankName: route.bankName.trim() })),
      };
    }
    case 'line': {
      const target = offered.lines?.find((l) => l.id === route.lineId);
      if (!target) throw new AppError('invalid_refund_route', 'Choose one of your other active lines at this carrier to receive the refund.');
      return { route: { type: 'line', lineId: target.id, msisdn: target.msisdn }, secretEnc: null };
    }
    default:
      return { route: { type: route.type }, secretEnc: null };
  }
}
