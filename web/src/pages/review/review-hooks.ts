// The review resource: the queue (filtered, searched, paged on the server), one request, claiming,
// and the decisions. One query-key factory, so a mutation refreshes exactly what it changed.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../../api.ts';
import type { ReviewClaim, ReviewDetail, ReviewQueuePage } from '../../api-types.ts';

export interface QueueFilter {
  carrier?: string;
  channel?: string;
  status?: string;
  overdue?: boolean;
  /** A reference (受理编号) or the last 4 digits: safe in a URL. */
  q?: string;
  page: number;
  pageSize: number;
}

export const reviewKeys = {
  all: ['review'] as const,
  queues: () => [...reviewKeys.all, 'queue'] as const,
  queue: (f: QueueFilter, msisdn: string) => [...reviewKeys.queues(), f, msisdn ? 'by-number' : ''] as const,
  detail: (id: string, lang: string) => [...reviewKeys.all, 'detail', id, lang] as const,
  details: (id: string) => [...reviewKeys.all, 'detail', id] as const,
};


const enc = encodeURIComponent;

function queueQuery(f: QueueFilter): string {
  const p = new URLSearchParams();
  if (f.carrier) p.set('carrier', f.carrier);
  if (f.channel) p.set('channel', f.channel);
  if (f.status) p.set('status', f.status);
  if (f.overdue !== undefined) p.set('overdue', String(f.overdue));
  if (f.q) p.set('q', f.q);
  p.set('page', String(f.page));
  p.set('pageSize', String(f.pageSize));
  return p.toString();
}

/** The whole number never goes into a URL: it is sent in a POST body. */
export function fetchReviewQueue(f: QueueFilter, msisdn: string): Promise<ReviewQueuePage> {
  if (msisdn) {
    const body = Object.fromEntries(Object.entries({ ...f, msisdn }).filter(([, v]) => v !== undefined && v !== ''));
    return request<ReviewQueuePage>('POST', '/review/queue/search', body);
  }
  return request<ReviewQueuePage>('GET', `/review/queue?${queueQuery(f)}`);
}

export function useReviewQueue(f: QueueFilter, msisdn: string) {
  return useQuery({
    queryKey: reviewKeys.queue(f, msisdn),
    queryFn: () => fetchReviewQueue(f, msisdn),
    refetchInterval: 15_000,
    placeholderData: keepPreviousData,
  });
}

export function useReviewDetail(id: string, lang: string) {
  // texts come in the reader's language
  return useQuery({ queryKey: reviewKeys.detail(id, lang), queryFn: () => request<ReviewDetail>('GET', `/review/${enc(id)}`), refetchInterval: 30_000 });
}

function useRefresh(id?: string) {
  const qc = useQueryClient();
  return async () => {
    await Promise.all([
      qc.invalidateQueries({ queryKey: reviewKeys.queues() }),
      ...(id ? [qc.invalidateQueries({ queryKey: reviewKeys.details(id) })] : []),
    ]);
  };
}

export function useClaimReview(id?: string) {
  const refresh = useRefresh(id);
  return useMutation({
    mutationFn: (v: { id: string; minutes?: number }) =>
      request<{ id: string; claim: ReviewClaim }>('POST', `/review/${enc(v.id)}/claim`, v.minutes ? { minutes: v.minutes } : {}),
    onSettled: refresh,
  });
}

export function useReleaseReview(id: string) {
  const refresh = useRefresh(id);
  return useMutation({
    mutationFn: () => request<{ id: string; claim: ReviewClaim | null }>('POST', `/review/${enc(id)}/release`, {}),
    onSettled: refresh,
  });
}

export function useDecideReview(id: string) {
  const refresh = useRefresh(id);
  const approve = useMutation({ mutationFn: () => request<{ id: string; status: string }>('POST', `/review/${enc(id)}/approve`, {}) });
  const reject = useMutation({ mutationFn: (reason: string) => request<{ id: string; status: string }>('POST', `/review/${enc(id)}/reject`, { reason }) });
  return { approve, reject, refresh };
}
