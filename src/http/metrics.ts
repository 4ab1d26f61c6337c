// Prometheus metrics. One registry per app instance (tests build many apps in one process).
import client from 'prom-client';

export interface Metrics {
  registry: client.Registry;
  httpRequests: client.Counter<'method' | 'route' | 'status_code'>;
  httpDuration: client.Histogram<'method' | 'route' | 'status_code'>;
  requestTransitions: client.Counter<'from' | 'to' | 'channel'>;
  stepRuns: client.Counter<'step' | 'outcome'>;
  reviewLatency: client.Histogram<'carrier' | 'decision'>;
  numbersReleased: client.Counter<'carrier'>;
  /** Read on every scrape by the queue-depth gauges; wired by the ops module (src/ops/watch-queue-depths.ts). */
  depthSources: DepthSources;
}

export interface DepthSources {
  /** Requests waiting on people, by status (pending_review, needs_attention). */
  requestsWaiting?: () => Promise<Record<string, number>>;
  /** Jobs waiting and running, by job queue. */
  jobs?: () => Promise<Array<{ queue: string; queued: number; active: number }>>;
}

export function createMetrics(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'zhuxiao_' });
  const depthSources: DepthSources = {};
  queueDepthGauges(registry, depthSources);
  return {
    registry,
    httpRequests: new client.Counter({
      name: 'zhuxiao_http_requests_total', help: 'HTTP requests served.', labelNames: ['method', 'route', 'status_code'], registers: [registry],
    }),
    httpDuration: new client.Histogram({
      name: 'zhuxiao_http_request_duration_seconds', help: 'HTTP request duration.', labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry],
    }),
    requestTransitions: new client.Counter({
      name: 'zhuxiao_cancellation_transitions_total', help: 'Cancellation request status changes.', labelNames: ['from', 'to', 'channel'], registers: [registry],
    }),
    stepRuns: new client.Counter({
      name: 'zhuxiao_execution_step_runs_total', help: 'Execution step attempts by outcome.', labelNames: ['step', 'outcome'], registers: [registry],
    }),
    reviewLatency: new client.Histogram({
      name: 'zhuxiao_review_decision_seconds', help: 'Time from submission to review decision.', labelNames: ['carrier', 'decision'],
      buckets: [60, 600, 3600, 4 * 3600, 12 * 3600, 24 * 3600, 48 * 3600, 96 * 3600], registers: [registry],
    }),
    numbersReleased: new client.Counter({
      name: 'zhuxiao_numbers_released_total', help: 'Numbers released for re-issue after their freeze period.', labelNames: ['carrier'], registers: [registry],
    }),
    depthSources,
  };
}

/** Gauges read at scrape time; a source that fails leaves its gauge empty rather than stale. */
function queueDepthGauges(registry: client.Registry, sources: DepthSources): void {
  new client.Gauge({
    name: 'zhuxiao_cancellation_requests_waiting', help: 'Cancellation requests waiting on staff, by status (pending_review, needs_attention).',
    labelNames: ['status'], registers: [registry],
    async collect() {
      this.reset();
      const read = sources.requestsWaiting;
      if (!read) return;
      const counts = await read().catch(() => null);
      for (const [status, n] of Object.entries(counts ?? {})) this.set({ status }, n);
    },
  });
  const jobs = (field: 'queued' | 'active') => async function collect(this: client.Gauge<'queue'>) {
    this.reset();
    const read = sources.jobs;
    if (!read) return;
    const rows = await read().catch(() => null);
    for (const r of rows ?? []) this.set({ queue: r.queue }, r[field]);
  };
  new client.Gauge({ name: 'zhuxiao_jobs_queued', help: 'Jobs waiting in the job queue (created, retry, deferred), by queue.', labelNames: ['queue'], registers: [registry], collect: jobs('queued') });
  new client.Gauge({ name: 'zhuxiao_jobs_active', help: 'Jobs being worked on, by queue.', labelNames: ['queue'], registers: [registry], collect: jobs('active') });
}
