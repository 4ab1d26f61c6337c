/**
 * Confirming a fleet job's dry run: dry_run → confirmed, once (a conditional update; zero rows means
 * someone confirmed or it is not this company's). Every ready line is quoted again (the facts may
 * have moved since the dry run: a line now blocked stays out) and becomes a cancellation request with
 * channel 'fleet', status approved (the administrator's confirmation is the review), written in bulk
 * with its first timeline event and its audit entry, as openRequest writes them one at a time. The
 * lines are then handed to the queue in chunks (one job per chunk, run-fleet-chunk.ts), after the
 * effective date when one was set. All of it in one transaction. A job left with no line to run
 * (every ready line blocked since the dry run) ends in that transaction as the last chunk would end
 * it: audit entry, FleetJobEnded event and the queued e-mail.
 */
import { sql, type Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { DB } from '../db/schema.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { BASE_ACKNOWLEDGEMENTS, CHANNEL_RULES, type Quote } from '../cancellation/compose-quote.ts';
import { newRequestReference } from '../cancellation/request-reference.ts';
import { QUEUES } from '../jobs/queue.ts';
import { AppError } from '../shared/errors.ts';
import type { FleetActor } from './plan-fleet-job.ts';
import { quoteFleetLines } from './quote-fleet-lines.ts';
import { recordFleetJobEnd } from './finish-fleet-job.ts';
import { rowIn } from './fleet-line-filters.ts';
// Time-ordered ids (UUID version 7, RFC 9562; the uuid package keeps them increasing within a
// process): a confirmation opens up to 100,000 requests at once, and every index keyed by a request
// id (execution_steps, request_events, audit_log, ledger_entries, fleet_job_lines, the keys
// `<requestId>:<step>`) then takes its new entries at its end, a few pages per chunk, instead of all
// over it (random version-4 ids: every page touched, split and written again, more the bigger the job).
import { v7 as timeOrderedUuid } from 'uuid';

/** Lines per queue job: big enough that the queue's own cost per line is small, small enough to spread over workers. */
export const FLEET_CHUNK_SIZE = 500;

export interface FleetChunkJob {
  jobId: string;
  rowNos: number[];
}

export async function confirmFleetJob(ctx: AppContext, companyId: string, jobId: string, actor: FleetActor): Promise<{ queued: number; blockedSinceDryRun: number }> {
  const confirmed = await ctx.db.transaction().execute(async (trx) => {
    const job = await trx.updateTable('fleet_jobs').set({ status: 'running', confirmed_at: ctx.now() })
      .where('id', '=', jobId).where('company_id', '=', companyId).where('status', '=', 'dry_run')
      .returning(['id', 'effective_date']).executeTakeFirst();
    if (!job) {
      const current = await trx.selectFrom('fleet_jobs').select('status').where('id', '=', jobId).where('company_id', '=', companyId).executeTakeFirst();
      if (!current) throw new AppError('not_found', 'The fleet job was not found.');
      throw new AppError('conflict', `The job is ${current.status} now, not a dry run: it was confirmed already.`, { status: current.status });
    }
    const ready = await trx.selectFrom('fleet_job_lines as f').innerJoin('lines as l', 'l.id', 'f.line_id')
      .select(['f.row_no', 'l.id as line_id', 'l.customer_id', 'l.carrier', 'l.msisdn', 'l.account_id'])
      .where('f.job_id', '=', jobId).where('f.state', '=', 'ready').orderBy('f.row_no').execute();
    // Every account the requests open on is touched once (a new row version, nothing changed), as
    // openRequest touches its line's account: a lock-free online submit on one of them (conditional
    // on the account's xmin, docs/decisions/0004) then writes nothing and runs again under the lock,
    // so it weighs these requests. Touched before the quotes, it is held until commit: a submit that
    // holds an account first is weighed by these quotes, one that comes after waits for them.
    await touchAccounts(trx, [...new Set(ready.map((r) => r.account_id))]);

    // Quoted again a thousand at a time (per account within the job, as the dry run), and each
    // round's requests opened before the next round is quoted: the job's quotes are never all held.
    const byLine = new Map(ready.map((r) => [r.line_id, r]));
    const nowBlocked: Array<{ rowNo: number; blockers: string[] }> = [];
    const opened = new Map<number, string>();
    const refused: number[] = [];
    await quoteFleetLines(trx, ready.map((r) => r.line_id), ctx.now(), async (quotes) => {
      const requests: RequestToOpen[] = [];
      for (const [lineId, quote] of quotes) {
        const r = byLine.get(lineId)!;
        if (quote.blockers.length > 0) nowBlocked.push({ rowNo: r.row_no, blockers: quote.blockers.map((b) => b.code) });
        else requests.push({ rowNo: r.row_no, lineId, customerId: r.customer_id, carrier: r.carrier, quote });
      }
      const openedNow = await insertRequests(trx, jobId, requests, actor);
      for (const [rowNo, id] of openedNow) opened.set(rowNo, id);
      refused.push(...requests.filter((r) => !openedNow.has(r.rowNo)).map((r) => r.rowNo));
    });
    if (nowBlocked.length) {
      await sql`UPDATE fleet_job_lines AS f SET state = 'blocked', reason = 'blocked_since_dry_run', blockers = v.blockers, updated_at = now()
        FROM unnest(${nowBlocked.map((b) => b.rowNo)}::integer[], ${nowBlocked.map((b) => JSON.stringify(b.blockers))}::jsonb[]) AS v(row_no, blockers)
        WHERE f.job_id = ${jobId} AND f.row_no = v.row_no`.execute(trx);
    }
    if (refused.length) {
      await trx.updateTable('fleet_job_lines').set({ state: 'rejected', reason: 'request_open', updated_at: new Date() })
        .where('job_id', '=', jobId).where(rowIn('row_no', refused)).execute();
    }
    if (opened.size) {
      const rows = [...opened.entries()];
      await sql`UPDATE fleet_job_lines AS f SET state = 'queued', request_id = v.request_id, updated_at = now()
        FROM unnest(${rows.map(([n]) => n)}::integer[], ${rows.map(([, id]) => id)}::uuid[]) AS v(row_no, request_id)
        WHERE f.job_id = ${jobId} AND f.row_no = v.row_no`.execute(trx);
    }
    const carrierOf = new Map(ready.map((r) => [r.row_no, r.carrier]));
    const chunks = chunksByCarrier([...opened.keys()].map((rowNo) => ({ rowNo, carrier: carrierOf.get(rowNo)! })), FLEET_CHUNK_SIZE);
    const startAfterSeconds = secondsUntil(job.effective_date, ctx.now());
    for (const [i, rowNos] of chunks.entries()) {
      const chunk: FleetChunkJob = { jobId, rowNos };
      await ctx.jobs.send(trx, QUEUES.fleetExecute, chunk, { key: `${jobId}:${i}`, ...(startAfterSeconds > 0 ? { startAfterSeconds } : {}) });
    }
    await appendAudit(trx, {
      actorKind: actor.kind, actorId: actor.id, ip: actor.ip ?? null, action: 'fleet.confirm', subject: jobId,
      details: { companyId, queued: opened.size, blockedSinceDryRun: nowBlocked.length, requestOpen: refused.length, effectiveDate: job.effective_date },
    });
    // Nothing left to run: the job ends here, as the last chunk would end it (audit entry, event, e-mail).
    if (opened.size === 0) {
      await trx.updateTable('fleet_jobs').set({ status: 'completed', finished_at: ctx.now() }).where('id', '=', jobId).execute();
      await recordFleetJobEnd(ctx, trx, jobId, companyId);
    }
    return { queued: opened.size, blockedSinceDryRun: nowBlocked.length };
  });
  return confirmed;
}

/**
 * The requests, their first timeline events and their audit entries in one statement per
 * thousand. A line that has a live request already (the partial unique index) inserts nothing and
 * is left out; a reference already taken is drawn again.
 */
interface RequestToOpen { rowNo: number; lineId: string; customerId: string; carrier: string; quote: Quote }

async function insertRequests(
  trx: Transaction<DB>,
  jobId: string,
  requests: RequestToOpen[],
  actor: FleetActor,
): Promise<Map<number, string>> {
  const opened = new Map<number, string>();
  const acks = JSON.stringify(BASE_ACKNOWLEDGEMENTS);
  const route = JSON.stringify({ type: CHANNEL_RULES.fleet.fixedRefundRoute });
  for (let start = 0; start < requests.length; start += 1000) {
    let pending = requests.slice(start, start + 1000).map((r) => ({ ...r, id: timeOrderedUuid() }));
    for (let attempt = 0; attempt < 3 && pending.length > 0; attempt++) {
      // One statement per thousand: the requests, and for those written their first timeline events
      // and audit entries (the rows openRequest writes), from one JSON document (each quote in it as
      // it is, not a string to escape into an array literal and parse again).
      const rows = pending.map((p) => ({
        id: p.id, reference: newRequestReference(), line_id: p.lineId, customer_id: p.customerId, carrier: p.carrier,
        quote_version: p.quote.version, quote: p.quote, bill: p.quote.bill.totalFen, refund: p.quote.refund.refundableFen,
      }));
      const at = new Date().toISOString();
      const inserted = await sql<{ id: string }>`
        WITH req AS (
          INSERT INTO cancellation_requests (id, reference, line_id, customer_id, carrier, channel, status, quote_version, quote, acknowledgements,
            refund_route, bill_total_fen, refund_fen, decided_at, details)
          SELECT v.id, v.reference, v.line_id, v.customer_id, v.carrier, 'fleet', 'approved', v.quote_version, v.quote, ${acks}::jsonb,
            ${route}::jsonb, v.bill, v.refund, now(), ${JSON.stringify({ fleetJobId: jobId })}::jsonb
          FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
            AS v(id uuid, reference text, line_id uuid, customer_id uuid, carrier text, quote_version text, quote jsonb, bill bigint, refund bigint)
          ON CONFLICT DO NOTHING
          RETURNING id, quote_version, bill_total_fen, refund_fen
        ),
        ev AS (
          INSERT INTO request_events (request_id, from_status, to_status, actor_kind, actor_id, note)
          SELECT id, NULL, 'approved', ${actor.kind}::text, ${actor.id}::text, NULL FROM req
        ),
        au AS (
          INSERT INTO audit_log (at, actor_kind, actor_id, action, request_id, subject, details, ip)
          SELECT ${at}::timestamptz, ${actor.kind}::text, ${actor.id}::text, 'request.submit', id, NULL,
            jsonb_build_object('channel', 'fleet', 'status', 'approved', 'fleetJobId', ${jobId}::text, 'quoteVersion', quote_version,
              'refundFen', refund_fen, 'billTotalFen', bill_total_fen, 'route', 'original'),
            ${actor.ip ?? null}::text
          FROM req
        )
        SELECT id FROM req`.execute(trx);
      const ids = new Set(inserted.rows.map((r) => r.id));
      const done = pending.filter((p) => ids.has(p.id));
      for (const p of done) opened.set(p.rowNo, p.id);
      // What did not go in: a reference collision (drawn again) or a live request on the line (left out).
      const live = pending.length > done.length
        ? new Set((await trx.selectFrom('cancellation_requests').select('line_id').where('line_id', 'in', pending.filter((p) => !ids.has(p.id)).map((p) => p.lineId))
          .where('status', 'in', ['pending_review', 'approved', 'executing', 'needs_attention', 'completed']).execute()).map((r) => r.line_id))
        : new Set<string>();
      pending = pending.filter((p) => !ids.has(p.id) && !live.has(p.lineId)).map((p) => ({ ...p, id: timeOrderedUuid() }));
    }
  }
  return opened;
}

/** A new row version of each account (no value changed), in one statement. */
async function touchAccounts(trx: Transaction<DB>, accountIds: readonly string[]): Promise<void> {
  if (accountIds.length === 0) return;
  await sql`UPDATE billing_accounts SET updated_at = updated_at WHERE id = ANY(${[...accountIds]}::uuid[])`.execute(trx);
}

/**
 * The job's lines in chunks of at most `size`, each chunk of one carrier (in row order), the
 * carriers taking turns: the queue hands chunks out in the order they were sent, so the chunks a
 * process runs at once are of different carriers, each under its own carrier's throttle
 * (carrier-throttle.ts), instead of all of one carrier waiting on that carrier's bucket.
 */
export function chunksByCarrier(lines: ReadonlyArray<{ rowNo: number; carrier: string }>, size: number): number[][] {
  const byCarrier = new Map<string, number[]>();
  for (const l of [...lines].sort((a, b) => a.rowNo - b.rowNo)) {
    let rows = byCarrier.get(l.carrier);
    if (!rows) byCarrier.set(l.carrier, (rows = []));
    rows.push(l.rowNo);
  }
  const perCarrier = [...byCarrier.values()].map((rows) => {
    const chunks: number[][] = [];
    for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
    return chunks;
  });
  const rounds = Math.max(0, ...perCarrier.map((chunks) => chunks.length));
  const out: number[][] = [];
  for (let round = 0; round < rounds; round++) {
    for (const chunks of perCarrier) if (round < chunks.length) out.push(chunks[round]);
  }
  return out;
}

/** Seconds from now to 00:00 China time on the effective date (0 when none or past). */
function secondsUntil(effectiveDate: string | Date | null, now: Date): number {
  if (!effectiveDate) return 0;
  const day = effectiveDate instanceof Date ? effectiveDate.toISOString().slice(0, 10) : effectiveDate.slice(0, 10);
  const at = Date.parse(`${day}T00:00:00+08:00`);
  return Number.isNaN(at) ? 0 : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}
