// Reference data and the demo-data generator, on an in-memory PGlite and, when DATABASE_URL is set,
// on a fresh PostgreSQL database created for the run (and dropped after it).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import type { Line } from '../../src/db/schema.ts';
import { createPiiVault, idLast6, normaliseIdNumber } from '../../src/identity/pii.ts';
import {
  DEMO_SCENARIOS,
  DEMO_SCENARIO_CUSTOMERS,
  DEMO_STAFF,
  seedDemoData,
  seedDemoStaff,
  type SeedDemoResult,
} from '../../src/db/seed/demo-data.ts';
import { DEFAULT_CARRIER_SETTINGS, MVNO_BRANDS, seedReferenceData } from '../../src/db/seed/reference-data.ts';
import { checkEid, checkIccid, checkImsi, checkMsisdn, checkResidentId, isLuhnValid } from '../../src/identifiers/index.ts';
import { PROVINCES, provinceName } from '../../src/lines/provinces.ts';

const CUSTOMERS = 300;
const NOW = new Date('2026-06-15T04:00:00Z');
const TODAY = '2026-06-15';
const vault = createPiiVault(Buffer.alloc(32, 7));

async function freshPglite(): Promise<Database> {
  const database = await openDatabase({ dataDir: 'memory://' });
  await migrateToLatest(database.db);
  return database;
}

/** A digest of every seeded row that must not depend on the run: ids, identifiers, amounts, dates, states. */
async function fingerprint(database: Database): Promise<{ all: string; msisdns: string }> {
  const { db } = database;
  const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v);
  const strip = (rows: Record<string, unknown>[], drop: string[]) =>
    rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !drop.includes(k)).map(([k, v]) => [k, iso(v)])));
  const parts = {
    customers: strip(await db.selectFrom('customers').selectAll().orderBy('id').execute(), ['name_enc', 'id_number_enc']),
    accounts: strip(await db.selectFrom('billing_accounts').selectAll().orderBy('id').execute(), ['updated_at']),
    lines: strip(await db.selectFrom('lines').selectAll().orderBy('id').execute(), ['updated_at']),
    companions: strip(await db.selectFrom('companion_devices').selectAll().orderBy('id').execute(), []),
    pool: strip(await db.selectFrom('number_pool').selectAll().orderBy('msisdn').execute(), ['updated_at']),
    scenarios: await db.selectFrom('demo_scenarios').selectAll().orderBy('scenario').execute(),
  };
  const sha = (v: unknown) => crypto.createHash('sha256').update(JSON.stringify(v)).digest('hex');
  const lines = parts.lines as Array<{ msisdn: string; iccid: string }>;
  return { all: sha(parts), msisdns: sha(lines.map((l) => [l.msisdn, l.iccid]).sort()) };
}

let reference: Promise<{ seed1: Awaited<ReturnType<typeof fingerprint>>; seed2: Awaited<ReturnType<typeof fingerprint>> }> | undefined;
/** Fingerprints of PGlite runs with the default batch size, seeds 1 and 2: what every other run is compared with. */
function referenceFingerprints() {
  reference ??= (async () => {
    const out = [];
    for (const seed of [1, 2]) {
      const database = await freshPglite();
      try {
        await seedDemoData(database.db, vault, { customers: CUSTOMERS, seed, now: NOW });
        out.push(await fingerprint(database));
      } finally {
        await database.close();
      }
    }
    return { seed1: out[0], seed2: out[1] };
  })();
  return reference;
}

interface Engine {
  name: string;
  open(): Promise<{ database: Database; dispose(): Promise<void> }>;
}

const engines: Engine[] = [
  {
    name: 'PGlite',
    async open() {
      const database = await freshPglite();
      return { database, dispose: () => database.close() };
    },
  },
];

