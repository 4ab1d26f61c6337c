// The steps that carry out an approved cancellation, in order. Each step may call one outside
// system with a stable idempotency key (`<requestId>:<step>`), then applies its local effects in a
// transaction that also marks the step done, so a step that already finished is never repeated and
// a step interrupted half-way is safe to run again.
import type { Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { CarrierSettings, DB, Line } from '../db/schema.ts';
import { cancelEsimProfile } from '../esim/cancel-esim-profile.ts';
import { issueCertificate } from '../certificates/issue-certificate.ts';
import type { PayoutRoute } from '../adapters/index.ts';

export type StepName =
  | 'final_bill' | 'esim_profile' | 'companion_devices' | 'network_deprovision' | 'refund' | 'number_freeze' | 'certificate';

export const STEP_ORDER: StepName[] = ['final_bill', 'esim_profile', 'companion_devices', 'network_deprovision', 'refund', 'number_freeze', 'certificate'];

export interface ExecRequest {
  id: string;
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
type Step = (ctx: AppContext, r: ExecRequest, key: string) => Promise<{ result: unknown; local?: LocalEffect }>;

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
        await ledger(trx, { accountId: r.line.account_id, requestId: r.id, kind: 'final_bill', amountFen: -r.billTotalFen, key });
        await trx.updateTable('billing_accounts')
          .set((eb) => ({ cash_balance_fen: eb('cash_balance_fen', '-', r.billTotalFen), version: eb('version', '+', 1), updated_at: new Date() }))
          .where('id', '=', r.line.account_id).execute();
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

  // The subscriber record leaves the HLR/HSS: from here on the line is cancelled.
  async network_deprovision(ctx, r, key) {
    const result = await ctx.adapters.network.deprovisionSubscriber({ imsi: r.line.imsi, msisdn: r.line.msisdn, idempotencyKey: key });
    return {
      result,
      local: async (trx) => {
        await trx.updateTable('lines').set((eb) => ({ status: 'cancelled', cancelled_at: new Date(), version: eb('version', '+', 1), updated_at: new Date() }))
          .where('id', '=', r.line.id).execute();
      },
    };
  },

  // Cash left after the final bill goes back by the chosen route.
  async refund(ctx, r, key) {
    const route = r.refundRoute as { type: 'original' | 'bank' | 'line' | 'cash'; lineId?: string };
    if (route.type === 'line') {
      return {
        result: { route: 'line', lineId: route.lineId },
        local: async (trx) => {
          const target = await trx.selectFrom('lines').select('account_id').where('id', '=', route.lineId!).executeTakeFirstOrThrow();
          await ledger(trx, { accountId: r.line.account_id, requestId: r.id, kind: 'refund', amountFen: -r.refundFen, key });
          await ledger(trx, { accountId: target.account_id, requestId: r.id, kind: 'refund', amountFen: r.refundFen, key: `${key}:credit` });
          await trx.updateTable('billing_accounts').set((eb) => ({ cash_balance_fen: eb('cash_balance_fen', '-', r.refundFen), version: eb('version', '+', 1) })).where('id', '=', r.line.account_id).execute();
          await trx.updateTable('billing_accounts').set((eb) => ({ cash_balance_fen: eb('cash_balance_fen', '+', r.refundFen), version: eb('version', '+', 1) })).where('id', '=', target.account_id).execute();
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
        await ledger(trx, { accountId: r.line.account_id, requestId: r.id, kind: 'refund', amountFen: -r.refundFen, key, reference: paid.payoutId });
        await trx.updateTable('billing_accounts').set((eb) => ({ cash_balance_fen: eb('cash_balance_fen', '-', r.refundFen), version: eb('version', '+', 1) })).where('id', '=', r.line.account_id).execute();
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
    return {
      result: null,
      local: async (trx) => {
        const serial = await issueCertificate(ctx, trx, r.id, ctx.now());
        await trx.updateTable('cancellation_requests').set({ certificate_serial: serial }).where('id', '=', r.id).execute();
        return serial;
      },
    };
  },
};

export const stepKey = (requestId: string, step: StepName) => `${requestId}:${step}`;
