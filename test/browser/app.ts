// Starts the app for browser tests: the real server (test/helpers/server.ts, dev mode with demo data)
// when it exists, else the integration tests' app (test/helpers/context.ts startTestApp) listening on
// a free port, otherwise web/dist behind the tiny static server. Rebuilds web/dist when stale.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startStaticServer, type ApiHandler } from './static-server.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const WEB = join(REPO, 'web');
const SERVER_HELPER = join(REPO, 'test/helpers/server.ts');
const CONTEXT_HELPER = join(REPO, 'test/helpers/context.ts');

export interface RunningApp {
  url: string;
  /** true when backed by the real API server; false for the static fallback. */
  real: boolean;
  close(): Promise<void>;
}

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

export function ensureWebBuilt(): void {
  const index = join(WEB, 'dist/index.html');
  const sources = Math.max(
    newestMtime(join(WEB, 'src')),
    newestMtime(join(WEB, 'index.html')),
    newestMtime(join(WEB, 'vite.config.ts')),
    newestMtime(join(WEB, 'prerender.tsx')),
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const r = spawnSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: REPO,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('vite build failed');
}

/**
 * ZHUXIAO_TEST_URL=http://127.0.0.1:3999 uses an already running server (dev mode) instead; it must
 * have been started after the last web build, since it only serves the asset files present at start.
 */
export async function startApp(opts: { api?: ApiHandler; forceStatic?: boolean } = {}): Promise<RunningApp> {
  ensureWebBuilt();
  const external = process.env.ZHUXIAO_TEST_URL;
  if (external && !opts.forceStatic && !opts.api) return { url: external.replace(/\/$/, ''), real: true, close: async () => {} };
  if (!opts.forceStatic && !opts.api && existsSync(SERVER_HELPER)) {
    const mod = (await import(pathToFileURL(SERVER_HELPER).href)) as {
      startTestServer: () => Promise<{ url: string; close(): Promise<void> | void }>;
    };
    const s = await mod.startTestServer();
    return { url: s.url.replace(/\/$/, ''), real: true, close: async () => void (await s.close()) };
  }
  if (!opts.forceStatic && !opts.api && existsSync(CONTEXT_HELPER)) {
    // Until server.ts exists: the integration tests' in-process app (dev mode, demo data), listening.
    const mod = (await import(pathToFileURL(CONTEXT_HELPER).href)) as {
      startTestApp?: () => Promise<{
        app: { listen(o: { port: number; host: string }): Promise<string> };
        close(): Promise<void>;
      }>;
    };
    if (typeof mod.startTestApp === 'function') {
      const t = await mod.startTestApp();
      try {
        const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
        return { url: url.replace(/\/$/, ''), real: true, close: () => t.close() };
      } catch (err) {
        await t.close();
        throw err;
      }
    }
  }
  const s = await startStaticServer({ api: opts.api });
  return { ...s, real: false };
}
