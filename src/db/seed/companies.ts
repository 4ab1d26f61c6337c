/**
 * Demo companies for fleet cancellation (issue 14): an enterprise customer with its unified social
 * credit code, one billing account per carrier (and a branch account in arrears), and many lines:
 * staff phones (11-digit numbers), data-only IoT SIMs (13-digit IoT numbers) and IoT eSIMs (with an
 * EID). Some lines carry blockers: the branch account's arrears, a staff phone heading a converged
 * bundle, a staff phone with a port-out in flight. Plus the company's administrator (staff role
 * company_admin). Deterministic for a given company and `now`.
 *
 * Kept apart from seedDemoData so the default seed's figures do not move: the small company is
 * written after it by default, the large one only by `zhuxiao seed --fleet`.
 *
 * Identifiers never collide with the other demo data: IoT numbers carry the company's number right
 * after the range prefix (the other demo lines have none), ICCIDs use province digits 99 (no
 * province has them) and the company's number as the issue year, EIDs the manufacturer code 77x;
 * staff numbers are checked against the numbers already in the database.
 */
import { sql, type Kysely } from 'kysely';
import { IOT_RANGES, makeEid, makeIccid, makeImsi, makeMsisdn, type CarrierCode } from '../../identifiers/index.ts';
import type { PiiVault } from '../../identity/pii.ts';
import type { DB } from '../schema.ts';
import { bulkInsert } from '../bulk-insert.ts';
import { makeUscc } from './id-documents.ts';
import { createPermutation, createRandom, hash32, pad, type Random } from './random.ts';
import { chinaDate, customerRow, poolRow, stableUuid, type AccountRow, type LineRow } from './rows.ts';

export interface DemoCompany {
  /** 1-9: goes into the company's identifiers so two companies never collide. */
  number: number;
  id: string;
  uscc: string;
  nameZh: string;
  nameEn: string;
  contactEmail: string;
  lines: number;
  admin: { username: string; password: string; displayName: string };
}

const companyId = (n: number) => stableUuid(`zhuxiao demo company:${n}`);

/** The small company every default seed has (tests and the console demo use it). */
export const DEMO_COMPANY: DemoCompany = {
  number: 1, id: companyId(1), uscc: makeUscc('440300', 'FLEET1'),
  nameZh: '深圳极光物联科技有限公司', nameEn: 'Aurora IoT Technology (Shenzhen) Co., Ltd.',
  contactEmail: 'it-admin@aurora-iot.example', lines: 60,
  admin: { username: 'fleet-admin', password: 'fleet-demo-1', displayName: '孙企业管理员' },
};

/** The large company `zhuxiao seed --fleet` writes (about 120,000 lines). */
export const FLEET_COMPANY: DemoCompany = {
  number: 2, id: companyId(2), uscc: makeUscc('310115', 'FLEET2'),
  nameZh: '上海远航智能物流有限公司', nameEn: 'Voyager Smart Logistics (Shanghai) Co., Ltd.',
  contactEmail: 'fleet-ops@voyager-logistics.example', lines: 120_000,
  admin: { username: 'fleet-admin-2', password: 'fleet-demo-2', displayName: '钱车队管理员' },
};

const CARRIER_SHARES: ReadonlyArray<readonly [CarrierCode, number]> = [['cmcc', 60], ['cucc', 20], ['ctcc', 20]];
const STAFF_PREFIX: Readonly<Record<string, string>> = { cmcc: '198', cucc: '186', ctcc: '189' };
const ISSUER: Readonly<Record<string, string>> = { cmcc: '898604', cucc: '898606', ctcc: '898611' };
const MNC: Readonly<Record<string, string>> = { cmcc: '08', cucc: '06', ctcc: '11' };
const STAFF_PLAN: Readonly<Record<string, readonly [string, number]>> = {
  cmcc: ['集团客户 5G 商务套餐 58元', 5800], cucc: ['政企 5G 套餐 59元', 5900], ctcc: ['天翼政企套餐 69元', 6900],
};
const IOT_PLAN: Readonly<Record<string, readonly [string, number]>> = {
  cmcc: ['OneLink 物联网卡 30M 5元', 500], cucc: ['雁飞 物联网卡 100M 8元', 800], ctcc: ['天翼物联 CMP 50M 6元', 600],
};

export interface SeedCompanyResult {
  companyId: string;
  lines: number;
  accounts: number;
  alreadySeeded: boolean;
}

/**
 * Writes `company` with its accounts, lines and administrator, in batches of `batchSize` lines
 * (each its own transaction). Does nothing when the company already exists.
 */
