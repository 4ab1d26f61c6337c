/**
 * Carries out a fleet chunk's requests together: the life of executeCancellation (the same
 * transitions, steps, keys `<requestId>:<step>` and local effects), with the database work done
 * once per chunk instead of once per line (docs/decisions/0006, "Execution in bulk, the same life"):
 *
 *  1. approved → executing for the chunk in one conditional statement (moveRequests), the step
 *     lists in one INSERT, in one transaction;
 *  2. per step, the outside calls per line, concurrently, under the carrier's throttle
 *     (carrier-throttle.ts); then ONE transaction for the chunk that marks the step done where it
 *     was not (`… WHERE request_id = ANY($1) AND step = $2 AND status <> 'done' RETURNING
 *     request_id`) and applies the local effects for the returned requests only (bulk where the
 *     step has BULK_LOCAL, else each line's own `local`). Should that transaction fail (a line's
 *     money check stops it), the step is committed line by line as the single path does, so one
 *     line's stop does not hold the others. A line whose step fails leaves the chunk through
 *     recordStepFailure (needs_attention via escalate, or retry later). Before the network calls,
 *     the chunk's last notices (the same texts and keys) are written in one statement where they
 *     are rows (the dev outbox: sendLastNotices); through the SMS adapter each is its line's call;
 *  3. executing → completed for the lines left, in one conditional statement.
 */
import { sql } from 'kysely';
import type { AppContext } from '../context.ts';
import { bulkInsert } from '../db/bulk-insert.ts';
import {
  commitStep, executionStepRows, loadExecRequests, recordStepFailure, type ExecutionOutcome, type LoadedExecRequest,
} from '../cancellation/execute-cancellation.ts';
import {
  BULK_LOCAL, OUTSIDE_STEPS, STEPS, STEP_ORDER, sendLastNotices, stepKey, type StepCall, type StepName, type StepOptions,
} from '../cancellation/execution-steps.ts';
import { moveRequests, type BulkMoveRow } from '../cancellation/move-request.ts';
import { carrierBucket } from './carrier-throttle.ts';

/** Calls in flight at once for one chunk, over all carriers (each carrier's own limit applies within it). */
export const FLEET_CHUNK_CALLS_IN_FLIGHT = 64;

const moveRow = (l: LoadedExecRequest): BulkMoveRow => ({ requestId: l.req.id, msisdn: l.req.line.msisdn, channel: l.channel });

