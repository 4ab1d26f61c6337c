// The load generator, in a process of its own (run by the benchmarks through runInChild, never by
// hand): autocannon against a URL, or the quote + submit flow of bench:submit. Reads its spec from the
// JSON file named on the command line; prints one JSON line of results on stdout.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { percentile } from './common.ts';

export interface PlainSpec {
  kind: 'plain';
  url: string;
  /** Paths taken in turn, one per request (default: the URL's own). */
  paths?: string[];
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  seconds: number;
  warmupSeconds?: number;
}

export interface Flow { cookie: string; lineId: string; last4: string }
export interface FlowSpec { kind: 'flow'; url: string; flows: Flow[]; connections: number; seconds: number }

export interface LoadResult {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

export interface FlowResult extends LoadResult {
  created: number;
  refused: number;
  exhausted: number;
  statuses: Record<string, number>;
  flowsPerSecond: number;
  flowP50Ms: number;
  flowP99Ms: number;
}

/** autocannon's per-connection context during one flow. */
interface FlowContext { flow?: Flow; t0?: number; quote?: { version: string; requiredAcknowledgements: string[] } }

function runCannon(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

const summary = (r: autocannon.Result): LoadResult => ({
  requests: r.requests.total, seconds: r.duration, requestsPerSecond: r.requests.total / r.duration,
  p50Ms: r.latency.p50, p99Ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts,
});

async function plain(spec: PlainSpec): Promise<LoadResult> {
  const opts: autocannon.Options = {
    url: spec.url, method: spec.method ?? 'GET', headers: spec.headers, body: spec.body,
    connections: spec.connections,
    timeout: 30, // seconds: a slow answer is measured, not dropped as an error
  };
  if (spec.paths?.length) {
    let next = 0;
    const paths = spec.paths;
    opts.requests = [{ setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length] }) }];
  }
  if (spec.warmupSeconds) await runCannon({ ...opts, duration: spec.warmupSeconds });
  return summary(await runCannon({ ...opts, duration: spec.seconds }));
}

/** Each connection repeats: quote the next unused line, then submit what the quote asked for. */
async function flow(spec: FlowSpec): Promise<FlowResult> {
  const flows = spec.flows;
  let next = 0;
  let created = 0;
  let refused = 0;
  let exhausted = 0;
  const statuses: Record<string, number> = {};
  const flowMs: number[] = [];
  const perConnection = Math.max(1, Math.floor(flows.length / spec.connections));
  const r = await runCannon({
    url: spec.url,
    connections: spec.connections,
    timeout: 30,
    duration: spec.seconds,
    maxConnectionRequests: 2 * perConnection, // so the lines never run out
    requests: [
      {
        method: 'POST',
        path: '/api/v1/cancellations/quote',
        setupRequest: (req, ctx) => {
          const context = ctx as FlowContext;
          const f = flows[next++];
          if (!f) {
            exhausted++;
            return { ...req, method: 'GET', path: '/healthz', headers: {}, body: undefined };
          }
          context.flow = f;
          context.quote = undefined;
          context.t0 = performance.now();
          return { ...req, headers: { 'content-type': 'application/json', cookie: f.cookie }, body: JSON.stringify({ lineId: f.lineId }) };
        },
        onResponse: (status, body, ctx) => {
          const context = ctx as FlowContext;
          if (status === 200 && context.flow) context.quote = JSON.parse(body);
        },
      },
      {
        method: 'POST',
        path: '/api/v1/cancellations',
        setupRequest: (req, ctx) => {
          const { flow: f, quote: q } = ctx as FlowContext;
          if (!f || !q) return null as never; // the quote failed: start a new flow
          return {
            ...req,
            headers: { 'content-type': 'application/json', cookie: f.cookie, 'idempotency-key': crypto.randomUUID() },
            body: JSON.stringify({ lineId: f.lineId, quoteVersion: q.version, acknowledgements: q.requiredAcknowledgements, confirmLast4: f.last4, refundRoute: { type: 'original' } }),
          };
        },
        onResponse: (status, _body, ctx) => {
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (status === 201) {
            created++;
            flowMs.push(performance.now() - (ctx as FlowContext).t0!);
          } else refused++;
        },
      },
    ],
  });
  flowMs.sort((a, b) => a - b);
  return {
    ...summary(r), created, refused, exhausted, statuses,
    flowsPerSecond: created / r.duration, flowP50Ms: percentile(flowMs, 50), flowP99Ms: percentile(flowMs, 99),
  };
}

const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) as PlainSpec | FlowSpec;
const result = spec.kind === 'flow' ? await flow(spec) : await plain(spec);
process.stdout.write(`${JSON.stringify(result)}\n`);
