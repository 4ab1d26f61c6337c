// A pg-boss job written by a statement of the caller's own (a data-modifying CTE), instead of a
// statement of its own through boss.send: one round trip fewer, and the job is in the same statement
// as the change it follows, so it exists exactly when that change does. The INSERT is pg-boss's own
// (its plans.insertJobs, the one send() runs), so the row is the one send() would have written: the
// queue's policy (retries, expiry, heartbeat, dead letter) is read from pgboss.queue by that statement.
// test/integration/submit-optimistic.test.ts compares the two rows.
import { insertJobs } from 'pg-boss/dist/plans.js';
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { JobQueue, QueueName } from './queue.ts';

/** pg-boss's schema (src/jobs/queue.ts does not set another). */
const SCHEMA = 'pgboss';

/** Per queue: its job table, or null when the queue wants a NOTIFY per job (send() then). */
const tables = new WeakMap<object, Map<string, Promise<string | null>>>();

/**
 * Read through the caller's own `db` (its transaction: on PGlite there is one connection, and
 * pg-boss's own handle would wait for it), once per queue and process.
 */
function tableOf(jobs: JobQueue, db: Kysely<DB> | Transaction<DB>, queue: QueueName): Promise<string | null> {
  let perQueue = tables.get(jobs.boss);
  if (!perQueue) tables.set(jobs.boss, (perQueue = new Map()));
  let table = perQueue.get(queue);
  if (!table) {
    table = sql<{ table_name: string; notify: boolean }>`SELECT table_name, notify FROM ${sql.table(`${SCHEMA}.queue`)} WHERE name = ${queue}`.execute(db).then(({ rows: [q] }) => {
      if (!q) perQueue.delete(queue); // not created yet: asked again next time
      return q?.table_name && !q.notify ? q.table_name : null;
    });
    table.catch(() => perQueue.delete(queue)); // the caller sees the error; asked again next time
    perQueue.set(queue, table);
  }
  return table;
}

/**
 * The INSERT of one job into `queue` as a CTE body, whose rows come from `source` (a CTE of the same
 * statement): one job when `source` has a row, none when it has none. Null when this queue's jobs
 * cannot be written so (a queue with NOTIFY on): send it with `jobs.send` in the same transaction.
 * `key` is pg-boss's singletonKey, as `jobs.send`'s.
 */
export async function jobInsert(jobs: JobQueue, db: Kysely<DB> | Transaction<DB>, queue: QueueName, data: object, opts: { key?: string; source: string }): Promise<RawBuilder<unknown> | null> {
  const table = await tableOf(jobs, db, queue);
  if (!table) return null;
  const text = insertJobs(SCHEMA, { table, name: queue, returnId: false });
  const [before, after, ...rest] = text.split('$1::text::json');
  if (after === undefined || rest.length) return null; // not the statement this was written for: send() then
  // What send() puts in its parameter (pg-boss's #toJobPayload after Attorney.checkSendArgs).
  const payload = JSON.stringify([{
    id: null, name: queue, data, priority: 0, singletonKey: opts.key ?? null, singletonOffset: 0, groupId: null, groupTier: null, deadLetter: null,
  }]);
  return sql`${sql.raw(before)}(SELECT ${payload}::text FROM ${sql.table(opts.source)})::json${sql.raw(after)}`;
}