if (process.env.DATABASE_URL) {
  const adminUrl = process.env.DATABASE_URL;
  engines.push({
    name: 'PostgreSQL',
    async open() {
      const name = `zx_seed_${crypto.randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const database = await openDatabase({ databaseUrl: url.toString() });
      await migrateToLatest(database.db);
      return {
        database,
        async dispose() {
          await database.close();
          const c = new pg.Client({ connectionString: adminUrl });
          await c.connect();
          await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await c.end();
        },
      };
    },
  });
}

/** The conditions a line shows, named like the scenarios that demonstrate them. */
async function conditionsOf(database: Database, line: Line): Promise<string[]> {
  const { db } = database;
  const account = await db.selectFrom('billing_accounts').selectAll().where('id', '=', line.account_id).executeTakeFirstOrThrow();
  const customer = await db.selectFrom('customers').selectAll().where('id', '=', line.customer_id).executeTakeFirstOrThrow();
  const secondaries = await db.selectFrom('lines').select('id').where('bundle_parent_id', '=', line.id).execute();
  const companions = await db.selectFrom('companion_devices').select('id').where('line_id', '=', line.id).where('status', '=', 'active').execute();
  const liveCarriers = await db
    .selectFrom('lines')
    .select('carrier')
    .distinct()
    .where('customer_id', '=', line.customer_id)
    .where('status', '<>', 'cancelled')
    .execute();
  const out: string[] = [];
  if (account.arrears_fen > 0) out.push('arrears');
  if (line.contract_end !== null && line.contract_end > TODAY) out.push('contract_lock_in');
  if (secondaries.length > 0) out.push('bundle_primary');
  if (line.has_broadband) out.push('broadband');
  if (companions.length > 0) out.push('companion_devices');
  if (line.port_out_status === 'pending') out.push('port_out_pending');
  if (line.status === 'lost' || line.status === 'suspended') out.push('lost_or_suspended');
  if (line.sold_by !== 'carrier' || line.mvno_code !== null) out.push('mvno');
  if (liveCarriers.length > 1) out.push('multi_line');
  if (customer.deceased) out.push('deceased_owner');
  if (customer.kind === 'company') out.push('company');
  if (line.home_province !== '11') out.push('out_of_province');
  if (line.store_only_reason !== null) out.push(line.store_only_reason);
  if (line.status === 'cancelled') out.push('cancelled');
  return out;
}

const EXPECTED_CONDITIONS: Record<string, string[]> = {
  clean_physical: [],
  clean_esim: [],
  arrears: ['arrears'],
  contract_lock_in: ['contract_lock_in'],
  bundle_primary: ['bundle_primary'],
  companion_devices: ['companion_devices'],
  port_out_pending: ['port_out_pending'],
  lost_or_suspended: ['lost_or_suspended'],
  mvno: ['mvno'],
  multi_line: ['multi_line'],
  proxy: [],
  deceased_owner: ['deceased_owner'],
  company: ['company'],
  out_of_province: ['out_of_province'],
  broadband: ['broadband'],
  lucky_number: ['lucky_number'],
};

describe('provinces', () => {
  it('lists the 34 province-level codes with names in both languages', () => {
    assert.equal(Object.keys(PROVINCES).length, 34);
    assert.equal(provinceName('11'), '北京');
    assert.equal(provinceName('44', 'en'), 'Guangdong');
    assert.equal(provinceName('71'), '台湾');
    assert.equal(provinceName('82', 'en'), 'Macao');
    assert.equal(provinceName('99'), '99');
  });
});

for (const engine of engines) {
  describe(`demo data on ${engine.name}`, () => {
    let database: Database;
    let dispose: () => Promise<void>;
    let result: SeedDemoResult;
    const progress: Array<[number, number]> = [];

    before(async () => {
      ({ database, dispose } = await engine.open());
      // A small batch size, so that batching and statement chunking are exercised.
      result = await seedDemoData(database.db, vault, {
        customers: CUSTOMERS,
        seed: 1,
        batchSize: 64,
        now: NOW,
        onProgress: (done, total) => progress.push([done, total]),
      });
    });
    after(async () => {
      await dispose?.();
    });

    it('writes the scenario customers and the requested random customers, about 1.5 lines each', async () => {
      const total = CUSTOMERS + DEMO_SCENARIOS.length;
      assert.equal(result.customers, total);
      assert.equal(result.scenarios, DEMO_SCENARIOS.length);
      const counted = await database.db.selectFrom('customers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(counted.n), total);
      const lineCount = await database.db.selectFrom('lines').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(lineCount.n), result.lines);
      assert.ok(result.lines / result.customers > 1.3 && result.lines / result.customers < 1.8, `${result.lines} lines`);
      assert.equal(progress.at(-1)?.[0], total);
      assert.ok(progress.every(([, t]) => t === total));
      assert.ok(progress.length >= Math.ceil(CUSTOMERS / 64) + 1, 'one progress call per batch');
      assert.ok(progress.every(([d], i) => i === 0 || d > progress[i - 1][0]));
    });

    it('is deterministic: the same seed gives the same rows whatever the batch size; another seed gives others', async () => {
      const mine = await fingerprint(database);
      const ref = await referenceFingerprints();
      assert.equal(mine.msisdns, ref.seed1.msisdns);
      assert.equal(mine.all, ref.seed1.all);
      assert.notEqual(mine.msisdns, ref.seed2.msisdns);
    });

    it('seeds the reference data idempotently', async () => {
      await seedReferenceData(database.db);
      await seedReferenceData(database.db);
      const carriers = await database.db.selectFrom('carriers').selectAll().orderBy('code').execute();
      assert.deepEqual(carriers.map((c) => [c.code, c.hotline]), [['cbn', '10099'], ['cmcc', '10086'], ['ctcc', '10000'], ['cucc', '10010']]);
      for (const c of carriers) assert.deepEqual(c.settings, DEFAULT_CARRIER_SETTINGS);
      const brands = await database.db.selectFrom('mvno_brands').selectAll().execute();
      assert.equal(brands.length, MVNO_BRANDS.length);
      assert.ok(brands.some((b) => b.accepts_forwarded) && brands.some((b) => !b.accepts_forwarded));
      const store = await database.db.selectFrom('stores').selectAll().where('id', '=', 'cmcc-bj-001').executeTakeFirstOrThrow();
      assert.equal(store.province, '11');
      assert.equal(store.name_zh, '中国移动北京西单营业厅');
      const carriersWithStores = await database.db.selectFrom('stores').select('carrier').distinct().execute();
      assert.equal(carriersWithStores.length, 4);
    });

    it('records every scenario, and each scenario line shows exactly its condition', async () => {
      const { db } = database;
      const rows = await db.selectFrom('demo_scenarios').selectAll().execute();
      assert.deepEqual(rows.map((r) => r.scenario).sort(), [...DEMO_SCENARIOS].sort());
      for (const info of DEMO_SCENARIO_CUSTOMERS) {
        const row = rows.find((r) => r.scenario === info.scenario)!;
        assert.equal(row.msisdn, info.msisdn, info.scenario);
        const line = await db.selectFrom('lines').selectAll().where('msisdn', '=', info.msisdn).executeTakeFirstOrThrow();
        assert.equal(line.customer_id, row.customer_id, info.scenario);
        assert.equal(line.carrier, info.carrier, info.scenario);
        assert.deepEqual((await conditionsOf(database, line)).sort(), EXPECTED_CONDITIONS[info.scenario].sort(), info.scenario);

        const account = await db.selectFrom('billing_accounts').selectAll().where('id', '=', line.account_id).executeTakeFirstOrThrow();
        if (info.scenario !== 'arrears') assert.ok(account.cash_balance_fen > 0, `${info.scenario} has a refundable balance`);
        const customer = await db.selectFrom('customers').selectAll().where('id', '=', row.customer_id).executeTakeFirstOrThrow();
        assert.equal(vault.decrypt(customer.name_enc), info.owner.name);
        assert.equal(vault.decrypt(customer.id_number_enc), info.owner.idNumber);
        assert.equal(customer.id_blind, vault.blindIndex(normaliseIdNumber(info.owner.idNumber), 'id'));
        assert.equal(customer.id_last6_blind, vault.blindIndex(idLast6(info.owner.idNumber), 'id6'));
        if (info.owner.idType === 'resident_id') assert.equal(checkResidentId(info.owner.idNumber).valid, true, info.scenario);
        if (info.applicant) assert.equal(checkResidentId(info.applicant.idNumber).valid, true, `${info.scenario} applicant`);
      }
      const esim = await db.selectFrom('lines').selectAll().where('msisdn', '=', '+8613800138002').executeTakeFirstOrThrow();
      assert.equal(esim.form_factor, 'esim');
      assert.equal(esim.esim_profile_state, 'installed');
      const bundle = DEMO_SCENARIO_CUSTOMERS.find((s) => s.scenario === 'bundle_primary')!;
      const secondaries = await db.selectFrom('lines').selectAll().where('msisdn', 'in', bundle.otherMsisdns).execute();
      assert.equal(secondaries.length, 2);
      assert.ok(secondaries.every((s) => s.bundle_role === 'secondary'));
      const multi = DEMO_SCENARIO_CUSTOMERS.find((s) => s.scenario === 'multi_line')!;
      const multiLines = await db.selectFrom('lines').select('carrier').where('msisdn', 'in', [multi.msisdn, ...multi.otherMsisdns]).execute();
      assert.deepEqual(multiLines.map((l) => l.carrier).sort(), ['cmcc', 'ctcc', 'cucc']);
      const proxy = DEMO_SCENARIO_CUSTOMERS.find((s) => s.scenario === 'proxy')!;
      assert.equal(proxy.applicant?.relation, 'agent');
    });

    it('gives every line valid, unique identifiers from its carrier\'s ranges', async () => {
      const { db } = database;
      const lines = await db.selectFrom('lines').selectAll().execute();
      const companions = await db.selectFrom('companion_devices').selectAll().execute();
      const hosts = new Map(MVNO_BRANDS.map((b) => [b.code, b.host_carrier]));
      for (const l of lines) {
        const m = checkMsisdn(l.msisdn);
        assert.equal(m.valid, true, l.msisdn);
        assert.equal(m.normalized, l.msisdn, 'stored in E.164');
        assert.equal(m.network, l.carrier, `${l.msisdn} is from ${l.carrier}'s ranges`);
        assert.equal(m.mvno, l.sold_by === 'mvno', `${l.msisdn} MVNO range iff sold by an MVNO`);
        if (l.mvno_code) assert.equal(hosts.get(l.mvno_code), l.carrier);
        const imsi = checkImsi(l.imsi);
        assert.equal(imsi.valid, true, l.imsi);
        assert.equal(imsi.carrier, l.carrier, `${l.imsi} has ${l.carrier}'s MNC`);
        assert.ok(isLuhnValid(l.iccid), `${l.iccid} passes Luhn`);
        assert.equal(checkIccid(l.iccid).valid, true, l.iccid);
        if (l.carrier !== 'cbn') assert.equal(checkIccid(l.iccid).carrier, l.carrier);
        if (l.form_factor === 'esim') assert.equal(checkEid(l.eid ?? '').valid, true, `${l.eid}`);
        else assert.equal(l.eid, null);
      }
      for (const c of companions) {
        assert.ok(isLuhnValid(c.iccid));
        assert.equal(checkEid(c.eid).valid, true);
      }
      const unique = (values: string[]) => new Set(values).size === values.length;
      // A number appears twice only when it was recycled: a cancelled line, and a later one of someone else.
      assert.ok(unique(lines.filter((l) => l.status !== 'cancelled').map((l) => l.msisdn)), 'live MSISDNs unique');
      assert.ok(unique(lines.filter((l) => l.status === 'cancelled').map((l) => l.msisdn)), 'cancelled MSISDNs unique');
      assert.ok(unique(lines.map((l) => l.imsi)), 'IMSIs unique');
      assert.ok(unique([...lines.map((l) => l.iccid), ...companions.map((c) => c.iccid)]), 'ICCIDs unique');
      assert.ok(unique([...lines.flatMap((l) => (l.eid ? [l.eid] : [])), ...companions.map((c) => c.eid)]), 'EIDs unique');
    });

    it('keeps ID numbers and names encrypted, with working blind indexes', async () => {
      const customers = await database.db.selectFrom('customers').selectAll().execute();
      const blinds = new Set<string>();
      for (const c of customers) {
        const idNumber = vault.decrypt(c.id_number_enc);
        const name = vault.decrypt(c.name_enc);
        const text = JSON.stringify(c);
        assert.ok(!text.includes(idNumber), 'no column holds the clear ID number');
        assert.ok(!text.includes(name), 'no column holds the clear name');
        assert.match(name, /^[\u4e00-\u9fff]{2,}/, 'a Chinese name');
        assert.equal(c.id_blind, vault.blindIndex(normaliseIdNumber(idNumber), 'id'));
        assert.equal(c.id_last6_blind, vault.blindIndex(idLast6(idNumber), 'id6'));
        blinds.add(c.id_blind);
        if (c.id_type === 'resident_id') assert.equal(checkResidentId(idNumber, NOW).valid, true, 'a valid resident ID');
        if (c.id_type === 'business_licence') {
          assert.equal(c.kind, 'company');
          assert.match(idNumber, /^91[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$/);
        }
      }
      assert.equal(blinds.size, customers.length, 'one customer per ID number');
    });

    it('spreads every condition through the random customers', async () => {
      const { db } = database;
      const scenarioCustomers = (await db.selectFrom('demo_scenarios').select('customer_id').execute()).map((r) => r.customer_id);
      const lines = await db.selectFrom('lines').selectAll().where('customer_id', 'not in', scenarioCustomers).execute();
      const accounts = await db.selectFrom('billing_accounts').selectAll().where('customer_id', 'not in', scenarioCustomers).execute();
      const customers = await db.selectFrom('customers').selectAll().where('id', 'not in', scenarioCustomers).execute();
      const companions = await db.selectFrom('companion_devices').selectAll().execute();
      const pool = await db.selectFrom('number_pool').selectAll().execute();
      const share = (pred: (l: Line) => boolean) => lines.filter(pred).length / lines.length;
      const some = (what: string, n: number) => assert.ok(n > 0, `some ${what}`);

      assert.ok(Math.abs(share((l) => l.sold_by === 'mvno') - 0.08) < 0.04, 'about 8% MVNO lines');
      assert.ok(Math.abs(share((l) => l.form_factor === 'esim') - 0.2) < 0.06, 'about 20% eSIM lines');
      for (const c of ['cmcc', 'cucc', 'ctcc', 'cbn'] as const) some(`${c} lines`, lines.filter((l) => l.carrier === c).length);
      some('third-party lines', lines.filter((l) => l.sold_by === 'third_party').length);
      some('installed eSIM profiles', lines.filter((l) => l.esim_profile_state === 'installed').length);
      some('released eSIM profiles', lines.filter((l) => l.esim_profile_state === 'released').length);
      some('accounts in arrears', accounts.filter((a) => a.arrears_fen > 0 && a.arrears_since !== null && a.arrears_since < TODAY).length);
      some('accounts with promotional credit', accounts.filter((a) => a.promo_credit_fen > 0).length);
      some('contracts with a fixed penalty', lines.filter((l) => l.contract_end! > TODAY && l.penalty_fen > 0).length);
      some('contracts using the percentage', lines.filter((l) => l.contract_end! > TODAY && l.penalty_fen === 0).length);
      some('expired contracts', lines.filter((l) => l.contract_end !== null && l.contract_end < TODAY).length);
      const secondaries = lines.filter((l) => l.bundle_role === 'secondary');
      some('bundle secondaries', secondaries.length);
      for (const s of secondaries) {
        const parent = lines.find((l) => l.id === s.bundle_parent_id);
        assert.equal(parent?.bundle_role, 'primary');
        assert.equal(parent?.carrier, s.carrier);
      }
      some('broadband primaries', lines.filter((l) => l.has_broadband && l.bundle_role === 'primary').length);
      assert.ok(lines.every((l) => !l.has_broadband || l.bundle_role === 'primary'));
      some('companion watches', companions.filter((c) => lines.some((l) => l.id === c.line_id)).length);
      some('port-outs', lines.filter((l) => l.port_out_status === 'pending').length);
      some('lost lines', lines.filter((l) => l.status === 'lost').length);
      some('suspended lines', lines.filter((l) => l.status === 'suspended').length);
      const lucky = lines.filter((l) => l.store_only_reason === 'lucky_number');
      some('lucky numbers', lucky.length);
      assert.ok(lucky.every((l) => /(\d)\1{3}$/.test(l.msisdn)));
      assert.ok(lines.every((l) => l.store_only_reason === 'lucky_number' || !/(\d)\1{3}$/.test(l.msisdn)), 'only lucky numbers end in four equal digits');
      some('company customers', customers.filter((c) => c.kind === 'company' && c.id_type === 'business_licence').length);
      some('foreign-document customers', customers.filter((c) => ['passport', 'hk_macao_permit', 'taiwan_permit'].includes(c.id_type)).length);
      const carriersByCustomer = new Map<string, Set<string>>();
      for (const l of lines) carriersByCustomer.set(l.customer_id, (carriersByCustomer.get(l.customer_id) ?? new Set()).add(l.carrier));
      some('customers with lines at several carriers', [...carriersByCustomer.values()].filter((s) => s.size > 1).length);
      assert.ok(lines.some((l) => l.home_province !== '11'), 'lines of many provinces');
      assert.ok(lines.every((l) => Object.hasOwn(PROVINCES, l.home_province)));

      const cancelled = lines.filter((l) => l.status === 'cancelled');
      some('cancelled lines', cancelled.length);
      const frozen = pool.filter((p) => p.state === 'frozen');
      // Recycled (src/db/seed/recycled-numbers.ts): past its freeze, the number went to another person's new line.
      const recycled = cancelled.filter((l) => pool.some((p) => p.msisdn === l.msisdn && p.state === 'assigned'));
      some('recycled numbers', recycled.length);
      for (const l of recycled) {
        const now = lines.find((n) => n.msisdn === l.msisdn && n.status === 'active')!;
        assert.notEqual(now.customer_id, l.customer_id);
        assert.ok(now.activated_at > l.cancelled_at!.toISOString().slice(0, 10), 'given out after the cancellation');
      }
      assert.equal(frozen.length + recycled.length, cancelled.length);
      for (const l of cancelled.filter((c) => !recycled.includes(c))) {
        assert.ok(l.cancelled_at instanceof Date && l.cancelled_at < NOW);
        const p = frozen.find((f) => f.msisdn === l.msisdn);
        assert.equal(p?.former_customer_id, l.customer_id);
        assert.equal(p?.frozen_until?.getTime(), l.cancelled_at.getTime() + DEFAULT_CARRIER_SETTINGS.freezeDays * 86_400_000);
      }
      some('numbers still frozen', frozen.filter((p) => p.frozen_until! > NOW).length);
      some('numbers past their freeze', frozen.filter((p) => p.frozen_until! < NOW).length);

      // Every live line (scenario lines included) has its number assigned to it.
      const allLive = await db.selectFrom('lines').select(['id', 'msisdn', 'carrier']).where('status', '<>', 'cancelled').execute();
      const assigned = new Map(pool.filter((p) => p.state === 'assigned').map((p) => [p.msisdn, p]));
      assert.equal(assigned.size, allLive.length);
      for (const l of allLive) {
        assert.equal(assigned.get(l.msisdn)?.line_id, l.id);
        assert.equal(assigned.get(l.msisdn)?.carrier, l.carrier);
      }
    });

    it('does nothing when the demo data is already there', async () => {
      const again = await seedDemoData(database.db, vault, { customers: 10, now: NOW });
      assert.equal(again.alreadySeeded, true);
      assert.equal(again.customers, 0);
      const counted = await database.db.selectFrom('customers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(counted.n), CUSTOMERS + DEMO_SCENARIOS.length);
    });

    it('creates the demo staff once, with hashed passwords', async () => {
      const hash = async (p: string) => `test-hash:${crypto.createHash('sha256').update(p).digest('hex')}`;
      assert.deepEqual((await seedDemoStaff(database.db, hash)).sort(), DEMO_STAFF.map((d) => d.username).sort());
      assert.deepEqual(await seedDemoStaff(database.db, hash), []);
      const staff = await database.db.selectFrom('staff').selectAll().orderBy('username').execute();
      assert.equal(staff.length, DEMO_STAFF.length);
      assert.deepEqual([...new Set(staff.map((s) => s.role))].sort(), ['admin', 'clerk', 'ops', 'reviewer']);
      const clerk = staff.find((s) => s.username === 'clerk')!;
      assert.equal(clerk.role, 'clerk');
      assert.equal(clerk.store_id, 'cmcc-bj-001');
      assert.equal(clerk.display_name, '王店员');
      for (const s of staff) {
        const demo = DEMO_STAFF.find((d) => d.username === s.username)!;
        assert.equal(s.role, demo.role);
        assert.equal(s.password_hash, await hash(demo.password));
        assert.ok(!s.password_hash.includes(demo.password));
      }
    });
  });
}
