// Runtime configuration, read once from the environment.
import path from 'node:path';

export interface Config {
  port: number;
  host: string;
  /** postgres://… when running on a PostgreSQL server; undefined for the embedded database. */
  databaseUrl: string | undefined;
  /** Where the embedded database and the local key file live. */
  dataDir: string;
  /** Dev mode: SMS lands in the dev outbox, demo accounts are listed, simulators can be steered. */
  dev: boolean;
  /** Base URL printed on certificates' QR codes. */
  publicBaseUrl: string;
  logLevel: string;
  /** Run the job workers inside the server process. */
  workers: boolean;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  const host = env.HOST ?? '127.0.0.1';
  return {
    port,
    host,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.ZHUXIAO_DATA_DIR ?? '.zhuxiao'),
    dev: env.ZHUXIAO_DEV === '1' || env.ZHUXIAO_DEV === 'true',
    publicBaseUrl: env.ZHUXIAO_PUBLIC_URL ?? `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    logLevel: env.LOG_LEVEL ?? 'info',
    workers: env.ZHUXIAO_WORKERS !== '0',
  };
}
