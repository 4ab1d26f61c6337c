/**
 * Demo history: finished cancellations over the last N days (default 90), so the operations
 * dashboard's charts, review times and refund figures have something to show on a fresh demo
 * installation instead of "today" alone. Seeded by the dev start and `zhuxiao seed`, never in the
 * test template (tests count what they make).
 *
 * What it writes, on generated customers only (never a scenario customer, never a company line):
 * - every line the generator left cancelled within the window gets the request that cancelled it:
 *   online (submitted, approved hours later by the demo reviewer, completed) or in a store
 *   (approved and completed on the spot), completed at the line's cancelled_at;
 * - some live lines get a request that ended without cancelling: rejected by the reviewer (with one
 *   of the preset reasons) or withdrawn by the subscriber;
 * - the quote each request was made on is composed by the real quote rules (composeQuote) from the
 *   line's facts as they stood (a cancelled line is quoted as it was before it left), so the request
 *   pages show the bill, the refund and the money as for any other request;
 * - the blocking conditions some quotes met along the way (quote_blockers), for "top blockers".
 * No audit entries, ledger rows or certificates: the audit log records what this installation did,
 * and the history is a picture of the past, not its record (details.demoHistory marks each request).
 * Deterministic for a seed and a day; once per installation (a second run finds the history and adds nothing).
 */
import { sql, type Kysely } from 'kysely';
import type { CarrierCode, DB, Line, RequestChannel, RequestStatus } from '../schema.ts';
import { composeQuote, type Quote } from '../../cancellation/compose-quote.ts';
import { loadQuoteFacts } from '../../cancellation/load-quote-facts.ts';
import { STEP_ORDER, applicableSteps } from '../../cancellation/execution-steps.ts';
import { newRequestReference } from '../../cancellation/request-reference.ts';
import { STORE_ONLY_CONDITIONS } from '../../ops/carrier-settings-rules.ts';
import { createRandom } from './random.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface SeedHistoryOptions {
  now?: Date;
  days?: number;
  seed?: number;
  /** Requests that ended without cancelling (rejected or withdrawn), per day on average. */
  unfinishedPerDay?: number;
}

export interface SeedHistoryResult { completed: number; rejected: number; withdrawn: number; blockers: number }

// The reviewer console's preset reasons, as a reviewer sends them (in Chinese).
const REJECTION_REASONS = ['证件资料不清晰或不完整，请补充清晰的证件后重新申请。', '无法确认申请人为该号码的实名登记人本人。'] as const;
/** Most frequent first, as the live dashboard tends to count them. */
const BLOCKER_CODES = ['arrears', 'contract_lock_in', 'bundle_primary', 'port_out_pending', 'lost_or_suspended'] as const satisfies ReadonlyArray<(typeof STORE_ONLY_CONDITIONS)[number]>;

interface Planned {
  lineId: string; customerId: string; carrier: CarrierCode; msisdn: string; status: RequestStatus; channel: RequestChannel;
  createdAt: Date; decidedAt: Date | null; completedAt: Date | null; rejectionReason: string | null; quote: Quote;
  steps: Record<string, boolean> | null;
}

