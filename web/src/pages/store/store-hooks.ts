// The store request resource: one request (polled while it runs) and the cash hand-over. One
// query-key factory, so the confirmation refreshes the request it changed.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../../api.ts';
import type { CashHandOverAnswer } from '../../api-types.ts';

export const storeKeys = {
  all: ['store'] as const,
  request: (id: string) => ['store-cancellation', id] as const,
  history: () => ['store-history'] as const,
};

export function useConfirmCashHandedOver(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => request<CashHandOverAnswer>('POST', `/store/cancellations/${encodeURIComponent(id)}/cash-handed-over`, {}),
    onSettled: () => qc.invalidateQueries({ queryKey: storeKeys.request(id) }),
  });
}
