// Writes a new cancellation request with its first timeline event, its audit entry, its SMS and,
// when it starts approved, its execution job: all in one statement (the jobs are pg-boss's own
// INSERTs, written as parts of it), in the caller's transaction, or (openRequestIfAccountUnchanged)
// on its own, conditional on the billing account being unchanged since the facts were read.
import crypto from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { CarrierCode, DB, RequestStatus } from '../db/schema.ts';
import { QUEUES } from '../jobs/queue.ts';
import type { Quote } from './compose-quote.ts';
import type { Actor } from './transitions.ts';
import { statusSmsJob } from './notify-status.ts';
import { jobInsert } from '../jobs/job-in-statement.ts';
import { newRequestReference } from './request-reference.ts';
import { idempotencyRow, type IdempotencyRecord } from '../shared/idempotency.ts';
import type { RequestChannel } from '../db/schema.ts';

export interface NewRequest {
  lineId: string;
  customerId: string;
  carrier: CarrierCode;
  msisdn: string;
  channel: RequestChannel;
  status: Extract<RequestStatus, 'pending_review' | 'approved'>;
  quote: Quote;
  acknowledgements: string[];
  refundRoute: Record<string, unknown>;
  refundRouteSecretEnc: string | null;
  slaDueAt: Date | null;
  storeId?: string | null;
  clerkId?: string | null;
  details?: Record<string, unknown>;
  actor: Actor;
  note?: string;
  /** Where the certificate is also sent (optional; encrypted at rest). */
  contactEmail?: string | null;
  /** The idempotent response to store with the request (withIdempotency's record), built from its id and reference. */
  response?: { record: IdempotencyRecord; statusCode: number; body: (r: { id: string; reference: string }) => unknown };
}

export async function openRequest(ctx: AppContext, trx: Transaction<DB>, r: NewRequest): Promise<{ id: string; reference: string }> {
  return (await writeRequest(ctx, trx, r, null))!;
}

/**
 * The same with no transaction and no lock: one statement that writes it all only if the line's
 * billing account is still the row version `accountToken` (its `xmin`, as loadQuoteFacts read it
 * next to the facts the quote was composed from). Null when nothing was written: the account changed
 * since (another request opened on it, a payment, a refund), or (rarely) the reference drawn was
 * taken, or a job of it cannot be written in the statement; open it under the account's lock then.
 * Every request opened through openRequest changes that row version, so two requests on one account
 * are never both written from the same facts: the second's statement waits for the first's row lock,
 * finds the account changed and writes nothing (docs/decisions/0004).
 */
export async function openRequestIfAccountUnchanged(ctx: AppContext, db: Kysely<DB>, r: NewRequest, accountToken: string): Promise<{ id: string; reference: string } | null> {
  return writeRequest(ctx, db, r, accountToken);
}

/** The columns openRequest writes (in this order, from one JSON object: the table's own types). */
const REQUEST_COLUMNS = [
  'id', 'reference', 'contact_email_enc', 'line_id', 'customer_id', 'carrier', 'channel', 'status', 'quote_version', 'quote', 'acknowledgements',
  'refund_route', 'refund_route_secret_enc', 'bill_total_fen', 'refund_fen', 'sla_due_at', 'store_id', 'clerk_id', 'details', 'decided_at',
] as const;
const COLUMN_LIST = sql.raw(REQUEST_COLUMNS.join(', '));