export async function seedDemoCompany(
  db: Kysely<DB>,
  vault: PiiVault,
  hashPassword: (password: string) => Promise<string>,
  company: DemoCompany = DEMO_COMPANY,
  options: { now?: Date; batchSize?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<SeedCompanyResult> {
  const { now = new Date(), batchSize = 10_000, onProgress } = options;
  const existing = await db.selectFrom('companies').select('id').where('id', '=', company.id).executeTakeFirst();
  if (existing) return { companyId: company.id, lines: 0, accounts: 0, alreadySeeded: true };

  const rnd = createRandom(company.number, 'company');
  const customerId = stableUuid(`zhuxiao demo company customer:${company.number}`);
  const accounts = companyAccounts(company, customerId, now);
  await db.transaction().execute(async (trx) => {
    await bulkInsert(trx, 'customers', [customerRow(vault, {
      id: customerId, kind: 'company', name: company.nameZh, idType: 'business_licence', idNumber: company.uscc, deceased: false, createdAt: new Date('2019-03-01T02:00:00Z'),
    })]);
    await trx.insertInto('companies').values({
      id: company.id, customer_id: customerId, uscc: company.uscc, name_zh: company.nameZh, name_en: company.nameEn, contact_email_enc: vault.encrypt(company.contactEmail),
    }).execute();
    await bulkInsert(trx, 'billing_accounts', accounts);
    await trx.insertInto('staff').values({
      id: stableUuid(`zhuxiao demo staff:${company.admin.username}`), username: company.admin.username, display_name: company.admin.displayName,
      password_hash: await hashPassword(company.admin.password), role: 'company_admin', store_id: null, company_id: company.id, locked_until: null,
    }).onConflict((oc) => oc.column('username').doNothing()).execute();
  });

  let written = 0;
  const taken = await takenStaffNumbers(db);
  const numbers = new FleetNumbers(company, taken);
  for (let done = 0; done < company.lines; ) {
    const n = Math.min(batchSize, company.lines - done);
    const lines: LineRow[] = [];
    for (let i = done; i < done + n; i++) lines.push(...companyLine(rnd, company, customerId, accounts, numbers, i, now));
    await db.transaction().execute(async (trx) => {
      await bulkInsert(trx, 'lines', lines);
      await bulkInsert(trx, 'number_pool', lines.map((l) => poolRow(l, null)));
    });
    written += lines.length;
    done += n;
    onProgress?.(done, company.lines);
  }
  return { companyId: company.id, lines: written, accounts: accounts.length, alreadySeeded: false };
}

/**
 * The most a company line's final bill can be (the dearest plan's month plus half of it in usage):
 * each account holds that much per line of the company, so a job over every line can pay every
 * bill from the account (a fleet job's lines all draw on their account's balance; with a fixed
 * ¥50,000 a 100,000-line job found 70% of its lines blocked by the bills before them).
 */
const MAX_LINE_BILL_FEN = Math.ceil(Math.max(...Object.values(STAFF_PLAN).map(([, fee]) => fee), 19_900) * 1.5);

/** One account per carrier with the cash to pay the bills of all the company's lines; cmcc's branch owes money. */
function companyAccounts(company: DemoCompany, customerId: string, now: Date): AccountRow[] {
  const rows: AccountRow[] = CARRIER_SHARES.map(([carrier]) => ({
    id: stableUuid(`zhuxiao demo company account:${company.number}:${carrier}`), customer_id: customerId, carrier,
    cash_balance_fen: 5_000_000 + company.lines * MAX_LINE_BILL_FEN, promo_credit_fen: 0, arrears_fen: 0, arrears_since: null, payment_channel: 'bank_transfer',
  }));
  const since = new Date(now.getTime() - 40 * 86_400_000);
  rows.push({
    id: arrearsAccountId(company), customer_id: customerId, carrier: 'cmcc',
    cash_balance_fen: 0, promo_credit_fen: 0, arrears_fen: 128_000, arrears_since: chinaDate(since), payment_channel: 'bank_transfer',
  });
  return rows;
}

const arrearsAccountId = (company: DemoCompany) => stableUuid(`zhuxiao demo company account:${company.number}:cmcc-branch`);

/**
 * Line `i` of the company (two rows when it heads a bundle: the primary, then its secondary).
 * Every 50th line from 7 on sits on the branch account in arrears; line 3 heads a bundle; line 5
 * has a port-out pending (both staff phones).
 */
function companyLine(rnd: Random, company: DemoCompany, customerId: string, accounts: AccountRow[], numbers: FleetNumbers, i: number, now: Date): LineRow[] {
  const carrier: CarrierCode = i === 3 || i === 5 ? 'cmcc' : rnd.weighted(CARRIER_SHARES);
  const kind = i < 8 ? 'staff' : rnd.weighted([['staff', 15], ['iot', 75], ['esim', 10]] as const);
  const accountId = carrier === 'cmcc' && i % 50 === 7 ? arrearsAccountId(company) : accounts.find((a) => a.carrier === carrier)!.id;
  const [plan, fee] = kind === 'staff' ? STAFF_PLAN[carrier] : IOT_PLAN[carrier];
  const activated = chinaDate(new Date(now.getTime() - rnd.int(60, 1500) * 86_400_000));
  const esim = kind === 'esim';
  const base = (id: string, msisdn: string): LineRow => ({
    id, customer_id: customerId, account_id: accountId, carrier, mvno_code: null, sold_by: 'carrier', msisdn,
    imsi: numbers.imsi(carrier), iccid: numbers.iccid(carrier), form_factor: esim ? 'esim' : 'physical', eid: esim ? numbers.eid() : null,
    esim_profile_state: esim ? (rnd.chance(0.1) ? 'released' : 'installed') : null, device_label: esim ? 'Quectel EG915Q eSIM 模组' : null,
    status: 'active', home_province: company.number === 1 ? '44' : '31', plan_name: plan, monthly_fee_fen: fee,
    usage_to_date_fen: rnd.int(0, Math.floor(fee / 2)), contract_end: null, penalty_fen: 0, bundle_role: 'none', bundle_parent_id: null,
    has_broadband: false, port_out_status: i === 5 ? 'pending' : 'none', store_only_reason: null, activated_at: activated, cancelled_at: null,
    company_id: company.id, line_use: kind === 'staff' ? 'staff' : 'iot',
  });
  const id = stableUuid(`zhuxiao demo company line:${company.number}:${i}`);
  const line = base(id, kind === 'staff' ? numbers.staffMsisdn(carrier) : numbers.iotMsisdn(carrier));
  if (i !== 3) return [line];
  const secondary = base(stableUuid(`zhuxiao demo company line:${company.number}:${i}:secondary`), numbers.staffMsisdn(carrier));
  return [
    { ...line, bundle_role: 'primary', has_broadband: true, plan_name: '集团融合套餐 199元（含宽带）', monthly_fee_fen: 19_900 },
    { ...secondary, bundle_role: 'secondary', bundle_parent_id: id, plan_name: '集团副卡 10元', monthly_fee_fen: 1000 },
  ];
}

/** Staff numbers (11 digits) already used in the database under the prefixes the companies draw from. */
async function takenStaffNumbers(db: Kysely<DB>): Promise<Set<string>> {
  const prefixes = Object.values(STAFF_PREFIX).map((p) => `+86${p}%`);
  const rows = await db.selectFrom('lines').select('msisdn').where(sql<boolean>`msisdn LIKE ANY(${prefixes}::text[])`).execute();
  return new Set(rows.map((r) => r.msisdn));
}

/** Identifier spaces of one company, walked through keyed permutations (values look random, never repeat). */
class FleetNumbers {
  private readonly counters = new Map<string, { perm: (i: number) => number; next: number }>();
  constructor(private readonly company: DemoCompany, private readonly taken: Set<string>) {}

  private take(space: string, size: number): number {
    let c = this.counters.get(space);
    if (!c) this.counters.set(space, (c = { perm: createPermutation(size, hash32(`${space}:${this.company.number}`)), next: 0 }));
    if (c.next >= size) throw new Error(`Demo company numbering space ${space} is exhausted.`);
    return c.perm(c.next++);
  }

  staffMsisdn(carrier: CarrierCode): string {
    const prefix = STAFF_PREFIX[carrier];
    for (;;) {
      const msisdn = makeMsisdn(prefix, pad(this.take(`staff:${prefix}`, 10 ** 8), 8));
      if (!this.taken.has(msisdn)) {
        this.taken.add(msisdn);
        return msisdn;
      }
    }
  }

  /** 13 digits: an IoT range prefix of the carrier, the company's number, then a serial. */
  iotMsisdn(carrier: CarrierCode): string {
    const prefix = IOT_RANGES.find((r) => r.network === carrier && !r.prefix.startsWith('106'))!.prefix;
    const width = 13 - prefix.length - 1;
    return `+86${prefix}${this.company.number}${pad(this.take(`iot:${prefix}`, 10 ** width), width)}`;
  }

  imsi(carrier: CarrierCode): string {
    return makeImsi(MNC[carrier], `9${this.company.number}${pad(this.take(`imsi:${carrier}`, 10 ** 8), 8)}`);
  }

  /** 20 digits: issuer + the company's number as issue year + province 99 + a 9-digit serial + Luhn. */
  iccid(carrier: CarrierCode): string {
    return makeIccid(ISSUER[carrier], `${pad(this.company.number, 2)}99${pad(this.take(`iccid:${carrier}`, 10 ** 9), 9)}`);
  }

  eid(): string {
    return makeEid(`89086${77}${this.company.number}0100${pad(this.take('eid', 10 ** 12), 18)}`);
  }
}
