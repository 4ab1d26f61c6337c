// Opens the database: embedded PGlite by default (persisted under the data directory), or a
// PostgreSQL server when DATABASE_URL is set. Both speak the same SQL and run the same migrations.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect, type DatabaseConnection, type Driver, type TransactionSettings } from 'kysely';
import pg from 'pg';
import type { DB } from './schema.ts';
import { errorMessage } from './connection-errors.ts';

export interface Database {
  db: Kysely<DB>;
  kind: 'pglite' | 'postgres';
  /** The embedded engine, when kind is 'pglite'. */
  pglite?: PGlite;
  /** Connection string, when kind is 'postgres'. */
  url?: string;
  close(): Promise<void>;
}

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;

// bigint (int8) columns hold fen amounts and sequence numbers: safe as JS numbers.
pg.types.setTypeParser(INT8, (v) => Number(v));
pg.types.setTypeParser(DATE, (v) => v);

export interface OpenOptions {
  databaseUrl?: string;
  /** Directory for the embedded database; 'memory://' for a throwaway one. */
  dataDir?: string;
  /** A dump of a data directory (PGlite dumpDataDir) to start from: tests clone a migrated database this way. */
  loadDataDir?: Blob | File;
  poolSize?: number;
  /**
   * PostgreSQL: run statements that have parameters as named prepared statements (parsed once per
   * connection, see PreparingClient). On by default; off (`ZHUXIAO_PG_PREPARE=off`) behind a
   * connection pooler that cannot keep them, such as PgBouncer in transaction mode before 1.21.
   */
  preparedStatements?: boolean;
}

/** How long a query waits for a new connection to the server before failing. */
export const CONNECT_TIMEOUT_MS = 5_000;

/**
 * A warning per connection error would flood the log during an outage (every pooled connection
 * fails at once, then every attempt to reconnect): one per distinct message per 10 seconds.
 */
