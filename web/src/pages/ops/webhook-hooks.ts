// The webhook resources for ops: the delivery log (filtered by status), one delivery with its
// attempts, the subscriptions; redelivery and enabling a subscription. One query-key factory.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../../api.ts';

export type DeliveryStatus = 'pending' | 'queued' | 'delivered' | 'dead' | 'cancelled';
export interface WebhookDelivery {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  subscriptionId: string;
  owner: string;
  target: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}
export interface WebhookAttempt { attempt: number; at: string; outcome: string; statusCode: number | null; error: string | null; latencyMs: number }
export interface WebhookSubscription {
  id: string;
  owner: string;
  target: string;
  query: string | null;
  eventTypes: string[];
  status: 'active' | 'disabled';
  disabledReason: string | null;
  createdAt: string;
}

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
    queryFn: () => request<WebhookDelivery & { attemptLog: WebhookAttempt[] }>('GET', `/ops/webhooks/deliveries/${id}`),
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
