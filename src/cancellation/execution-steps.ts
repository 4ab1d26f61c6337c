// The steps that carry out an approved cancellation, in order. Each step may call one outside
// system with a stable idempotency key (`<requestId>:<step>`), then applies its local effects in a
// transaction that also marks the step done, so a step that already finished is never repeated and
// a step interrupted half-way is safe to run again.
import { sql, type Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import { bulkInsert } from '../db/bulk-insert.ts';
import type { CarrierSettings, DB, Line } from '../db/schema.ts';
import { cancelEsimProfile } from '../esim/cancel-esim-profile.ts';
import { issueCertificate, prepareCertificate } from '../certificates/issue-certificate.ts';
import type { PayoutRoute } from '../adapters/index.ts';
import { formatYuan } from '../billing/final-bill.ts';
import { isLastLiveLine, linesKeepingBalance, loadAccountShare } from '../billing/account-share.ts';
import { AttentionError } from './attention.ts';
import { sendSms, sendSmsInBulk } from '../notifications/send-sms.ts';
import { receivesStatusSms } from './notify-status.ts';
import { formatRequestReference, requestLink } from './request-reference.ts';

export type StepName =
  | 'final_bill' | 'esim_profile' | 'companion_devices' | 'network_deprovision' | 'refund' | 'number_freeze' | 'certificate';

export const STEP_ORDER: StepName[] = ['final_bill', 'esim_profile', 'companion_devices', 'network_deprovision', 'refund', 'number_freeze', 'certificate'];

export interface ExecRequest {
  id: string;
  /** 受理编号 (null only on requests made before references existed). */
  reference: string | null;
  /** Whether the person left an e-mail address for the certificate. */
  hasContactEmail: boolean;
  line: Line;
  billTotalFen: number;
  refundFen: number;
  refundRoute: Record<string, unknown>;
  refundRouteSecretEnc: string | null;
  settings: CarrierSettings;
  companions: Array<{ id: string; iccid: string }>;
  storeId: string | null;
  paymentChannel: string;
}

/** Which steps apply to this request; the others are recorded as skipped. */
export function applicableSteps(r: Pick<ExecRequest, 'line' | 'refundFen' | 'companions'>): Record<StepName, boolean> {
  return {
    final_bill: true,
    esim_profile: r.line.form_factor === 'esim',
    companion_devices: r.companions.length > 0,
    network_deprovision: true,
    refund: r.refundFen > 0,
    number_freeze: true,
    certificate: true,
  };
}

type LocalEffect = (trx: Transaction<DB>) => Promise<unknown>;
/** What a step's outside call returned, and its local effects to apply with the step's mark. */
export interface StepCall { result: unknown; local?: LocalEffect }
/**
 * What a caller running many requests together has done for a step already: a fleet chunk writes
 * the chunk's last notices in one statement (sendLastNotices) before the network calls. The single
 * path passes none.
 */
export interface StepOptions { lastNoticeSent?: boolean }
type Step = (ctx: AppContext, r: ExecRequest, key: string, opts?: StepOptions) => Promise<StepCall>;

const ledger = (trx: Transaction<DB>, e: { accountId: string; requestId: string; kind: 'final_bill' | 'refund'; amountFen: number; key: string; reference?: string }) =>
  trx.insertInto('ledger_entries').values({
    account_id: e.accountId, request_id: e.requestId, kind: e.kind, amount_fen: e.amountFen, idempotency_key: e.key, reference: e.reference ?? null,
  }).onConflict((oc) => oc.column('idempotency_key').doNothing()).execute();

export const STEPS: Record<StepName, Step> = {
  // The final bill is charged against the cash balance (the quote made sure it covers it).
  async final_bill(_ctx, r, key) {
    return {
      result: { billTotalFen: r.billTotalFen },
      local: async (trx) => {
        if (r.billTotalFen === 0) return;
        if (!(await debit(trx, r.line.account_id, r.billTotalFen))) {
          throw new AttentionError('final_bill_exceeds_balance',
            `The account no longer holds the final bill of ${formatYuan(r.billTotalFen)} (its cash balance went down after submission). Collect the difference from the customer, then retry; or resolve by hand.`);
        }
        await ledger(trx, { accountId: r.line.account_id, requestId: r.id, kind: 'final_bill', amountFen: -r.billTotalFen, key });
      },
    };
  },

  // SM-DP+: a profile never installed is cancelled there (Unavailable, so its ICCID is never reused);
  // an installed one cannot be removed by the operator and goes dead once the network forgets it.
  async esim_profile(ctx, r, key) {
    const outcome = await cancelEsimProfile(ctx.adapters.es2plus, {
      iccid: r.line.iccid,
      recordedState: r.line.esim_profile_state === 'installed' ? 'installed' : 'not_installed',
      ...(r.line.eid ? { eid: r.line.eid } : {}),
      idempotencyKey: key,
    });
    return {
      result: outcome,
      local: async (trx) => {
        await trx.insertInto('esim_events').values({ line_id: r.line.id, iccid: r.line.iccid, event: outcome.outcome, details: JSON.stringify(outcome) }).execute();
        if (outcome.outcome !== 'installed_profile_dead_on_device') {
          await trx.updateTable('lines').set({ esim_profile_state: 'unavailable' }).where('id', '=', r.line.id).execute();
        }
      },
    };
  },

  // Watches and other eSIM companions sharing the number stop first.
  async companion_devices(ctx, r, key) {
    const results = [];
    for (const c of r.companions) {
      results.push(await ctx.adapters.network.stopCompanion({ msisdn: r.line.msisdn, companionIccid: c.iccid, idempotencyKey: `${key}:${c.id}` }));
    }
    return {
      result: results,
      local: async (trx) => {
        await trx.updateTable('companion_devices').set({ status: 'stopped' }).where('line_id', '=', r.line.id).execute();
      },
    };
  },

  // The subscriber record leaves the HLR/HSS: from here on the line is cancelled. The number hears
  // from us one last time first, with the reference and where to fetch the certificate later.
  // A data-only IoT SIM is sent no last notice (nobody reads it: receivesStatusSms).
  async network_deprovision(ctx, r, key, opts) {
    if (!opts?.lastNoticeSent && receivesStatusSms(r.line.msisdn)) await sendSms(ctx, lastNotice(ctx, r));
    const result = await ctx.adapters.network.deprovisionSubscriber({ imsi: r.line.imsi, msisdn: r.line.msisdn, idempotencyKey: key });
    return {
      result,
      local: async (trx) => {
        await trx.updateTable('lines').set((eb) => ({ status: 'cancelled', cancelled_at: new Date(), version: eb('version', '+', 1), updated_at: new Date() }))
          .where('id', '=', r.line.id).execute();
      },
    };
  },

  // Cash left after the final bill goes back by the chosen route, once it is sure the account still
  // holds it and no other line still uses it; the debit is conditional, so a balance never goes negative.
  async refund(ctx, r, key) {
    await assertRefundPayable(ctx, r);
    const route = r.refundRoute as { type: 'original' | 'bank' | 'line' | 'cash'; lineId?: string };
    const debitOrStop = async (trx: Transaction<DB>) => {
      if (!(await debit(trx, r.line.account_id, r.refundFen))) throw refundExceedsBalance(r);
    };
    if (route.type === 'line') {
      return {
        result: { route: 'line', lineId: route.lineId },
        local: async (trx) => {
          const target = await trx.selectFrom('lines').select('account_id').where('id', '=', route.lineId!).executeTakeFirstOrThrow();
          await debitOrStop(trx);
          await ledger(trx, { accountId: r.line.account_id, requestId: r.id, kind: 'refund', amountFen: -r.refundFen, key });
          await ledger(trx, { accountId: target.account_id, requestId: r.id, kind: 'refund', amountFen: r.refundFen, key: `${key}:credit` });
          await trx.updateTable('billing_accounts').set((eb) => ({ cash_balance_fen: eb('cash_balance_fen', '+', r.refundFen), version: eb('version', '+', 1), updated_at: new Date() })).where('id', '=', target.account_id).execute();
        },
      };
    }
    const secret = r.refundRouteSecretEnc ? (JSON.parse(ctx.vault.decrypt(r.refundRouteSecretEnc)) as { bankAccount: string; accountName: string; bankName: string }) : null;
    const payoutRoute: PayoutRoute = route.type === 'bank'
      ? { type: 'bank', bankName: secret!.bankName, accountNumber: secret!.bankAccount, accountName: secret!.accountName }
      : route.type === 'cash'
        ? { type: 'cash', storeCode: r.storeId ?? 'unknown' }
        : { type: 'original', paymentId: `${r.paymentChannel}:${r.line.account_id}` };
    const paid = await ctx.adapters.payouts.payout({ amountFen: r.refundFen, route: payoutRoute, reference: r.id, idempotencyKey: key });
    return {
      result: paid,
      local: async (trx) => {
        await debitOrStop(trx);
        await ledger(trx, { accountId: r.line.account_id, requestId: r.id, kind: 'refund', amountFen: -r.refundFen, key, reference: paid.payoutId });
      },
    };
  },

  // The number rests for the carrier's freeze period; the former owner may recover it meanwhile.
  async number_freeze(ctx, r) {
    const frozenUntil = new Date(ctx.now().getTime() + r.settings.freezeDays * 86_400_000);
    return {
      result: { frozenUntil: frozenUntil.toISOString() },
      local: async (trx) => {
        await trx.insertInto('number_pool').values({
          msisdn: r.line.msisdn, carrier: r.line.carrier, state: 'frozen', line_id: r.line.id, former_customer_id: r.line.customer_id, frozen_until: frozenUntil,
        }).onConflict((oc) => oc.column('msisdn').doUpdateSet({
          state: 'frozen', line_id: r.line.id, former_customer_id: r.line.customer_id, frozen_until: frozenUntil, updated_at: new Date(),
        })).execute();
      },
    };
  },

  async certificate(ctx, r) {
    // Rendered, signed and time-stamped (the TSA call) before the transaction that stores it.
    const prepared = await prepareCertificate(ctx, ctx.db, r.id, ctx.now());
    return {
      result: null,
      local: async (trx) => {
        const serial = await issueCertificate(ctx, trx, r.id, ctx.now(), prepared);
        await trx.updateTable('cancellation_requests').set({ certificate_serial: serial }).where('id', '=', r.id).execute();
        return serial;
      },
    };
  },
};

export const stepKey = (requestId: string, step: StepName) => `${requestId}:${step}`;

/** Steps that call an outside system (a fleet chunk throttles these per carrier: src/fleet/carrier-throttle.ts). */
export const OUTSIDE_STEPS: ReadonlySet<StepName> = new Set<StepName>(['esim_profile', 'companion_devices', 'network_deprovision', 'refund', 'certificate']);

/** A step's local effects for many requests at once, given each request and the result its call returned. */
export type BulkLocalEffect = (trx: Transaction<DB>, done: ReadonlyArray<{ r: ExecRequest; result: unknown }>) => Promise<void>;

/**
 * For a fleet chunk: the local effects of the steps whose effects are plain writes, in one statement
 * or two for the whole chunk instead of one or two per line. Each writes exactly the rows its step's
 * `local` writes (test/integration/fleet-bulk.test.ts compares them). Steps not listed (money moves
 * that may stop a request, the certificate) run their `local` once per line.
 */
export const BULK_LOCAL: Partial<Record<StepName, BulkLocalEffect>> = {
  // One conditional debit per account for the bills of its lines (version moved once per line, as
  // line by line): an account that cannot pay them all stops the chunk's transaction, and the caller
  // then takes each line's bill alone, so the lines it can pay are paid and the others stop as they would.
  async final_bill(trx, done) {
    const billed = done.filter(({ r }) => r.billTotalFen > 0).map(({ r }) => r);
    if (billed.length === 0) return;
    const perAccount = new Map<string, { total: number; n: number }>();
    for (const r of billed) {
      const a = perAccount.get(r.line.account_id) ?? { total: 0, n: 0 };
      perAccount.set(r.line.account_id, { total: a.total + r.billTotalFen, n: a.n + 1 });
    }
    const accounts = [...perAccount.keys()];
    const { rows } = await sql<{ id: string }>`
      UPDATE billing_accounts a SET cash_balance_fen = a.cash_balance_fen - v.total, version = a.version + v.n, updated_at = now()
      FROM unnest(${accounts}::uuid[], ${accounts.map((a) => perAccount.get(a)!.total)}::bigint[], ${accounts.map((a) => perAccount.get(a)!.n)}::integer[]) AS v(id, total, n)
      WHERE a.id = v.id AND a.cash_balance_fen >= v.total
      RETURNING a.id`.execute(trx);
    if (rows.length !== accounts.length) throw new Error('final_bill: an account cannot pay the bills of all its lines in the chunk');
    await bulkInsert(trx, 'ledger_entries', billed.map((r) => ({
      account_id: r.line.account_id, request_id: r.id, kind: 'final_bill' as const, amount_fen: -r.billTotalFen, idempotency_key: stepKey(r.id, 'final_bill'), reference: null,
    })), 5000, { onConflictDoNothing: ['idempotency_key'] });
  },

  async esim_profile(trx, done) {
    const outcomes = done.map(({ r, result }) => ({ r, outcome: result as Awaited<ReturnType<typeof cancelEsimProfile>> }));
    await bulkInsert(trx, 'esim_events', outcomes.map(({ r, outcome }) => ({ line_id: r.line.id, iccid: r.line.iccid, event: outcome.outcome, details: JSON.stringify(outcome) })));
    const unavailable = outcomes.filter(({ outcome }) => outcome.outcome !== 'installed_profile_dead_on_device').map(({ r }) => r.line.id);
    if (unavailable.length) await trx.updateTable('lines').set({ esim_profile_state: 'unavailable' }).where('id', '=', sql<string>`any(${unavailable}::uuid[])`).execute();
  },

  async network_deprovision(trx, done) {
    await trx.updateTable('lines').set((eb) => ({ status: 'cancelled', cancelled_at: new Date(), version: eb('version', '+', 1), updated_at: new Date() }))
      .where('id', '=', sql<string>`any(${done.map(({ r }) => r.line.id)}::uuid[])`).execute();
  },

  async number_freeze(trx, done) {
    await bulkInsert(trx, 'number_pool', done.map(({ r, result }) => ({
      msisdn: r.line.msisdn, carrier: r.line.carrier, state: 'frozen' as const, line_id: r.line.id, former_customer_id: r.line.customer_id,
      frozen_until: new Date((result as { frozenUntil: string }).frozenUntil),
    })), 5000, { onConflictUpdate: { target: ['msisdn'], columns: ['state', 'line_id', 'former_customer_id', 'frozen_until'], touch: true } });
  },
};

/** Takes `amountFen` from the account's cash only if it is there; false (nothing changed) otherwise. */
async function debit(trx: Transaction<DB>, accountId: string, amountFen: number): Promise<boolean> {
  const r = await trx.updateTable('billing_accounts')
    .set((eb) => ({ cash_balance_fen: eb('cash_balance_fen', '-', amountFen), version: eb('version', '+', 1), updated_at: new Date() }))
    .where('id', '=', accountId).where('cash_balance_fen', '>=', amountFen).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

const refundExceedsBalance = (r: ExecRequest) => new AttentionError('refund_exceeds_balance',
  `The refund of ${formatYuan(r.refundFen)} promised at submission is more than the account can pay now (its cash balance, less what other requests on it hold, went down). Nothing was paid from the ledger. Check the account's ledger, then retry or resolve by hand.`);

/**
 * Before any money leaves: the line must still be the last one using the account (a sibling whose
 * cancellation was withdrawn or rejected uses the balance again), and the account must still hold
 * the promised refund on top of what other live requests hold.
 */
async function assertRefundPayable(ctx: AppContext, r: ExecRequest): Promise<void> {
  const [share, account] = await Promise.all([
    loadAccountShare(ctx.db, { accountId: r.line.account_id, lineId: r.line.id, excludeRequestId: r.id }),
    ctx.db.selectFrom('billing_accounts').select('cash_balance_fen').where('id', '=', r.line.account_id).executeTakeFirstOrThrow(),
  ]);
  if (!isLastLiveLine(share)) {
    const tails = linesKeepingBalance(share).map((l) => l.msisdn.slice(-4)).join(', ');
    throw new AttentionError('account_still_in_use',
      `Another line on this account (ending ${tails}) is in use again, so the refund of ${formatYuan(r.refundFen)} would take the balance it draws on. Nothing was paid. Retry once that line is cancelled too, or resolve by hand.`);
  }
  if (account.cash_balance_fen - share.reservedFen < r.refundFen) throw refundExceedsBalance(r);
}

/** The last notice of network_deprovision (the same key whoever sends it: a repeat sends once). */
const lastNotice = (ctx: AppContext, r: ExecRequest) => ({ to: r.line.msisdn, text: lastNoticeText(ctx.config.publicBaseUrl, r), idempotencyKey: `${r.id}:last_notice` });

/**
 * The last notices of many requests before their network step (a fleet chunk), as
 * network_deprovision sends each: the same messages and keys, none to an IoT number. In dev mode
 * they land in the dev outbox in ONE statement (instead of one INSERT and commit per line), and
 * true is returned: the step is then run with `lastNoticeSent`. Otherwise nothing is done and false
 * is returned: each goes through the SMS adapter inside its step, an outside call per line.
 */
export async function sendLastNotices(ctx: AppContext, rs: readonly ExecRequest[]): Promise<boolean> {
  return sendSmsInBulk(ctx, rs.filter((r) => receivesStatusSms(r.line.msisdn)).map((r) => lastNotice(ctx, r)));
}

/** The last SMS the number receives: it stops receiving anything once the network forgets it. */
export function lastNoticeText(publicBaseUrl: string, r: Pick<ExecRequest, 'line' | 'reference' | 'hasContactEmail'>): string {
  const tail = r.line.msisdn.slice(-4);
  if (!r.reference) {
    return `【注销服务】尾号${tail}的号码正在注销，此后将无法接收短信。The line ending ${tail} is being cancelled and will stop receiving SMS.`;
  }
  const ref = formatRequestReference(r.reference);
  const link = requestLink(publicBaseUrl, r.reference);
  return `【注销服务】尾号${tail}的号码正在注销，此后本号码将无法接收短信。受理编号 ${ref}，凭受理编号和证件号后6位可在 ${link} 下载注销证明${r.hasContactEmail ? '，证明也将发送到您留下的邮箱' : ''}。`
    + ` The line ending ${tail} is being cancelled and will stop receiving SMS. Reference ${ref}: download the certificate at the link above with the last 6 characters of your ID.`;
}