export async function seedDemoHistory(db: Kysely<DB>, opts: SeedHistoryOptions = {}): Promise<SeedHistoryResult> {
  const now = opts.now ?? new Date();
  const days = opts.days ?? 90;
  const rnd = createRandom(opts.seed ?? 1, 'history');
  const since = new Date(now.getTime() - days * DAY_MS);
  const result: SeedHistoryResult = { completed: 0, rejected: 0, withdrawn: 0, blockers: 0 };
  const seeded = await db.selectFrom('cancellation_requests').select('id').where(sql<boolean>`details->>'demoHistory' = 'true'`).limit(1).executeTakeFirst();
  if (seeded) return result; // once per installation

  const generated = db.selectFrom('lines as l')
    .where('l.company_id', 'is', null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('demo_scenarios as d').select('d.customer_id').whereRef('d.customer_id', '=', 'l.customer_id'))))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('cancellation_requests as r').select('r.id').whereRef('r.line_id', '=', 'l.id'))));
  const cancelled = await generated.select(['l.id', 'l.customer_id', 'l.carrier', 'l.msisdn', 'l.cancelled_at'])
    .where('l.status', '=', 'cancelled').where('l.cancelled_at', '>=', since).where('l.cancelled_at', '<', now)
    .orderBy('l.id').execute();
  const unfinishedWanted = Math.round(days * (opts.unfinishedPerDay ?? 1.5));
  const live = await generated.select(['l.id', 'l.customer_id', 'l.carrier', 'l.msisdn'])
    .where('l.status', '=', 'active').where('l.bundle_role', '=', 'none')
    .orderBy(sql`md5(l.id::text)`).limit(unfinishedWanted).execute();

  const planned: Planned[] = [];
  for (const l of cancelled) {
    const completedAt = new Date(l.cancelled_at!);
    const channel: RequestChannel = rnd.chance(0.6) ? 'online' : 'store';
    // Online: submitted, reviewed within the day (some late), carried out within the hour after.
    const reviewHours = channel === 'online' ? rnd.weighted([[rnd.int(1, 8), 0.8], [rnd.int(9, 30), 0.2]] as const) : 0;
    const executeMs = rnd.int(2, 50) * 60_000;
    const decidedAt = new Date(completedAt.getTime() - executeMs);
    const createdAt = new Date(decidedAt.getTime() - reviewHours * HOUR_MS - rnd.int(0, 59) * 60_000);
    const { quote, line } = await quoteAsItWas(db, l.id, channel, createdAt);
    planned.push({ lineId: l.id, customerId: l.customer_id, carrier: l.carrier, msisdn: l.msisdn, status: 'completed', channel, createdAt, decidedAt, completedAt, rejectionReason: null, quote, steps: applicableSteps({ line, refundFen: quote.refund.refundableFen, companions: [] }) });
  }
  for (const l of live) {
    const createdAt = new Date(since.getTime() + rnd.int(0, days * 24 - 30) * HOUR_MS + rnd.int(0, 59) * 60_000);
    const { quote } = await quoteAsItWas(db, l.id, 'online', createdAt);
    const rejected = rnd.chance(0.55);
    const decidedAt = new Date(createdAt.getTime() + rnd.int(1, 20) * HOUR_MS);
    planned.push({
      lineId: l.id, customerId: l.customer_id, carrier: l.carrier, msisdn: l.msisdn, status: rejected ? 'rejected' : 'withdrawn', channel: 'online',
      createdAt, decidedAt: rejected ? decidedAt : null, completedAt: null, rejectionReason: rejected ? rnd.pick(REJECTION_REASONS) : null, quote, steps: null,
    });
  }

  const reviewer = await db.selectFrom('staff').select('id').where('username', '=', 'reviewer').executeTakeFirst();
  const clerk = await db.selectFrom('staff').select(['id', 'store_id']).where('username', '=', 'clerk').executeTakeFirst();
  const settings = new Map((await db.selectFrom('carriers').select(['code', 'settings']).execute()).map((c) => [c.code, c.settings as { reviewSlaHours: number }]));

  await db.transaction().execute(async (trx) => {
    for (const p of planned) {
      const inserted = await trx.insertInto('cancellation_requests').values({
        id: sql<string>`gen_random_uuid()`, reference: newRequestReference(), line_id: p.lineId, customer_id: p.customerId, carrier: p.carrier, channel: p.channel, status: p.status,
        quote_version: p.quote.version, quote: JSON.stringify(p.quote), acknowledgements: JSON.stringify(p.quote.requiredAcknowledgements),
        refund_route: JSON.stringify({ type: 'original' }), refund_route_secret_enc: null,
        bill_total_fen: p.quote.bill.totalFen, refund_fen: p.quote.refund.refundableFen,
        sla_due_at: p.channel === 'online' ? new Date(p.createdAt.getTime() + (settings.get(p.carrier)?.reviewSlaHours ?? 24) * HOUR_MS) : null,
        rejection_reason: p.rejectionReason, decided_by: p.decidedAt && p.channel === 'online' ? reviewer?.id ?? null : null, decided_at: p.decidedAt,
        store_id: p.channel === 'store' ? clerk?.store_id ?? null : null, clerk_id: p.channel === 'store' ? clerk?.id ?? null : null,
        details: JSON.stringify({ demoHistory: true }), certificate_serial: null,
        created_at: p.createdAt, updated_at: p.completedAt ?? p.decidedAt ?? new Date(p.createdAt.getTime() + 2 * HOUR_MS), completed_at: p.completedAt,
      }).onConflict((oc) => oc.column('reference').doNothing()).returning('id').executeTakeFirst();
      if (!inserted) continue;
      const events = timeline(p, reviewer?.id ?? null, clerk?.id ?? null);
      await trx.insertInto('request_events').values(events.map((e) => ({ request_id: inserted.id, ...e }))).execute();
      if (p.steps) {
        const steps = p.steps;
        await trx.insertInto('execution_steps').values(STEP_ORDER.map((step, position) => ({
          request_id: inserted.id, step, position, status: step !== 'certificate' && steps[step] ? ('done' as const) : ('skipped' as const),
          attempts: step !== 'certificate' && steps[step] ? 1 : 0, last_error: null, result: null, updated_at: p.completedAt!,
        }))).execute();
      }
      result[p.status as 'completed' | 'rejected' | 'withdrawn']++;
    }
    // What blocked quotes along the way: a few a day, most often arrears, as the live dashboard counts them.
    const blockerRows = [];
    for (let d = 0; d < days; d++) {
      for (let i = rnd.int(0, 4); i > 0; i--) {
        blockerRows.push({
          quoted_at: new Date(since.getTime() + d * DAY_MS + rnd.int(0, DAY_MS / 1000 - 1) * 1000),
          carrier: rnd.pick(['cmcc', 'cucc', 'ctcc', 'cbn'] as const), channel: rnd.chance(0.7) ? 'online' as const : 'store' as const,
          code: rnd.weighted(BLOCKER_CODES.map((c, k) => [c, BLOCKER_CODES.length - k] as const)),
        });
      }
    }
    if (blockerRows.length) await trx.insertInto('quote_blockers').values(blockerRows).execute();
    result.blockers = blockerRows.length;
  });
  return result;
}

