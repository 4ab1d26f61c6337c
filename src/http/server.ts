// Starts the platform as a server: context, HTTP app, graceful shutdown on SIGTERM / SIGINT.
import type { Config } from '../config.ts';
import { closeContext, createContext, type ContextOptions } from '../bootstrap.ts';
import type { AppContext } from '../context.ts';
import { buildApp, type App } from './app.ts';

export interface RunningServer { app: App; ctx: AppContext; url: string; close(): Promise<void> }

export async function startServer(config: Config, opts: ContextOptions & { logger?: boolean; handleSignals?: boolean } = {}): Promise<RunningServer> {
  const ctx = await createContext(config, opts);
  const app = await buildApp(ctx, { logger: opts.logger });
  await app.listen({ port: config.port, host: config.host });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= (async () => {
    await app.close();
    await closeContext(ctx);
  })());
  if (opts.handleSignals) {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      process.once(sig, () => {
        ctx.logger.info({ signal: sig }, 'shutting down');
        const timer = setTimeout(() => process.exit(1), 15_000);
        timer.unref();
        close().then(() => process.exit(0), (err) => {
          ctx.logger.error({ err }, 'shutdown failed');
          process.exit(1);
        });
      });
    }
  }
  return { app, ctx, url, close };
}
