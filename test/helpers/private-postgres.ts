// A throwaway PostgreSQL server of our own, for tests and benchmarks that stop, restart or cut off the
// database: initdb into a temporary directory, postgres on a free local port with trust auth. The
// machine's shared server (DATABASE_URL, port 5432) is never touched. As root, the server runs as
// the `postgres` OS user (PostgreSQL refuses to run as root).
import { execFile as execFileCb } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const execFile = promisify(execFileCb);

/** The newest PostgreSQL server binaries installed under /usr/lib/postgresql/<version>/bin, if any. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return undefined;
  const versions = fs.readdirSync(root).filter((v) => /^\d+(\.\d+)?$/.test(v)).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = path.join(root, v, 'bin');
    if (['initdb', 'pg_ctl', 'postgres'].every((b) => fs.existsSync(path.join(bin, b)))) return bin;
  }
  return undefined;
}

/** Why a private server cannot be started here, or undefined when it can. */
export function privatePostgresUnavailable(): string | undefined {
  if (!postgresBinDir()) return 'no PostgreSQL server binaries under /usr/lib/postgresql/*/bin';
  if (process.getuid?.() === 0) {
    if (!fs.existsSync('/usr/sbin/runuser') && !fs.existsSync('/sbin/runuser')) return 'running as root without runuser';
    if (postgresUid() === undefined) return 'running as root and there is no `postgres` OS user to run the server as';
  }
  return undefined;
}

function postgresUid(): { uid: number; gid: number } | undefined {
  const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

async function freePort(from: number): Promise<number> {
  for (let port = from; port < from + 200; port++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (ok) return port;
  }
  throw new Error(`no free port in ${from}…${from + 199}`);
}

export interface PrivatePostgres {
  port: number;
  dataDir: string;
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url(database?: string): string;
  /** Starts the server (again) and waits until it accepts connections. */
  start(): Promise<void>;
  /** 'fast': clean shutdown, clients disconnected; 'immediate': a crash, no checkpoint. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  restart(mode?: 'fast' | 'immediate'): Promise<void>;
  /** pg_terminate_backend on every other client backend (of one database, if given); returns how many. */
  terminateBackends(database?: string): Promise<number>;
  /** Runs one statement as the superuser, on the `postgres` database unless told otherwise. */
  query(text: string, values?: unknown[], database?: string): Promise<pg.QueryResult>;
  /** Stops the server and deletes its directory. */
  destroy(): Promise<void>;
}

/** initdb and start a private server on the first free port from `firstPort`. */
export async function startPrivatePostgres(opts: { firstPort?: number } = {}): Promise<PrivatePostgres> {
  const why = privatePostgresUnavailable();
  if (why) throw new Error(`cannot start a private PostgreSQL: ${why}`);
  const bin = postgresBinDir()!;
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? postgresUid()! : undefined;
  // As root, run each server command as the postgres user; the directory must be theirs.
  const run = (cmd: string, args: string[]) => asRoot
    ? execFile('runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args], { cwd: '/' })
    : execFile(path.join(bin, cmd), args);

  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'zhuxiao-pg-'));
  const dataDir = path.join(base, 'data');
  const logFile = path.join(base, 'server.log');
  if (owner) fs.chownSync(base, owner.uid, owner.gid);
  await run('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--locale=C']);

  let port = 0;
  const settings = () => [
    `-p ${port}`, "-c listen_addresses=127.0.0.1", `-c unix_socket_directories=${base}`,
    '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off', '-c max_connections=60',
  ].join(' ');
  const start = async () => {
    await run('pg_ctl', ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '30', '-o', settings()]);
  };
  // Another process may take the port between the check and the start: try the next one.
  for (let attempt = 0, from = opts.firstPort ?? 55433; ; attempt++) {
    port = await freePort(from);
    try {
      await start();
      break;
    } catch (err) {
      if (attempt >= 5) {
        const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-2000) : '';
        throw new Error(`private PostgreSQL did not start: ${(err as Error).message}\n${log}`, { cause: err });
      }
      from = port + 1;
    }
  }
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const query = async (text: string, values?: unknown[], database?: string) => {
    const c = new pg.Client({ connectionString: url(database), connectionTimeoutMillis: 5_000 });
    c.on('error', () => undefined);
    await c.connect();
    try {
      return await c.query(text, values);
    } finally {
      await c.end().catch(() => undefined);
    }
  };
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    await run('pg_ctl', ['stop', '-D', dataDir, '-m', mode, '-w', '-t', '30']);
  };
  return {
    port,
    dataDir,
    url,
    start,
    stop,
    async restart(mode = 'fast') {
      await stop(mode);
      await start();
    },
    async terminateBackends(database) {
      const r = await query(
        `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
          WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND ($1::text IS NULL OR datname = $1)`,
        [database ?? null],
      );
      return r.rows[0].n as number;
    },
    query,
    async destroy() {
      await stop('immediate').catch(() => undefined);
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}
