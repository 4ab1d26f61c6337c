// A company administrator's fleet jobs: the list, one job (live through its server-sent-events
// stream, polled when the stream drops), its rows page by page, and the changes (dry run, confirm,
// retry the failed lines, stop). One query-key factory.
import { useEffect, useRef, useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { API_BASE, ApiError, request } from '../../api.ts';
import type { FleetConfirmAnswer, FleetJobList, FleetJobView, FleetLinesPage, FleetProgress, FleetRowState } from '../../api-types.ts';

export type { FleetJobListItem, FleetJobStatus, FleetJobView, FleetLine, FleetRowState, FleetTotals } from '../../api-types.ts';

export const fleetKeys = {
  all: ['fleet'] as const,
  jobs: () => [...fleetKeys.all, 'jobs'] as const,
  job: (id: string) => [...fleetKeys.all, 'job', id] as const,
  lines: (id: string, state: FleetRowState | '', page: number, pageSize: number) => [...fleetKeys.job(id), 'lines', state, page, pageSize] as const,
};

const jobPath = (id: string) => `/fleet/jobs/${encodeURIComponent(id)}`;

/** Where the browser downloads a job's files (same origin: the session cookie goes with the link). */
export const fleetFileUrl = (id: string, file: 'results.csv' | 'summary.pdf' | 'manifest') => `${API_BASE}${jobPath(id)}/${file}`;

/** A job has nothing more to do: every line it sent to run has ended (or it never ran). */
export const isJobOver = (status: string) => status === 'completed';

export function useFleetJobs() {
  return useQuery({ queryKey: fleetKeys.jobs(), queryFn: () => request<FleetJobList>('GET', '/fleet/jobs') });
}

/**
 * One job. While it runs, progress comes from the SSE stream (written into this query's data); if the
 * stream drops, the job is polled every 2 s instead. `live` says which of the two is at work.
 */
export function useFleetJob(id: string) {
  const qc = useQueryClient();
  const [streamDown, setStreamDown] = useState(false);
  const job = useQuery({
    queryKey: fleetKeys.job(id),
    queryFn: () => request<FleetJobView>('GET', jobPath(id)),
    refetchInterval: (q) => (streamDown && q.state.data && !isJobOver(q.state.data.status) && q.state.data.status !== 'dry_run' ? 2000 : false),
  });
  const status = job.data?.status;
  const running = !!status && status !== 'dry_run' && !isJobOver(status);
  // At the end (from the stream or from polling) the finish time, the rows' last states and the list are read once more.
  const wasRunning = useRef(running);
  useEffect(() => {
    if (wasRunning.current && !running) {
      void qc.invalidateQueries({ queryKey: fleetKeys.job(id) });
      void qc.invalidateQueries({ queryKey: fleetKeys.jobs() });
    }
    wasRunning.current = running;
  }, [id, running, qc]);
  useEffect(() => {
    if (!running || streamDown || typeof EventSource === 'undefined') return;
    const source = new EventSource(`${API_BASE}${jobPath(id)}/events`);
    const apply = (e: MessageEvent<string>) => {
      const p = JSON.parse(e.data) as FleetProgress;
      qc.setQueryData<FleetJobView>(fleetKeys.job(id), (old) => (old ? { ...old, ...p } : old));
    };
    source.addEventListener('progress', apply);
    // The end's status ends `running`: the effect above then reads the job, its rows and the list once more.
    source.addEventListener('end', (e) => {
      apply(e);
      source.close();
    });
    // EventSource would reconnect by itself; polling is steadier across proxies that cut the stream.
    source.onerror = () => {
      source.close();
      setStreamDown(true);
    };
    return () => source.close();
  }, [id, running, streamDown, qc]);
  return { job, live: running && !streamDown };
}

/** One page of the job's rows, optionally of one state; refreshed every 3 s while the job runs. */
export function useFleetLines(id: string, state: FleetRowState | '', page: number, pageSize: number, running: boolean) {
  const qs = new URLSearchParams({ page: String(page), pageSize: String(pageSize), ...(state ? { state } : {}) });
  return useQuery({
    queryKey: fleetKeys.lines(id, state, page, pageSize),
    queryFn: () => request<FleetLinesPage>('GET', `${jobPath(id)}/lines?${qs.toString()}`),
    placeholderData: keepPreviousData,
    refetchInterval: running ? 3000 : false,
  });
}

export interface FleetDraft {
  /** One Idempotency-Key per draft: sending it twice (a double click, a retry) gives back the same job. */
  key: string;
  rows?: string[];
  csv?: string;
  effectiveDate?: string;
}

/** A CSV file goes as it is (text/csv): the server reads its first column as it would from any client. */
async function postCsv(draft: FleetDraft): Promise<FleetJobView> {
  const qs = draft.effectiveDate ? `?effectiveDate=${draft.effectiveDate}` : '';
  let res: Response;
  try {
    res = await fetch(`${API_BASE}/fleet/jobs${qs}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json', 'Accept-Language': document.documentElement.lang || 'zh-CN', 'Content-Type': 'text/csv', 'Idempotency-Key': draft.key },
      body: draft.csv,
    });
  } catch (cause) {
    throw new ApiError(0, 'network', cause instanceof Error ? cause.message : 'Network error');
  }
  const data = (await res.json().catch(() => undefined)) as (FleetJobView & { error?: { code?: string; message?: string; details?: unknown } }) | undefined;
  if (res.ok && data) return data;
  const e = data?.error;
  throw new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? res.statusText, e?.details);
}

export function useCreateFleetJob() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (draft: FleetDraft) =>
      draft.csv !== undefined
        ? postCsv(draft)
        : request<FleetJobView>('POST', '/fleet/jobs', { rows: draft.rows, ...(draft.effectiveDate ? { effectiveDate: draft.effectiveDate } : {}) }, { 'Idempotency-Key': draft.key }),
    onSuccess: (job) => {
      qc.setQueryData(fleetKeys.job(job.id), job);
      void qc.invalidateQueries({ queryKey: fleetKeys.jobs() });
    },
  });
}

/** Confirm, retry the failed, stop, send the end e-mail again: each changes the job, so the job, its rows and the list are read again. */
function useJobAction<T>(path: 'confirm' | 'retry-failed' | 'stop' | 'resend-end-email') {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => request<T>('POST', `${jobPath(id)}/${path}`, {}),
    onSuccess: (_r, id) => qc.invalidateQueries({ queryKey: fleetKeys.job(id) }).then(() => qc.invalidateQueries({ queryKey: fleetKeys.jobs() })),
  });
}

export const useConfirmFleetJob = () => useJobAction<FleetConfirmAnswer>('confirm');
export const useRetryFailedFleetLines = () => useJobAction<{ retried: number }>('retry-failed');
export const useStopFleetJob = () => useJobAction<{ stopped: number }>('stop');
export const useResendFleetEndEmail = () => useJobAction<{ queued: number }>('resend-end-email');
