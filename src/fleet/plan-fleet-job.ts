/**
 * The dry run of a fleet job: every row classified (classify-row.ts), looked up among the lines
 * (unknown, not_yours, already_cancelled, or the same line named twice in the file), and every line
 * of the company quoted with the same rules as a single cancellation (composeQuote, channel fleet):
 * its blockers, final bill and refund, lines of one account in the job leaving together
 * (quote-fleet-lines.ts: the account's last line in the job shows the refund). Written as a fleet_jobs row (status dry_run) and one fleet_job_lines row
 * per input row, with totals per carrier, in one transaction with its audit entry. The same
 * Idempotency-Key from the same company gives back the job it made first.
 */
import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { AppContext } from '../context.ts';
import type { CarrierCode, FleetLineState } from '../db/schema.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { bulkInsert } from '../db/bulk-insert.ts';
import { AppError } from '../shared/errors.ts';
import { classifyRows, type ClassifiedRow, type FleetIdKind } from './classify-row.ts';
import { quoteFleetLines } from './quote-fleet-lines.ts';

export const MAX_FLEET_ROWS = 100_000;

export type LineReason = 'unknown' | 'not_yours' | 'already_cancelled';

export interface FleetActor {
  kind: 'company_admin' | 'client';
  id: string;
  ip?: string | null;
}

export interface PlanFleetJobInput {
  companyId: string;
  actor: FleetActor;
  rows: readonly string[];
  source: 'json' | 'csv';
  idempotencyKey?: string | null;
  /** 'YYYY-MM-DD' in China time; null or absent: as soon as confirmed. */
  effectiveDate?: string | null;
}

export interface CarrierTotals {
  lines: number;
  ready: number;
  blocked: number;
  billFen: number;
  refundFen: number;
}

export interface FleetTotals {
  rows: number;
  accepted: number;
  rejected: number;
  ready: number;
  blocked: number;
  reasons: Record<string, number>;
  blockers: Record<string, number>;
  billFen: number;
  refundFen: number;
  carriers: Partial<Record<CarrierCode, CarrierTotals>>;
}

interface FoundLine {
  id: string;
  company_id: string | null;
  status: string;
  carrier: CarrierCode;
  iccid: string;
  msisdn: string;
  eid: string | null;
}

interface PlannedLine {
  row_no: number;
  input: string;
  id_kind: FleetIdKind | null;
  line_id: string | null;
  carrier: CarrierCode | null;
  state: FleetLineState;
  reason: string | null;
  blockers: string;
  bill_fen: number;
  refund_fen: number;
}

export async function planFleetJob(ctx: AppContext, input: PlanFleetJobInput): Promise<{ jobId: string; created: boolean }> {
  if (input.rows.length === 0) throw new AppError('validation_failed', 'The list has no rows.');
  if (input.rows.length > MAX_FLEET_ROWS) throw new AppError('validation_failed', `A fleet job takes at most ${MAX_FLEET_ROWS} rows.`, { rows: input.rows.length });
  if (input.idempotencyKey) {
    const existing = await findByKey(ctx, input.companyId, input.idempotencyKey);
    if (existing) return { jobId: existing, created: false };
  }

  const classified = classifyRows(input.rows);
  const found = await findLines(ctx, classified);
  const planned: PlannedLine[] = [];
  const seenLine = new Map<string, number>();
  const toQuote: Array<{ at: number; line: FoundLine }> = [];
  for (const row of classified) {
    const base = { row_no: row.rowNo, input: row.input.slice(0, 64), id_kind: row.kind, line_id: null, carrier: null, blockers: '[]', bill_fen: 0, refund_fen: 0 };
    if (!row.ok) {
      planned.push({ ...base, state: 'rejected', reason: row.reason });
      continue;
    }
    const line = found.get(`${row.kind}:${row.value}`);
    // Another company's line is "not yours" and nothing more: not its carrier, not its state.
    const reason: LineReason | 'duplicate_in_file' | null = !line ? 'unknown' : line.company_id !== input.companyId ? 'not_yours'
      : line.status === 'cancelled' ? 'already_cancelled' : seenLine.has(line.id) ? 'duplicate_in_file' : null;
    if (reason || !line) {
      planned.push({ ...base, state: 'rejected', reason: reason ?? 'unknown' });
      continue;
    }
    seenLine.set(line.id, row.rowNo);
    toQuote.push({ at: planned.length, line });
    planned.push({ ...base, state: 'ready', reason: null }); // its quote below
  }
  // Quoted together, per account within the job: an account's last line in the job shows the refund.
  const quoted = new Map(toQuote.map((q) => [q.line.id, q]));
  await quoteFleetLines(ctx.db, toQuote.map((q) => q.line.id), ctx.now(), (quotes) => {
    for (const [lineId, quote] of quotes) {
      const { at, line } = quoted.get(lineId)!;
      const blockers = quote.blockers.map((b) => b.code);
      planned[at] = {
        ...planned[at], line_id: line.id, carrier: line.carrier, state: blockers.length ? 'blocked' : 'ready', reason: blockers.length ? 'blocked' : null,
        blockers: JSON.stringify(blockers), bill_fen: quote.bill.totalFen, refund_fen: quote.refund.refundableFen,
      };
    }
  });

  const totals = totalsOf(planned);
  const jobId = crypto.randomUUID();
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await trx.insertInto('fleet_jobs').values({
        id: jobId, company_id: input.companyId, status: 'dry_run', actor_kind: input.actor.kind, actor_id: input.actor.id,
        idempotency_key: input.idempotencyKey ?? null, source: input.source, effective_date: input.effectiveDate ?? null,
        rows_total: planned.length, rows_accepted: totals.accepted, totals: JSON.stringify(totals),
      }).execute();
      await bulkInsert(trx, 'fleet_job_lines', planned.map((p) => ({ job_id: jobId, ...p })));
      await appendAudit(trx, {
        actorKind: input.actor.kind, actorId: input.actor.id, ip: input.actor.ip ?? null, action: 'fleet.dry_run', subject: jobId,
        details: { companyId: input.companyId, rows: totals.rows, ready: totals.ready, blocked: totals.blocked, rejected: totals.rejected },
      });
    });
  } catch (err) {
    // Two uploads with one key at once: the first one's job is the answer.
    if (input.idempotencyKey && isUniqueViolation(err)) {
      const existing = await findByKey(ctx, input.companyId, input.idempotencyKey);
      if (existing) return { jobId: existing, created: false };
    }
    throw err;
  }
  return { jobId, created: true };
}

