// LISTEN on a PostgreSQL channel with a dedicated connection (a pooled one cannot hold a LISTEN).
// The connection is watched: when it fails or the server closes it, it is opened again after a
// pause, and `onReconnect` runs (notifications sent while it was down are lost, so whoever relies on
// them must read again). On PGlite (one process) there is nothing to listen to: changes are seen in
// the process that makes them.
import pg from 'pg';
import type { Database } from './database.ts';
import { CONNECT_TIMEOUT_MS, throttledWarning } from './database.ts';

export interface Listener {
  close(): Promise<void>;
}

const RECONNECT_MS = 1_000;

export async function listenTo(database: Database, channel: string, handlers: { onNotify: (payload: string | undefined) => void; onReconnect: () => void }): Promise<Listener> {
  if (database.kind !== 'postgres' || !database.url) return { close: async () => undefined };
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a plain channel name: ${channel}`);
  const warn = throttledWarning(`LISTEN ${channel}`);
  let closed = false;
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;

  const connect = async (first: boolean): Promise<void> => {
    const c = new pg.Client({ connectionString: database.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true });
    const retry = (err: unknown) => {
      warn(err);
      c.removeAllListeners('notification');
      c.end().catch(() => undefined);
      if (client === c) client = undefined;
      if (!closed && !timer) timer = setTimeout(() => {
        timer = undefined;
        void connect(false);
      }, RECONNECT_MS).unref();
    };
    c.on('error', retry);
    c.on('end', () => {
      if (!closed && client === c) retry(new Error('connection ended'));
    });
    c.on('notification', (msg) => {
      if (msg.channel === channel) handlers.onNotify(msg.payload);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
      if (closed) {
        await c.end();
        return;
      }
      client = c;
      // What changed while no one listened is unknown.
      if (!first) handlers.onReconnect();
    } catch (err) {
      if (first) {
        c.removeAllListeners();
        c.on('error', () => undefined);
        await c.end().catch(() => undefined);
        throw err;
      }
      retry(err);
    }
  };

  await connect(true);
  return {
    close: async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}
