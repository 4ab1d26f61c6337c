// Everything a use case may touch, built once at start and passed explicitly.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { DB } from './db/schema.ts';
import type { PiiVault } from './identity/pii.ts';
import type { JobQueue } from './jobs/queue.ts';
import type { Adapters } from './adapters/index.ts';
import type { Metrics } from './http/metrics.ts';
import type { AuditSealer } from './audit/seal-audit-log.ts';
import type { WebhookSettings } from './webhooks/settings.ts';
import type { VerifyCache } from './certificates/verify-cache.ts';
import type { Listener } from './db/notifications.ts';

export interface AppContext {
  config: Config;
  database: Database;
  db: Kysely<DB>;
  vault: PiiVault;
  jobs: JobQueue;
  adapters: Adapters;
  logger: Logger;
  metrics: Metrics;
  /** Current time; tests may replace it. */
  now(): Date;
  /** Execution tuning: how many attempts a step gets before the request needs attention. */
  execution: { maxStepAttempts: number };
  /** Seals audit entries into the signed Merkle tree, in the background; started and stopped with the context. */
  auditSealer?: AuditSealer;
  /** Webhook delivery: the HTTP sender (tests replace it), the timeout, the relay's interval. */
  webhooks?: WebhookSettings;
  /** What the public check of a certificate by serial remembers (src/certificates/verify-cache.ts); absent: every check reads. */
  verifyCache?: VerifyCache;
  /** The LISTEN connection that drops verifyCache when the trust changes in another process; closed with the context. */
  trustListener?: Listener;
}
