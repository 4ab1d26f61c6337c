// Prometheus metrics. One registry per app instance (tests build many apps in one process).
import client from 'prom-client';

export interface Metrics {
  registry: client.Registry;
  httpRequests: client.Counter<'method' | 'route' | 'status_code'>;
  httpDuration: client.Histogram<'method' | 'route' | 'status_code'>;
  requestTransitions: client.Counter<'from' | 'to' | 'channel'>;
  stepRuns: client.Counter<'step' | 'outcome'>;
  reviewLatency: client.Histogram<'carrier' | 'decision'>;
}

export function createMetrics(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'zhuxiao_' });
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
  };
}
