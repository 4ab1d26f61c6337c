// Demo numbers that were recycled (二次放号): a generated line cancelled long enough ago that its
// freeze ended, and the number given since to someone else, as a new line on that person's account.
// So CAMARA Number Recycling (src/camara) has numbers whose answer is true. Runs after the generated
// customers; adds lines only (no customers, accounts or scenarios), deterministically.
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../schema.ts';
import { makeIccid } from '../../identifiers/index.ts';
import { stableUuid } from './rows.ts';

export const RECYCLED_DEMO_NUMBERS = 3;

const chinaDay = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/** Digits from a name, for identifiers that must not depend on the run. */
function stableDigits(name: string, n: number): string {
  let out = '';
  for (let i = 0; out.length < n; i++) out += BigInt(`0x${crypto.createHash('sha256').update(`${name}:${i}`).digest('hex')}`).toString().slice(0, 20);
  return out.slice(0, n);
}

/** Returns how many lines it added. */
export async function seedRecycledNumbers(db: Kysely<DB>, now: Date, count = RECYCLED_DEMO_NUMBERS): Promise<number> {
  const old = await db.selectFrom('lines as l').innerJoin('number_pool as p', 'p.line_id', 'l.id').innerJoin('customers as c', 'c.id', 'l.customer_id')
    .select(['l.id', 'l.msisdn', 'l.carrier', 'l.imsi', 'l.customer_id', 'c.id_blind', 'p.frozen_until'])
    .where('l.status', '=', 'cancelled').where('l.mvno_code', 'is', null).where('p.state', '=', 'frozen').where('p.frozen_until', '<', new Date(now.getTime() - 14 * 86_400_000))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('demo_scenarios as s').select('s.scenario').whereRef('s.customer_id', '=', 'l.customer_id'))))
    .orderBy('l.msisdn').limit(count).execute();
  const usedOwners = new Set<string>();
  let added = 0;
  for (const o of old) {
    // The new owner: another person with a plain live line at the same carrier; the number joins their account.
    const owners = await db.selectFrom('lines as l').innerJoin('customers as c', 'c.id', 'l.customer_id')
      .select(['l.customer_id', 'l.account_id', 'l.iccid', 'l.home_province', 'l.plan_name', 'l.monthly_fee_fen'])
      .where('l.carrier', '=', o.carrier).where('l.status', '=', 'active').where('l.mvno_code', 'is', null).where('l.form_factor', '=', 'physical')
      .where('l.bundle_role', '=', 'none').where('c.kind', '=', 'person').where('c.deceased', '=', false).where('c.id_blind', '<>', o.id_blind)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('demo_scenarios as s').select('s.scenario').whereRef('s.customer_id', '=', 'l.customer_id'))))
      .orderBy('l.msisdn').limit(count * 4).execute();
    const owner = owners.find((w) => !usedOwners.has(w.customer_id));
    if (!owner) continue;
    usedOwners.add(owner.customer_id);
    const id = stableUuid(`zhuxiao demo recycled line:${o.msisdn}`);
    // Given to the new owner a week after the freeze ended.
    const issued = new Date(o.frozen_until!.getTime() + 7 * 86_400_000);
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('lines').values({
        id, customer_id: owner.customer_id, account_id: owner.account_id, carrier: o.carrier, mvno_code: null, sold_by: 'carrier',
        msisdn: o.msisdn, imsi: `${o.imsi.slice(0, 5)}${stableDigits(`imsi:${o.msisdn}`, 10)}`,
        iccid: makeIccid(owner.iccid.slice(0, 6), stableDigits(`iccid:${o.msisdn}`, owner.iccid.length === 20 ? 13 : 12)),
        form_factor: 'physical', eid: null, esim_profile_state: null, device_label: null, status: 'active', home_province: owner.home_province,
        plan_name: owner.plan_name, monthly_fee_fen: owner.monthly_fee_fen, usage_to_date_fen: 0, contract_end: null, penalty_fen: 0,
        bundle_role: 'none', bundle_parent_id: null, has_broadband: false, port_out_status: 'none', store_only_reason: null,
        activated_at: chinaDay(issued), cancelled_at: null,
      }).execute();
      // Released when the freeze ended, then assigned: the pool now points at the new line.
      await trx.updateTable('number_pool').set({ state: 'assigned', line_id: id, former_customer_id: null, frozen_until: null, updated_at: issued })
        .where('msisdn', '=', o.msisdn).execute();
    });
    added += 1;
  }
  return added;
}
