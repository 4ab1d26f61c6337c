/**
 * The random part of the demo data: customers with their billing accounts, lines, companion devices
 * and number-pool rows, spread over the four carriers and the MVNOs, with every condition of the
 * cancellation rules appearing somewhere. Pure apart from the vault's encryption; deterministic for
 * a given seed and `now` (UUIDs included; ciphertexts differ, their plaintexts do not).
 */
import type { PiiVault } from '../../identity/pii.ts';
import { SAMPLE_REGION_CODES } from '../../lines/provinces.ts';
import type { CarrierCode } from '../schema.ts';
import {
  BROADBAND_PLANS,
  ESIM_LAUNCH_DATE,
  ESIM_PHONES,
  ESIM_WATCHES,
  FAMILY_PLANS,
  MVNO_PLANS,
  PLANS,
  PROVINCE_WEIGHTS,
  SECONDARY_PLAN,
  type Plan,
} from './catalogue.ts';
import {
  hkMacaoPermitAllocator,
  passportAllocator,
  residentIdAllocator,
  taiwanPermitAllocator,
  usccAllocator,
  type ResidentIdentity,
} from './id-documents.ts';
import { companyCity, companyName, personName } from './names.ts';
import { NumberAllocator, type ReservedIdentifiers } from './numbering.ts';
import { createRandom, type Random } from './random.ts';
import { MVNO_BRANDS } from './reference-data.ts';
import {
  DAY_MS,
  addDays,
  chinaDate,
  customerRow,
  daysBetween,
  poolRow,
  type AccountRow,
  type CustomerRow,
  type LineRow,
  type SeedRows,
} from './rows.ts';

/** Shares of lines by base carrier (before MVNOs, which sit on their host). */
const CARRIER_SHARES: ReadonlyArray<readonly [CarrierCode, number]> = [['cmcc', 56], ['ctcc', 22], ['cucc', 19], ['cbn', 3]];

/** How often each condition appears. Rates are per line unless stated. */
export const RATES = {
  company: 0.03, // per customer
  deceased: 0.004, // per person
  bundle: 0.22, // per customer with 2+ lines: a family plan with secondaries
  bundleBroadband: 0.4, // per bundle primary
  standaloneBroadband: 0.025, // converged plan with broadband and no secondary
  mvno: 0.095, // of lines outside a bundle (≈ 8% of all lines)
  thirdParty: 0.015,
  esim: 0.23, // of carrier-sold lines at cmcc/cucc/ctcc (≈ 20% of all lines)
  esimReleased: 0.1, // of eSIM lines: profile released but never installed
  cancelled: 0.03,
  suspended: 0.02,
  lost: 0.012,
  contractLockIn: 0.1,
  contractExpired: 0.08,
  fixedPenalty: 0.5, // of lines in a contract; the others use the carrier's percentage
  portOut: 0.01,
  lucky: 0.012,
  groupNumber: 0.2, // of company lines
  companion: 0.025,
  arrears: 0.04, // per billing account
  promo: 0.35, // per billing account
} as const;

const COMPANY_PROVINCES = ['11', '31', '44', '33', '32', '51', '42', '37', '50', '61'].filter((p) => companyCity(p) !== '');

export interface GeneratorOptions {
  seed: number;
  vault: PiiVault;
  now: Date;
  /** Identifiers of the fixed scenario rows, never handed out again. */
  reserved: ReservedIdentifiers & { idNumbers: ReadonlySet<string> };
  /** Days a cancelled number stays frozen. */
  freezeDays: number;
}

type Mvno = (typeof MVNO_BRANDS)[number];

export class DemoGenerator {
  private readonly rnd: Random;
  private readonly numbers: NumberAllocator;
  private readonly residentIds: () => ResidentIdentity;
  private readonly passports: () => string;
  private readonly hkMacao: () => string;
  private readonly taiwan: () => string;
  private readonly uscc: (region6: string) => string;
  private readonly today: string;
  private readonly nowMs: number;

  constructor(private readonly opts: GeneratorOptions) {
    this.rnd = createRandom(opts.seed, 'customers');
    this.numbers = new NumberAllocator(opts.seed, opts.reserved);
    this.residentIds = residentIdAllocator(opts.seed, opts.reserved.idNumbers);
    this.passports = passportAllocator(opts.seed);
    this.hkMacao = hkMacaoPermitAllocator(opts.seed);
    this.taiwan = taiwanPermitAllocator(opts.seed);
    this.uscc = usccAllocator(opts.seed);
    this.today = chinaDate(opts.now);
    this.nowMs = opts.now.getTime();
  }

  private randomDate(from: string, to: string): string {
    const span = daysBetween(from, to);
    return span <= 0 ? to : addDays(from, this.rnd.int(0, span));
  }