/** Runs `fn` over `items`, at most `limit` at once. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export async function executeFleetChunk(ctx: AppContext, requestIds: readonly string[]): Promise<Map<string, ExecutionOutcome>> {
  const outcomes = new Map<string, ExecutionOutcome>(requestIds.map((id) => [id, 'not_executable']));
  const loaded = await loadExecRequests(ctx, requestIds);
  if (loaded.size === 0) return outcomes;

  // 1. approved → executing, with the step lists.
  const approved = [...loaded.values()].filter((l) => l.status === 'approved');
  if (approved.length) {
    await ctx.db.transaction().execute(async (trx) => {
      const moved = await moveRequests(ctx, trx, { rows: approved.map(moveRow), from: 'approved', to: 'executing', actor: { kind: 'worker' } });
      if (moved.length === 0) return;
      const started = new Set(moved.map((m) => m.requestId));
      await bulkInsert(trx, 'execution_steps', approved.filter((l) => started.has(l.req.id)).flatMap((l) => executionStepRows(l.req, l.channel)), 5000,
        { onConflictDoNothing: ['request_id', 'step'] });
    });
  }

  // Who is executing now (started here, by someone else, or retried by ops), and where their steps are.
  // One statement; the ids as one array parameter (not 500 of them to parse and plan).
  const stepRows = await ctx.db.selectFrom('execution_steps as s').innerJoin('cancellation_requests as r', 'r.id', 's.request_id')
    .select(['s.request_id', 's.step', 's.status', 's.attempts'])
    .where('r.id', '=', sql<string>`any(${[...loaded.keys()]}::uuid[])`).where('r.status', '=', 'executing').execute();
  if (stepRows.length === 0) return outcomes;
  const stepOf = new Map(stepRows.map((s) => [`${s.request_id}:${s.step}`, s]));
  const active = new Set(stepRows.map((s) => s.request_id));

  // 2. Step by step for the chunk.
  for (const step of STEP_ORDER) {
    const todo = [...active].filter((id) => {
      const s = stepOf.get(`${id}:${step}`);
      return s !== undefined && s.status !== 'done' && s.status !== 'skipped';
    });
    if (todo.length === 0) continue;
    const calls = new Map<string, StepCall>();
    const failures: Array<{ id: string; err: unknown }> = [];
    // The network step's last notices, for the chunk at once where they are rows (the dev outbox).
    const opts: StepOptions | undefined = step === 'network_deprovision'
      ? { lastNoticeSent: await sendLastNotices(ctx, todo.map((id) => loaded.get(id)!.req)) } : undefined;
    await eachLimited(todo, FLEET_CHUNK_CALLS_IN_FLIGHT, async (id) => {
      const { req } = loaded.get(id)!;
      const call = () => STEPS[step](ctx, req, stepKey(id, step), opts);
      try {
        calls.set(id, OUTSIDE_STEPS.has(step) ? await carrierBucket(ctx, req.line.carrier, req.settings).run(call) : await call());
      } catch (err) {
        failures.push({ id, err });
      }
    });
    for (const { id, err } of failures) {
      outcomes.set(id, await recordStepFailure(ctx, id, step, stepOf.get(`${id}:${step}`)!.attempts, err));
      active.delete(id);
    }
    if (calls.size === 0) continue;
    try {
      await commitChunkStep(ctx, step, loaded, calls);
    } catch {
      // One line's local effects stopped the chunk's transaction (nothing of it was kept): commit
      // each line alone, as the single path does; a line that stops again leaves the chunk.
      for (const [id, call] of calls) {
        try {
          await commitStep(ctx, id, step, call);
        } catch (err) {
          outcomes.set(id, await recordStepFailure(ctx, id, step, stepOf.get(`${id}:${step}`)!.attempts, err));
          active.delete(id);
        }
      }
    }
  }

  // 3. executing → completed for those left.
  if (active.size) {
    const completedAt = ctx.now();
    const done = await ctx.db.transaction().execute((trx) => moveRequests(ctx, trx, {
      rows: [...active].map((id) => moveRow(loaded.get(id)!)), from: 'executing', to: 'completed', actor: { kind: 'worker' },
      patch: { completed_at: completedAt }, auditDetails: (m) => ({ certificateSerial: m.certificateSerial }),
    }));
    for (const m of done) outcomes.set(m.requestId, 'completed');
  }
  return outcomes;
}

/**
 * One transaction for a step of the chunk: the conditional mark of every line whose call came back
 * (storing each call's answer), then the local effects of the lines this mark moved, and the result
 * a local effect returned (the certificate's serial) stored over the call's answer.
 */
async function commitChunkStep(ctx: AppContext, step: StepName, loaded: Map<string, LoadedExecRequest>, calls: Map<string, StepCall>): Promise<void> {
  const ids = [...calls.keys()];
  await ctx.db.transaction().execute(async (trx) => {
    const results = ids.map((id) => JSON.stringify(calls.get(id)!.result ?? null));
    const { rows: marked } = await sql<{ request_id: string }>`
      UPDATE execution_steps s SET status = 'done', attempts = s.attempts + 1, last_error = NULL, result = v.result, updated_at = now()
      FROM unnest(${ids}::uuid[], ${results}::jsonb[]) AS v(id, result)
      WHERE s.request_id = v.id AND s.step = ${step} AND s.status <> 'done'
      RETURNING s.request_id`.execute(trx);
    const moved = marked.map((m) => m.request_id);
    const bulk = BULK_LOCAL[step];
    if (bulk && moved.length) {
      await bulk(trx, moved.map((id) => ({ r: loaded.get(id)!.req, result: calls.get(id)!.result })));
    } else {
      for (const id of moved) {
        const out = await calls.get(id)!.local?.(trx);
        if (out !== undefined) {
          await trx.updateTable('execution_steps').set({ result: JSON.stringify(out) }).where('request_id', '=', id).where('step', '=', step).execute();
        }
      }
    }
  });
  ctx.metrics.stepRuns.inc({ step, outcome: 'done' }, ids.length);
}