async function findByKey(ctx: AppContext, companyId: string, key: string): Promise<string | undefined> {
  const row = await ctx.db.selectFrom('fleet_jobs').select('id').where('company_id', '=', companyId).where('idempotency_key', '=', key).executeTakeFirst();
  return row?.id;
}

const isUniqueViolation = (err: unknown) => typeof err === 'object' && err !== null && (err as { code?: string }).code === '23505';

/** The lines the rows name, in three indexed look-ups per chunk; keyed 'kind:value'. A live line wins over a cancelled one with the same number. */
async function findLines(ctx: AppContext, rows: ClassifiedRow[]): Promise<Map<string, FoundLine>> {
  const values = (kind: FleetIdKind) => rows.flatMap((r) => (r.ok && r.kind === kind ? [r.value] : []));
  const out = new Map<string, FoundLine>();
  const columns = ['id', 'company_id', 'status', 'carrier', 'iccid', 'msisdn', 'eid'] as const;
  for (const kind of ['iccid', 'msisdn', 'eid'] as const) {
    const all = values(kind);
    for (let i = 0; i < all.length; i += 10_000) {
      const chunk = all.slice(i, i + 10_000);
      const found = await ctx.db.selectFrom('lines').select(columns)
        .where(sql<boolean>`${sql.ref(kind)} = ANY(${chunk}::text[])`)
        .orderBy(sql`status = 'cancelled'`, 'desc').execute();
      for (const l of found) out.set(`${kind}:${l[kind]}`, l as FoundLine); // the live one comes last and wins
    }
  }
  return out;
}

function totalsOf(lines: PlannedLine[]): FleetTotals {
  const t: FleetTotals = { rows: lines.length, accepted: 0, rejected: 0, ready: 0, blocked: 0, reasons: {}, blockers: {}, billFen: 0, refundFen: 0, carriers: {} };
  for (const l of lines) {
    if (l.state === 'rejected') {
      t.rejected++;
      t.reasons[l.reason!] = (t.reasons[l.reason!] ?? 0) + 1;
      continue;
    }
    t.accepted++;
    const c = (t.carriers[l.carrier!] ??= { lines: 0, ready: 0, blocked: 0, billFen: 0, refundFen: 0 });
    c.lines++;
    if (l.state === 'blocked') {
      t.blocked++;
      c.blocked++;
      for (const b of JSON.parse(l.blockers) as string[]) t.blockers[b] = (t.blockers[b] ?? 0) + 1;
      continue;
    }
    t.ready++;
    c.ready++;
    c.billFen += l.bill_fen;
    c.refundFen += l.refund_fen;
    t.billFen += l.bill_fen;
    t.refundFen += l.refund_fen;
  }
  return t;
}