/** The quote the request was made on: the real rules over the line's facts, the line as it was before it left. */
async function quoteAsItWas(db: Kysely<DB>, lineId: string, channel: RequestChannel, at: Date): Promise<{ quote: Quote; line: Line }> {
  const facts = await loadQuoteFacts(db, { lineId, channel, acceptPenalty: true, now: at });
  const line: Line = { ...facts.line, status: 'active', cancelled_at: null };
  return { quote: composeQuote({ ...facts, line }, 'zh-CN'), line };
}

function timeline(p: Planned, reviewerId: string | null, clerkId: string | null) {
  const at = (d: Date) => d;
  if (p.channel === 'store') {
    return [
      { from_status: null, to_status: 'approved' as const, at: at(p.createdAt), actor_kind: 'staff', actor_id: clerkId, note: null },
      { from_status: 'approved' as const, to_status: 'executing' as const, at: at(new Date(p.createdAt.getTime() + 1000)), actor_kind: 'worker', actor_id: null, note: null },
      { from_status: 'executing' as const, to_status: 'completed' as const, at: at(p.completedAt!), actor_kind: 'worker', actor_id: null, note: null },
    ];
  }
  const submitted = { from_status: null, to_status: 'pending_review' as const, at: at(p.createdAt), actor_kind: 'subscriber', actor_id: p.customerId, note: null };
  if (p.status === 'withdrawn') {
    return [submitted, { from_status: 'pending_review' as const, to_status: 'withdrawn' as const, at: at(new Date(p.createdAt.getTime() + 2 * HOUR_MS)), actor_kind: 'subscriber', actor_id: p.customerId, note: null }];
  }
  if (p.status === 'rejected') {
    return [submitted, { from_status: 'pending_review' as const, to_status: 'rejected' as const, at: at(p.decidedAt!), actor_kind: 'staff', actor_id: reviewerId, note: p.rejectionReason }];
  }
  return [
    submitted,
    { from_status: 'pending_review' as const, to_status: 'approved' as const, at: at(p.decidedAt!), actor_kind: 'staff', actor_id: reviewerId, note: null },
    { from_status: 'approved' as const, to_status: 'executing' as const, at: at(new Date(p.decidedAt!.getTime() + 1000)), actor_kind: 'worker', actor_id: null, note: null },
    { from_status: 'executing' as const, to_status: 'completed' as const, at: at(p.completedAt!), actor_kind: 'worker', actor_id: null, note: null },
  ];
}