export function throttledWarning(prefix: string, intervalMs = 10_000): (err: unknown) => void {
  const last = new Map<string, number>();
  return (err) => {
    const message = errorMessage(err);
    const key = message.replace(/ \(Queue: [^)]*\)$/, ''); // pg-boss names the worker: one key for all
    const now = Date.now();
    if ((last.get(key) ?? -Infinity) > now - intervalMs) return;
    if (last.size > 100) last.clear();
    last.set(key, now);
    process.emitWarning(`${prefix}: ${message}`);
  };
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.poolSize ?? 10,
      // While the server is down or unreachable, a request fails fast (503) instead of hanging.
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      // Notice a peer that vanished without closing the socket (a host gone, a cut network).
      keepAlive: true,
      ...((opts.preparedStatements ?? process.env.ZHUXIAO_PG_PREPARE !== 'off') ? { Client: PreparingClient } : {}),
    });
    const warn = throttledWarning('database pool');
    // A connection the server closes (restart, failover, pg_terminate_backend) emits 'error'. The pool
    // listens on idle connections only and drops them; a checked-out connection (inside a
    // transaction, between two queries) has no listener, and an unheard 'error' event crashes the
    // process. So every connection gets one when it is made: the query in flight, if any, rejects
    // with the same error, and the pool discards the broken connection when it is released.
    pool.on('error', warn);
    pool.on('connect', (client) => client.on('error', warn));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', url: opts.databaseUrl, close: () => db.destroy() };
  }
  const dataDir = opts.dataDir ?? 'memory://';
  if (!dataDir.startsWith('memory://')) fs.mkdirSync(path.dirname(path.resolve(dataDir)), { recursive: true });
  const pglite = new PGlite(dataDir, {
    loadDataDir: opts.loadDataDir,
    parsers: { [INT8]: (v: string) => Number(v), [NUMERIC]: (v: string) => Number(v), [DATE]: (v: string) => v },
  });
  await pglite.waitReady;
  const db = new Kysely<DB>({ dialect: new SerialPGliteDialect({ pglite }) });
  return {
    db,
    kind: 'pglite',
    pglite,
    close: async () => {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}

/** How many statements one connection keeps prepared; the statements after these run unnamed. */
export const PREPARED_PER_CONNECTION = 200;

/**
 * A pg client that runs every statement with parameters as a named prepared statement, named after
 * its text: PostgreSQL parses and analyses it once per connection, and after a few runs keeps a
 * generic plan, so the hot statements (the quote's facts, the session, the submit's writes) stop
 * paying for parsing and planning on every request. Kysely sends the same text for the same query
 * shape, with the values as parameters. Statements without parameters keep the simple protocol
 * (they may hold several commands: migrations). Only the first PREPARED_PER_CONNECTION distinct
 * texts of a connection are kept, so statements with a varying shape (IN lists of any length)
 * cannot fill the server's memory.
 */
class PreparingClient extends pg.Client {
  readonly #named = new Set<string>();
  /** Part of every name: a new one after a schema change made the prepared statements stale. */
  #generation = 0;
  override query(config: unknown, values?: unknown, callback?: unknown): any {
    if (typeof config === 'string' && Array.isArray(values) && values.length > 0 && typeof callback !== 'function') {
      const name = `zx${this.#generation}_${statementHash(config)}`;
      if (this.#named.has(name) || this.#named.size < PREPARED_PER_CONNECTION) {
        this.#named.add(name);
        return super.query({ name, text: config, values }).catch((err: unknown) => {
          // A migration changed a table under a prepared `SELECT *` (another process migrated while
          // this one ran): that statement fails once, and this connection prepares everything anew.
          if ((err as { code?: string }).code === '0A000' && /cached plan/.test(String((err as Error).message))) {
            this.#generation++;
            this.#named.clear();
          }
          throw err;
        });
      }
    }
    return (super.query as (...a: unknown[]) => unknown)(config, values, callback);
  }
}

/** Statement texts → their names' hash, for the texts seen most (bounded). */
const hashes = new Map<string, string>();
function statementHash(text: string): string {
  let h = hashes.get(text);
  if (h === undefined) {
    if (hashes.size >= 2000) hashes.clear();
    hashes.set(text, (h = crypto.createHash('sha1').update(text).digest('base64url')));
  }
  return h;
}

/**
 * Kysely's PGlite driver hands every caller the same single connection with no lock, so a query
 * issued while another caller's transaction is open would run inside that transaction. This
 * dialect serialises connection use: one query or one whole transaction at a time.
 */
class SerialPGliteDialect extends PGliteDialect {
  override createDriver(): Driver {
    return new SerialDriver(super.createDriver());
  }
}

class SerialDriver implements Driver {
  #inner: Driver;
  #queue: Promise<void> = Promise.resolve();
  #release: (() => void) | undefined;
  constructor(inner: Driver) {
    this.#inner = inner;
  }
  init() {
    return this.#inner.init();
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.#queue;
    let release!: () => void;
    this.#queue = new Promise<void>((resolve) => (release = resolve));
    await previous;
    this.#release = release;
    return this.#inner.acquireConnection();
  }
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await this.#inner.releaseConnection(connection);
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }
  beginTransaction(c: DatabaseConnection, s: TransactionSettings) {
    return this.#inner.beginTransaction(c, s);
  }
  commitTransaction(c: DatabaseConnection) {
    return this.#inner.commitTransaction(c);
  }
  rollbackTransaction(c: DatabaseConnection) {
    return this.#inner.rollbackTransaction(c);
  }
  savepoint(c: DatabaseConnection, n: string, q: any) {
    return this.#inner.savepoint!(c, n, q);
  }
  rollbackToSavepoint(c: DatabaseConnection, n: string, q: any) {
    return this.#inner.rollbackToSavepoint!(c, n, q);
  }
  releaseSavepoint(c: DatabaseConnection, n: string, q: any) {
    return this.#inner.releaseSavepoint!(c, n, q);
  }
  destroy() {
    return this.#inner.destroy();
  }
}
