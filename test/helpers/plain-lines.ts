// Plain lines of generated demo customers (not the scenario people) for tests that need many
// independent subscribers: carrier-sold, physical, active, owned by a living person, with no
// condition in the way, alone on its billing account (so its cancellation settles the account),
// funded so the final bill is covered and a refund is due.
import assert from 'node:assert/strict';
import { ApiClient } from './api.ts';
import type { TestApp } from './context.ts';

export interface PlainLine { api: ApiClient; lineId: string; msisdn: string; customerId: string; accountId: string; carrier: string }

/** Signs in as the owner of a line the way a subscriber does: SMS code from the outbox, then the ID tail. */
export async function signInAs(t: TestApp, msisdn: string): Promise<ApiClient> {
  const api = new ApiClient(t.app);
  assert.equal((await api.post('auth/sms-code', { msisdn })).status, 202);
  const outbox = await api.get(`dev/outbox?to=${encodeURIComponent(msisdn)}&limit=1`);
  const code = /\b(\d{6})\b/.exec(outbox.body.messages[0].text)![1];
  assert.equal((await api.post('auth/sign-in', { msisdn, code })).status, 200);
  const owner = await t.ctx.db.selectFrom('lines as l').innerJoin('customers as c', 'c.id', 'l.customer_id').select('c.id_number_enc')
    .where('l.msisdn', '=', msisdn).where('l.status', '<>', 'cancelled').executeTakeFirstOrThrow();
  const rn = await api.post('auth/real-name', { idLast6: t.ctx.vault.decrypt(owner.id_number_enc).slice(-6) });
  assert.equal(rn.status, 200, JSON.stringify(rn.body));
  return api;
}

/** n plain lines, one per person, never one whose owner is in `taken` (which it extends). */
export async function plainLines(t: TestApp, n: number, taken: Set<string>): Promise<PlainLine[]> {
  const today = new Date(t.ctx.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  const rows = await t.ctx.db.selectFrom('lines as l').innerJoin('billing_accounts as a', 'a.id', 'l.account_id')
    .innerJoin('customers as cu', 'cu.id', 'l.customer_id')
    .select(['l.id', 'l.msisdn', 'l.customer_id', 'l.account_id', 'l.carrier'])
    .where('l.status', '=', 'active').where('l.sold_by', '=', 'carrier').where('l.form_factor', '=', 'physical')
    .where('l.bundle_role', '=', 'none').where('l.has_broadband', '=', false).where('l.port_out_status', '=', 'none')
    .where('l.store_only_reason', 'is', null).where('a.arrears_fen', '=', 0)
    .where('cu.kind', '=', 'person').where('cu.deceased', '=', false)
    .where((eb) => eb.or([eb('l.contract_end', 'is', null), eb('l.contract_end', '<=', today)]))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('companion_devices as c').select('c.id').whereRef('c.line_id', '=', 'l.id'))))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('lines as o').select('o.id').whereRef('o.account_id', '=', 'l.account_id')
      .whereRef('o.id', '<>', 'l.id').where('o.status', '<>', 'cancelled'))))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('demo_scenarios as s').select('s.scenario').whereRef('s.customer_id', '=', 'l.customer_id'))))
    .orderBy('l.msisdn').limit(300).execute();
  const picked: typeof rows = [];
  for (const r of rows) {
    if (picked.length === n) break;
    if (taken.has(r.customer_id)) continue;
    taken.add(r.customer_id);
    picked.push(r);
  }
  assert.equal(picked.length, n, 'enough plain lines in the demo data');
  const out: PlainLine[] = [];
  for (const r of picked) {
    await t.ctx.db.updateTable('billing_accounts').set((eb) => ({ cash_balance_fen: 50_000, version: eb('version', '+', 1) })).where('id', '=', r.account_id).execute();
    out.push({ api: await signInAs(t, r.msisdn), lineId: r.id, msisdn: r.msisdn, customerId: r.customer_id, accountId: r.account_id, carrier: r.carrier });
  }
  return out;
}
