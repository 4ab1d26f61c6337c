// The webhook resources for ops: the delivery log (filtered by status), one delivery with its
// attempts, the subscriptions; redelivery and enabling a subscription. One query-key factory.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../../api.ts';
import type { DeliveryStatus, WebhookDelivery, WebhookDeliveryDetail, WebhookSubscription } from '../../api-types.ts';

export type { DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookSubscription } from '../../api-types.ts';

export const webhookKeys = {
  all: ['webhooks'] as const,
  deliveries: (status: string) => [...webhookKeys.all, 'deliveries', status] as const,
  delivery: (id: string) => [...webhookKeys.all, 'delivery', id] as const,
  subscriptions: () => [...webhookKeys.all, 'subscriptions'] as const,
};

export function useDeliveries(status: DeliveryStatus | '') {
  return useQuery({
    queryKey: webhookKeys.deliveries(status),
    queryFn: () => request<{ items: WebhookDelivery[]; counts: Record<string, number> }>('GET', `/ops/webhooks/deliveries${status ? `?status=${status}` : ''}`),
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  });
}

export function useDelivery(id: string | null) {
  return useQuery({
    queryKey: webhookKeys.delivery(id ?? ''),
    queryFn: () => request<WebhookDeliveryDetail>('GET', `/ops/webhooks/deliveries/${id}`),
    enabled: !!id,
  });
}

export function useSubscriptions() {
  return useQuery({ queryKey: webhookKeys.subscriptions(), queryFn: () => request<{ items: WebhookSubscription[] }>('GET', '/ops/webhooks/subscriptions') });
}

export function useRedeliver() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => request<{ id: string; status: 'pending' }>('POST', `/ops/webhooks/deliveries/${id}/redeliver`),
    onSuccess: () => qc.invalidateQueries({ queryKey: webhookKeys.all }),
  });
}

export function useEnableSubscription() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => request<{ id: string; status: 'active' }>('POST', `/ops/webhooks/subscriptions/${id}/enable`),
    onSuccess: () => qc.invalidateQueries({ queryKey: webhookKeys.all }),
  });
}
