// The audit resource: a page of entries for a filter, what the filters offer, and the chain check.
// One query-key factory for all of it.
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { request, verifyAuditChain } from '../../api.ts';
import type { AuditFacets, AuditPage } from '../../api-types.ts';

export interface AuditQuery {
  requestId?: string;
  reference?: string;
  subject?: string;
  staffId?: string;
  action?: string;
  from?: string;
  to?: string;
  page: number;
  limit: number;
}

export const auditKeys = {
  all: ['audit'] as const,
  page: (q: AuditQuery) => [...auditKeys.all, 'page', q] as const,
  facets: () => [...auditKeys.all, 'facets'] as const,
};

export function auditSearch(q: AuditQuery): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') p.set(k, String(v));
  return p.toString();
}

export function useAuditPage(q: AuditQuery) {
  return useQuery({
    queryKey: auditKeys.page(q),
    queryFn: () => request<AuditPage>('GET', `/ops/audit?${auditSearch(q)}`),
    placeholderData: keepPreviousData,
  });
}

export function useAuditFacets() {
  return useQuery({ queryKey: auditKeys.facets(), queryFn: () => request<AuditFacets>('GET', '/ops/audit/facets'), staleTime: 60_000 });
}

export function useVerifyAudit() {
  return useMutation({ mutationFn: verifyAuditChain });
}
