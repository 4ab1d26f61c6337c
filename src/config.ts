// Runtime configuration, read once from the environment.
import net from 'node:net';
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
  /** Whether publicBaseUrl came from ZHUXIAO_PUBLIC_URL (production needs it) or is the local fallback. */
  publicBaseUrlSet: boolean;
  logLevel: string;
  /** Run the job workers inside the server process. */
  workers: boolean;
  /**
   * Reverse proxies whose X-Forwarded-For / -Host / -Proto are believed (addresses, CIDRs, or
   * `loopback`, `linklocal`, `uniquelocal`). Empty: the client address is the TCP peer's.
   */
  trustedProxies: string[];
  /** Bearer token for /metrics outside dev mode; without one, /metrics is closed in production. */
  metricsToken: string | undefined;
  /** Serve /docs and /openapi.json; undefined follows dev mode (on in dev, off in production). */
  docs: boolean | undefined;
}

export class ConfigError extends Error {}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** ZHUXIAO_TRUSTED_PROXIES: comma-separated addresses or CIDRs; throws ConfigError naming a bad entry. */
export function parseTrustedProxies(value: string | undefined): string[] {
  const entries = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const e of entries) {
    if (PROXY_NAMES.has(e)) continue;
    const [addr, bits, extra] = e.split('/');
    const family = net.isIP(addr);
    const max = family === 4 ? 32 : 128;
    const bitsOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= max);
    if (!family || !bitsOk || extra !== undefined) {
      throw new ConfigError(`ZHUXIAO_TRUSTED_PROXIES: "${e}" is not an IP address or CIDR (e.g. 10.0.0.5, 10.0.0.0/8, ::1, loopback).`);
    }
  }
  return entries;
}

function parseFlag(name: string, value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw new ConfigError(`${name} must be 1 or 0.`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  const host = env.HOST ?? '127.0.0.1';
  const publicUrl = env.ZHUXIAO_PUBLIC_URL?.trim() || undefined;
  return {
    port,
    host,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.ZHUXIAO_DATA_DIR ?? '.zhuxiao'),
    dev: env.ZHUXIAO_DEV === '1' || env.ZHUXIAO_DEV === 'true',
    publicBaseUrl: publicUrl ?? `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    publicBaseUrlSet: publicUrl !== undefined,
    logLevel: env.LOG_LEVEL ?? 'info',
    workers: env.ZHUXIAO_WORKERS !== '0',
    trustedProxies: parseTrustedProxies(env.ZHUXIAO_TRUSTED_PROXIES),
    metricsToken: env.ZHUXIAO_METRICS_TOKEN || undefined,
    docs: parseFlag('ZHUXIAO_DOCS', env.ZHUXIAO_DOCS),
  };
}

/** What stops the server from starting in this configuration (production needs a public URL). */
export function serveConfigProblems(config: Config): string[] {
  const problems: string[] = [];
  if (!config.dev && !config.publicBaseUrlSet) {
    problems.push('ZHUXIAO_PUBLIC_URL is not set. In production (ZHUXIAO_DEV unset) set it to the address people reach this server at, e.g. ZHUXIAO_PUBLIC_URL=https://zhuxiao.example.cn: certificates\' QR codes and secure cookies depend on it.');
  }
  if (config.publicBaseUrlSet) {
    if (!URL.canParse(config.publicBaseUrl) || !['http:', 'https:'].includes(new URL(config.publicBaseUrl).protocol)) problems.push(`ZHUXIAO_PUBLIC_URL "${config.publicBaseUrl}" is not an http:// or https:// URL.`);
  }
  return problems;
}

/** For `zhuxiao serve`: the configuration, or a clear message on stderr and exit code 2. */
export function loadServeConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  let problems: string[];
  let config: Config | undefined;
  try {
    config = loadConfig(env);
    problems = serveConfigProblems(config);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems = [e.message];
  }
  if (problems.length || !config) {
    for (const p of problems) process.stderr.write(`zhuxiao serve: ${p}\n`);
    process.exit(2);
  }
  return config;
}
