// The machine-client resource (admin): the list, registering one (its secret comes back once) and
// revoking one. One query-key factory for all of it.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../../api.ts';

export interface MachineClientRow {
  clientId: string;
  name: string;
  scopes: string[];
  mvnoCode: string | null;
  companyId: string | null;
  createdAt: string;
  revokedAt: string | null;
}
export interface NewMachineClient { name: string; scopes: string[]; mvnoCode?: string | null; companyId?: string | null }

export const clientKeys = {
  all: ['machine-clients'] as const,
  list: () => [...clientKeys.all, 'list'] as const,
};

export function useMachineClients() {
  return useQuery({ queryKey: clientKeys.list(), queryFn: () => request<{ items: MachineClientRow[]; scopes: string[] }>('GET', '/admin/clients') });
}

export function useCreateMachineClient() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: NewMachineClient) => request<{ clientId: string; clientSecret: string }>('POST', '/admin/clients', body),
    onSuccess: () => qc.invalidateQueries({ queryKey: clientKeys.all }),
  });
}

export function useRevokeMachineClient() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (clientId: string) => request<{ clientId: string; revokedAt: string }>('POST', `/admin/clients/${encodeURIComponent(clientId)}/revoke`),
    onSuccess: () => qc.invalidateQueries({ queryKey: clientKeys.all }),
  });
}
