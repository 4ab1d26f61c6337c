// `zhuxiao serve [--workers=N] [--processes=N]`.
//
// One process (the default): the API, the web app and the job workers (N executions at once; the
// default is EXECUTION_CONCURRENCY, or none with ZHUXIAO_WORKERS=0). --workers=0: the API only, for a
// host whose jobs are done by `zhuxiao worker` processes elsewhere.
//
// --processes=N (N > 1, PostgreSQL only): node:cluster. The primary prepares the database once
// (migrations, reference and demo data, signing keys, the job queue's tables), then forks N API
// processes that share the port, plus, unless --workers=0, one worker process (what `zhuxiao worker`
// runs) with N executions at once. Job workers never run in an API process: a certificate's PDF is
// CPU work that would hold up the requests of that process. The primary serves nothing itself: it
// hands connections to the API processes, starts a process again when one dies, and passes
// SIGTERM / SIGINT on to them all.
import cluster, { type Worker } from 'node:cluster';
import { parseArgs } from 'node:util';
import { loadServeConfigOrExit, type Config } from '../config.ts';
import { closeContext, createContext } from '../bootstrap.ts';
import { EXECUTION_CONCURRENCY } from '../jobs/workers.ts';
import { createLogger } from '../shared/logger.ts';
import { PGLITE_SINGLE_PROCESS, runWorker, wholeNumber } from './worker.ts';

/** What a process forked by the primary is, in ZHUXIAO_CLUSTER_ROLE. */
type Role = 'api' | 'worker';

export async function serveCommand(args: string[], usage: (message: string) => never): Promise<number> {
  const { values } = parseArgs({ args, options: { workers: { type: 'string' }, processes: { type: 'string' } }, strict: true });
  const workers = values.workers === undefined ? undefined : wholeNumber('--workers', values.workers, 0, usage);
  const processes = values.processes === undefined ? 1 : wholeNumber('--processes', values.processes, 1, usage);
  const config = loadServeConfigOrExit(); // production refuses to start without ZHUXIAO_PUBLIC_URL (exit 2)
  // The same command line runs in the processes the primary forks; the role says which part.
  if (cluster.isWorker) {
    const role = process.env.ZHUXIAO_CLUSTER_ROLE as Role | undefined;
    if (role === 'worker') await runWorker(config, Number(process.env.ZHUXIAO_CLUSTER_CONCURRENCY) || EXECUTION_CONCURRENCY);
    else await startApi(config, { workers: false, seedDemo: false });
    return -1;
  }
  const concurrency = workers ?? (config.workers ? EXECUTION_CONCURRENCY : 0);
  if (processes > 1) {
    if (!config.databaseUrl) {
      process.stderr.write(`zhuxiao serve: --processes ${processes} ${PGLITE_SINGLE_PROCESS}\n`);
      return 2;
    }
    await runPrimary(config, processes, concurrency);
    return -1;
  }
  await startApi(config, { workers: concurrency > 0, executionConcurrency: concurrency || undefined });
  return -1; // keep running
}

async function startApi(config: Config, opts: { workers: boolean; executionConcurrency?: number; seedDemo?: boolean }): Promise<void> {
  const { startServer } = await import('../http/server.ts');
  const s = await startServer(config, { handleSignals: true, ...opts });
  const jobs = opts.workers ? `job workers in-process, ${opts.executionConcurrency ?? EXECUTION_CONCURRENCY} executions at once` : 'no job workers';
  s.ctx.logger.info(`Zhuxiao is listening on ${s.url} (${config.dev ? 'dev mode' : 'production mode'}, ${s.ctx.database.kind}, ${cluster.isWorker ? `API process ${process.pid}` : jobs})`);
}

async function runPrimary(config: Config, processes: number, concurrency: number): Promise<void> {
  const logger = createLogger(config.logLevel);
  // Everything a first start does, once, before any process is forked: they then start side by side
  // on a database that is ready, instead of racing to migrate and seed it.
  await closeContext(await createContext(config, { workers: false }));

  const roles: Role[] = [...Array<Role>(processes).fill('api'), ...(concurrency > 0 ? ['worker' as const] : [])];
  const roleOf = new Map<Worker, Role>();
  const startedAt = new Map<Worker, number>();
  let stopping = false;
  let exitCode = 0;
  let delayMs = 500;
  const fork = (role: Role) => {
    const w = cluster.fork({ ZHUXIAO_CLUSTER_ROLE: role, ZHUXIAO_CLUSTER_CONCURRENCY: String(concurrency) });
    roleOf.set(w, role);
    startedAt.set(w, Date.now());
  };
  const listening = new Set<number>();
  cluster.on('listening', (w, address) => {
    // Only the API processes' server on the configured port (a simulator in a process listens too).
    if (roleOf.get(w) !== 'api' || address.port !== config.port || listening.has(w.id)) return;
    listening.add(w.id);
    if (listening.size === processes) {
      const host = address.address && address.address !== '0.0.0.0' && address.address !== '::' ? address.address : '127.0.0.1';
      logger.info(`Zhuxiao is listening on http://${host}:${address.port} (${config.dev ? 'dev mode' : 'production mode'}, postgres, ${processes} API processes, `
        + `${concurrency > 0 ? `job workers in a process of their own, ${concurrency} executions at once` : 'no job workers: run `zhuxiao worker`'})`);
    }
  });
  cluster.on('exit', (w, code, signal) => {
    const role = roleOf.get(w)!;
    roleOf.delete(w);
    if (stopping) {
      if (roleOf.size === 0) process.exit(exitCode);
      return;
    }
    if (code === 2) {
      // A configuration problem: starting it again would fail the same way.
      logger.error({ pid: w.process.pid, role }, 'a forked process refused to start (exit 2); stopping');
      stopAll(2);
      return;
    }
    // A process that dies soon after it started waits longer each time, so a crash loop does not spin.
    delayMs = Date.now() - (startedAt.get(w) ?? 0) < 10_000 ? Math.min(delayMs * 2, 30_000) : 500;
    startedAt.delete(w);
    logger.error({ pid: w.process.pid, role, code, signal }, `${role} process exited; starting another in ${delayMs} ms`);
    setTimeout(() => !stopping && fork(role), delayMs).unref();
  });
  const stopAll = (code: number) => {
    stopping = true;
    exitCode = code;
    const timer = setTimeout(() => {
      for (const w of roleOf.keys()) w.process.kill('SIGKILL');
      process.exit(exitCode || 1);
    }, 20_000);
    timer.unref();
    if (roleOf.size === 0) process.exit(exitCode);
    for (const w of roleOf.keys()) w.process.kill('SIGTERM'); // each closes gracefully (startServer / runWorker)
  };
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.once(sig, () => {
      logger.info({ signal: sig }, 'shutting down every process');
      stopAll(0);
    });
  }
  for (const role of roles) fork(role);
}