async function writeRequest(ctx: AppContext, db: Kysely<DB> | Transaction<DB>, r: NewRequest, accountToken: string | null): Promise<{ id: string; reference: string } | null> {
  const id = crypto.randomUUID();
  const actor = { kind: r.actor.kind, id: r.actor.id ?? null, ip: r.actor.ip ?? null };
  const auditDetails = { channel: r.channel, status: r.status, quoteVersion: r.quote.version, refundFen: r.quote.refund.refundableFen, billTotalFen: r.quote.bill.totalFen, route: r.refundRoute.type };
  // The jobs, written by the same statement (pg-boss's own INSERT, src/jobs/job-in-statement.ts):
  // the SMS, and the execution when the request starts approved. A queue whose jobs cannot be
  // written so is sent the usual way, in the caller's transaction (never without one).
  const sms = statusSmsJob({ requestId: id, msisdn: r.msisdn, status: r.status });
  const jobs = [
    ...(r.status === 'approved' ? [{ queue: QUEUES.execute, data: { requestId: id } as object, key: id }] : []),
    ...(sms ? [{ queue: QUEUES.sms, data: sms.data as object, key: sms.key }] : []),
  ];
  const inStatement: Array<Awaited<ReturnType<typeof jobInsert>>> = [];
  for (const j of jobs) inStatement.push(await jobInsert(ctx.jobs, db, j.queue, j.data, { key: j.key, source: 'req' }));
  const sendAfter = jobs.filter((_, k) => !inStatement[k]);
  if (sendAfter.length && !db.isTransaction) return null; // no transaction to send them in: the caller opens it under the lock
  // One statement writes the request, its first timeline event, its audit entry, its jobs and, when
  // the caller asks, its idempotent response: the same rows recordEvent, appendAudit, jobs.send and
  // withIdempotency write. It also touches the line's billing account (a new row version, no value
  // changed): that is what tells a concurrent openRequestIfAccountUnchanged that the account moved.
  // A reference already taken (10^12 of them make it rare) inserts nothing, and is drawn again.
  for (;;) {
    const reference = newRequestReference();
    const row = {
      id,
      reference,
      contact_email_enc: r.contactEmail ? ctx.vault.encrypt(r.contactEmail) : null,
      line_id: r.lineId,
      customer_id: r.customerId,
      carrier: r.carrier,
      channel: r.channel,
      status: r.status,
      quote_version: r.quote.version,
      quote: r.quote,
      acknowledgements: r.acknowledgements,
      refund_route: r.refundRoute,
      refund_route_secret_enc: r.refundRouteSecretEnc,
      bill_total_fen: r.quote.bill.totalFen,
      refund_fen: r.quote.refund.refundableFen,
      sla_due_at: r.slaDueAt,
      store_id: r.storeId ?? null,
      clerk_id: r.clerkId ?? null,
      details: r.details ?? {},
      decided_at: r.status === 'approved' ? ctx.now() : null,
    } satisfies Record<(typeof REQUEST_COLUMNS)[number], unknown>;
    const answer = r.response ? idempotencyRow(r.response.record, r.response.statusCode, r.response.body({ id, reference })) : null;
    const written = await sql<{ account: number | string; written: number | string }>`
      WITH acct AS (
        UPDATE billing_accounts a SET updated_at = a.updated_at FROM lines l
        WHERE l.id = ${r.lineId}::uuid AND a.id = l.account_id${accountToken === null ? sql`` : sql` AND a.xmin = ${accountToken}::xid`}
        RETURNING a.id
      ),
      req AS (
        INSERT INTO cancellation_requests (${COLUMN_LIST})
        SELECT ${COLUMN_LIST} FROM jsonb_populate_record(NULL::cancellation_requests, ${JSON.stringify(row)}::jsonb) WHERE EXISTS (SELECT 1 FROM acct)
        ON CONFLICT (reference) DO NOTHING
        RETURNING id
      ),
      event AS (
        INSERT INTO request_events (request_id, from_status, to_status, actor_kind, actor_id, note)
        SELECT id, NULL, ${r.status}::text, ${actor.kind}::text, ${actor.id}::text, ${r.note ?? null}::text FROM req
      )${answer ? sql`,
      answer AS (
        INSERT INTO idempotency_keys (scope, key, request_hash, status_code, body)
        SELECT ${answer.scope}::text, ${answer.key}::text, ${answer.request_hash}::text, ${answer.status_code}::integer, ${answer.body}::jsonb FROM req
      )` : sql``}${sql.join(inStatement.flatMap((insert, k) => (insert ? [sql`,
      job_${sql.raw(String(k))} AS (${insert})`] : [])), sql``)},
      audit AS (
        INSERT INTO audit_log (at, actor_kind, actor_id, action, request_id, subject, details, ip)
        SELECT ${auditAt()}::timestamptz, ${actor.kind}::text, ${actor.id}::text, 'request.submit', id, NULL, ${JSON.stringify(auditDetails)}::jsonb, ${actor.ip}::text FROM req
      )
      SELECT (SELECT count(*) FROM acct) AS account, (SELECT count(*) FROM req) AS written`.execute(db);
    const result = written.rows[0];
    if (Number(result.account) === 0) {
      if (accountToken !== null) return null; // the account moved since its facts were read
      throw new Error(`line ${r.lineId}: no billing account to open a request on`);
    }
    if (Number(result.written) === 0) {
      if (accountToken !== null) return null; // the reference was taken, and the account's row version is ours now: compose again
      continue; // the reference was taken
    }
    for (const j of sendAfter) await ctx.jobs.send(db as Transaction<DB>, j.queue, j.data, { key: j.key });
    ctx.metrics.requestTransitions.inc({ from: 'new', to: r.status, channel: r.channel });
    return { id, reference };
  }
}

/** As appendAudit sets it: millisecond precision survives timestamptz, so the sealer's hash can be recomputed from the row. */
const auditAt = () => new Date().toISOString();