  private province(): string {
    return this.rnd.weighted(PROVINCE_WEIGHTS);
  }

  private plan(plans: readonly Plan[]): Plan {
    return this.rnd.pick(plans);
  }

  /** Appends one random customer and everything that hangs off it to `rows`. */
  generateCustomer(rows: SeedRows): void {
    const rnd = this.rnd;
    const isCompany = rnd.chance(RATES.company);
    let kind: CustomerRow['kind'] = 'person';
    let idType: CustomerRow['id_type'];
    let idNumber: string;
    let name: string;
    let idProvince: string | null = null;
    let deceased = false;
    if (isCompany) {
      kind = 'company';
      idType = 'business_licence';
      idProvince = rnd.pick(COMPANY_PROVINCES);
      idNumber = this.uscc(SAMPLE_REGION_CODES[idProvince]);
      name = companyName(rnd, idProvince);
    } else {
      idType = rnd.weighted([['resident_id', 96.5], ['passport', 1.5], ['hk_macao_permit', 1.2], ['taiwan_permit', 0.8]] as const);
      let sex: 'male' | 'female';
      if (idType === 'resident_id') {
        const r = this.residentIds();
        idNumber = r.idNumber;
        idProvince = r.province;
        sex = r.sex;
      } else {
        idNumber = idType === 'passport' ? this.passports() : idType === 'hk_macao_permit' ? this.hkMacao() : this.taiwan();
        sex = rnd.chance(0.5) ? 'male' : 'female';
      }
      name = personName(rnd, sex);
      deceased = rnd.chance(RATES.deceased);
    }
    const customerId = rnd.uuid();
    const homeProvince = idProvince !== null && rnd.chance(0.8) ? idProvince : this.province();

    const lineCount = isCompany ? rnd.int(2, 6) : rnd.weighted([[1, 66], [2, 24], [3, 7], [4, 2], [5, 1]] as const);
    const firstCarrier = rnd.weighted(CARRIER_SHARES);
    const bundleSize = lineCount >= 2 && rnd.chance(RATES.bundle) ? rnd.int(2, lineCount) : 0;

    const accounts = new Map<string, AccountRow>();
    const account = (carrier: CarrierCode, mvno: Mvno | null): AccountRow => {
      const key = mvno ? `${carrier}:${mvno.code}` : carrier;
      let a = accounts.get(key);
      if (!a) {
        const arrears = rnd.chance(RATES.arrears);
        a = {
          id: rnd.uuid(),
          customer_id: customerId,
          carrier,
          cash_balance_fen: arrears || rnd.chance(0.1) ? 0 : rnd.int(1, 20000),
          promo_credit_fen: rnd.chance(RATES.promo) ? rnd.int(1, 50) * 100 : 0,
          arrears_fen: arrears ? rnd.int(300, 20000) : 0,
          arrears_since: arrears ? addDays(this.today, -rnd.int(5, 150)) : null,
          payment_channel: rnd.weighted([['wechat_pay', 50], ['alipay', 40], ['bank_card', 10]] as const),
        };
        accounts.set(key, a);
        rows.accounts.push(a);
      }
      return a;
    };

    let primaryId: string | null = null;
    let primaryActivatedAt: string | null = null;
    let earliest = this.today;
    for (let k = 0; k < lineCount; k++) {
      let bundleRole: LineRow['bundle_role'] = k < bundleSize ? (k === 0 ? 'primary' : 'secondary') : 'none';
      let carrier = bundleRole !== 'none' || k === 0 || rnd.chance(0.5) ? firstCarrier : rnd.weighted(CARRIER_SHARES);
      const mvno = bundleRole === 'none' && rnd.chance(RATES.mvno) ? rnd.pick(MVNO_BRANDS) : null;
      if (mvno) carrier = mvno.host_carrier;
      const soldBy: LineRow['sold_by'] = mvno ? 'mvno' : bundleRole === 'none' && rnd.chance(RATES.thirdParty) ? 'third_party' : 'carrier';
      const byCarrier = soldBy === 'carrier';

      let status = rnd.weighted([
        ['active', 1 - RATES.cancelled - RATES.suspended - RATES.lost],
        ['cancelled', RATES.cancelled],
        ['suspended', RATES.suspended],
        ['lost', RATES.lost],
      ] as const) as LineRow['status'];
      if (status === 'cancelled' && bundleRole !== 'none') status = 'active';
      const live = status !== 'cancelled';

      let hasBroadband = false;
      if (bundleRole === 'primary') hasBroadband = rnd.chance(RATES.bundleBroadband);
      else if (bundleRole === 'none' && byCarrier && live && rnd.chance(RATES.standaloneBroadband)) {
        bundleRole = 'primary';
        hasBroadband = true;
      }

      const [planName, fee] = mvno
        ? this.plan(MVNO_PLANS[mvno.code])
        : hasBroadband
          ? this.plan(BROADBAND_PLANS[carrier])
          : bundleRole === 'primary'
            ? this.plan(FAMILY_PLANS[carrier])
            : bundleRole === 'secondary'
              ? SECONDARY_PLAN
              : this.plan(PLANS[carrier]);

      const esim = !mvno && carrier !== 'cbn' && rnd.chance(RATES.esim);
      // Secondary cards join after their primary; phone eSIMs exist only since the 2025 launch.
      let activatedFrom = bundleRole === 'secondary' && primaryActivatedAt ? primaryActivatedAt : '2006-01-01';
      if (esim && activatedFrom < ESIM_LAUNCH_DATE) activatedFrom = ESIM_LAUNCH_DATE;
      const activatedAt = this.randomDate(activatedFrom, addDays(this.today, -7));
      if (activatedAt < earliest) earliest = activatedAt;
      const lineProvince = rnd.chance(0.9) ? homeProvince : this.province();
      const lucky = !mvno && live && rnd.chance(RATES.lucky);
      const issued = { year: Number(activatedAt.slice(0, 4)), province: lineProvince };

      let contractEnd: string | null = null;
      let penalty = 0;
      if (live) {
        const c = rnd.next();
        if (c < RATES.contractLockIn) {
          contractEnd = addDays(this.today, rnd.int(15, 720));
          penalty = rnd.chance(RATES.fixedPenalty) ? rnd.int(50, 1200) * 100 : 0;
        } else if (c < RATES.contractLockIn + RATES.contractExpired && daysBetween(activatedAt, this.today) > 366) {
          // A contract that ran its course: it ended after a year or more, before today.
          contractEnd = this.randomDate(addDays(activatedAt, 365), addDays(this.today, -1));
        }
      }

      const id = rnd.uuid();
      const row: LineRow = {
        id,
        customer_id: customerId,
        account_id: account(carrier, mvno).id,
        carrier,
        mvno_code: mvno?.code ?? null,
        sold_by: soldBy,
        msisdn: this.numbers.msisdn(rnd, carrier, { mvno: mvno !== null, lucky }),
        imsi: this.numbers.imsi(rnd, carrier),
        iccid: this.numbers.iccid(rnd, carrier, issued),
        form_factor: esim ? 'esim' : 'physical',
        eid: esim ? this.numbers.eid(rnd) : null,
        esim_profile_state: esim ? (rnd.chance(RATES.esimReleased) ? 'released' : 'installed') : null,
        device_label: esim ? rnd.pick(ESIM_PHONES) : null,
        status,
        home_province: lineProvince,
        plan_name: planName,
        monthly_fee_fen: fee,
        usage_to_date_fen: live ? rnd.int(0, 6000) : 0,
        contract_end: contractEnd,
        penalty_fen: penalty,
        bundle_role: bundleRole,
        bundle_parent_id: bundleRole === 'secondary' ? primaryId : null,
        has_broadband: hasBroadband,
        port_out_status: status === 'active' && rnd.chance(RATES.portOut) ? 'pending' : 'none',
        store_only_reason: lucky ? 'lucky_number' : isCompany && live && rnd.chance(RATES.groupNumber) ? 'group_number' : null,
        activated_at: activatedAt,
        cancelled_at: null,
      };
      if (bundleRole === 'primary' && k === 0) {
        primaryId = id;
        primaryActivatedAt = activatedAt;
      }

      let frozenUntil: Date | null = null;
      if (!live) {
        const cancelledMs = this.nowMs - rnd.int(1, 200) * DAY_MS - rnd.int(0, 86_399) * 1000;
        row.cancelled_at = new Date(cancelledMs);
        frozenUntil = new Date(cancelledMs + this.opts.freezeDays * DAY_MS);
      }
      rows.lines.push(row);
      rows.numberPool.push(poolRow(row, frozenUntil));

      if (byCarrier && live && bundleRole !== 'secondary' && rnd.chance(RATES.companion)) {
        rows.companions.push({
          id: rnd.uuid(),
          line_id: id,
          device_label: rnd.pick(ESIM_WATCHES),
          iccid: this.numbers.iccid(rnd, carrier, issued),
          eid: this.numbers.eid(rnd),
          status: 'active',
        });
      }
    }

    rows.customers.push(
      customerRow(this.opts.vault, {
        id: customerId,
        kind,
        name,
        idType,
        idNumber,
        deceased,
        createdAt: new Date(`${earliest}T02:00:00Z`),
      }),
    );
  }
}
