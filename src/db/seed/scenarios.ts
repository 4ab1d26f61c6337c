/**
 * The fixed demo scenarios: one customer per condition of the cancellation rules, with memorable
 * data that does not depend on the seed. Each scenario's line (the `msisdn` to try) is clean except
 * for the one condition it shows, and has a positive balance so the refund is visible. Pure.
 *
 * All identity data here is invented; the resident ID numbers are well-formed but belong to nobody.
 */
import { makeEid, makeIccid, makeImsi, makeResidentId } from '../../identifiers/index.ts';
import type { PiiVault } from '../../identity/pii.ts';
import type { CarrierCode } from '../schema.ts';
import { makeUscc } from './id-documents.ts';
import { createRandom, pad } from './random.ts';
import { addDays, chinaDate, customerRow, emptyRows, poolRow, type AccountRow, type LineRow, type SeedRows } from './rows.ts';

export const DEMO_SCENARIOS = [
  'clean_physical',
  'clean_esim',
  'arrears',
  'contract_lock_in',
  'bundle_primary',
  'companion_devices',
  'port_out_pending',
  'lost_or_suspended',
  'mvno',
  'multi_line',
  'proxy',
  'deceased_owner',
  'company',
  'out_of_province',
  'broadband',
  'lucky_number',
] as const;

export type DemoScenario = (typeof DEMO_SCENARIOS)[number];

export interface DemoPerson {
  name: string;
  idType: 'resident_id' | 'business_licence';
  idNumber: string;
}

export interface DemoScenarioInfo {
  scenario: DemoScenario;
  /** The line to try. */
  msisdn: string;
  carrier: CarrierCode;
  /** The registered owner (real-name record). */
  owner: DemoPerson & { kind: 'person' | 'company' };
  /** Who applies when it is not the owner: the agent of a proxy, the heir of a deceased owner, the company's representative. */
  applicant?: DemoPerson & { relation: 'agent' | 'child' | 'company_representative' };
  /** Other lines of the owner in the scenario (bundle secondaries, lines at other carriers). */
  otherMsisdns: string[];
  description: { zh: string; en: string };
}

interface ScenarioLine {
  k: number;
  j: number;
  carrier: CarrierCode;
  msisdn: string;
  account: number;
  extra?: Partial<LineRow>;
}

interface ScenarioDef {
  info: DemoScenarioInfo;
  deceased?: boolean;
  /** Accounts of the owner, one per carrier: [carrier, cash fen, promo fen, arrears fen, arrears days]. */
  accounts: Array<[CarrierCode, number, number, number?, number?]>;
  lines: ScenarioLine[];
  companion?: string;
}

const rid = (region6: string, birthDate: string, seq3: string): string => makeResidentId({ region6, birthDate, seq3 });
const person = (name: string, idNumber: string): DemoPerson & { kind: 'person' } => ({ kind: 'person', name, idType: 'resident_id', idNumber });
const cm = (n: string): string => `+86138001380${n}`;

const BASE: Record<CarrierCode, { mnc: string; issuer: string }> = {
  cmcc: { mnc: '00', issuer: '898600' },
  cucc: { mnc: '01', issuer: '898601' },
  ctcc: { mnc: '11', issuer: '898611' },
  cbn: { mnc: '15', issuer: '898615' },
};

/** Fixed identifiers of scenario line j of scenario k (not drawn by the random generator). */
export function scenarioImsi(carrier: CarrierCode, k: number, j: number): string {
  return makeImsi(BASE[carrier].mnc, `99138${pad(k, 3)}${pad(j, 2)}`);
}
export function scenarioIccid(carrier: CarrierCode, k: number, j: number): string {
  return makeIccid(BASE[carrier].issuer, `260099138${pad(k, 2)}${pad(j, 2)}`);
}
export function scenarioEid(k: number, j: number): string {
  return makeEid(`890860330100999138000000${pad(k, 3)}${pad(j, 3)}`);
}

const line = (k: number, carrier: CarrierCode, msisdn: string, extra?: Partial<LineRow>, j = 1, account = 0): ScenarioLine => ({
  k,
  j,
  carrier,
  msisdn,
  account,
  extra,
});

function definitions(today: string): ScenarioDef[] {
  return [
    {
      info: {
        scenario: 'clean_physical',
        msisdn: cm('01'),
        carrier: 'cmcc',
        owner: person('李娜', rid('110105', '19920315', '042')),
        otherMsisdns: [],
        description: { zh: '普通实体卡，无任何限制', en: 'A physical SIM with nothing in the way' },
      },
      accounts: [['cmcc', 18560, 1000]],
      lines: [line(1, 'cmcc', cm('01'))],
    },
    {
      info: {
        scenario: 'clean_esim',
        msisdn: cm('02'),
        carrier: 'cmcc',
        owner: person('陈晨', rid('110108', '19950708', '031')),
        otherMsisdns: [],
        description: { zh: '已安装的手机 eSIM', en: 'An installed phone eSIM profile' },
      },
      accounts: [['cmcc', 23820, 500]],
      lines: [
        line(2, 'cmcc', cm('02'), {
          form_factor: 'esim',
          eid: scenarioEid(2, 1),
          esim_profile_state: 'installed',
          device_label: 'iPhone Air',
          activated_at: '2025-11-08',
        }),
      ],
    },
    {
      info: {
        scenario: 'arrears',
        msisdn: cm('03'),
        carrier: 'cmcc',
        owner: person('王强', rid('110102', '19800203', '011')),
        otherMsisdns: [],
        description: { zh: '欠费 ¥58.30，需先结清', en: 'Arrears of ¥58.30 to settle first' },
      },
      accounts: [['cmcc', 0, 500, 5830, 47]],
      lines: [line(3, 'cmcc', cm('03'))],
    },
    {
      info: {
        scenario: 'contract_lock_in',
        msisdn: cm('04'),
        carrier: 'cmcc',
        owner: person('刘洋', rid('110106', '19880920', '055')),
        otherMsisdns: [],
        description: { zh: '合约期内（约 8 个月），按剩余月费比例计违约金', en: 'In a contract for about 8 more months; the penalty is a share of the remaining fees' },
      },
      accounts: [['cmcc', 27000, 2000]],
      lines: [line(4, 'cmcc', cm('04'), { plan_name: '5G 智享套餐 128元（24 个月合约）', monthly_fee_fen: 12800, contract_end: addDays(today, 240), penalty_fen: 0 })],
    },
    {
      info: {
        scenario: 'bundle_primary',
        msisdn: cm('05'),
        carrier: 'cmcc',
        owner: person('张伟', rid('110101', '19751111', '017')),
        otherMsisdns: [cm('51'), cm('52')],
        description: { zh: '亲情套餐主卡，带两张副卡', en: 'Family plan primary card with two secondary cards' },
      },
      accounts: [['cmcc', 20000, 0]],
      lines: [
        line(5, 'cmcc', cm('05'), { plan_name: '全家享 亲情套餐 98元', monthly_fee_fen: 9800, bundle_role: 'primary' }),
        line(5, 'cmcc', cm('51'), { plan_name: '亲情副卡 10元', monthly_fee_fen: 1000, bundle_role: 'secondary' }, 2),
        line(5, 'cmcc', cm('52'), { plan_name: '亲情副卡 10元', monthly_fee_fen: 1000, bundle_role: 'secondary' }, 3),
      ],
    },
    {
      info: {
        scenario: 'companion_devices',
        msisdn: cm('06'),
        carrier: 'cmcc',
        owner: person('赵敏', rid('110107', '19900606', '026')),
        otherMsisdns: [],
        description: { zh: '一号双终端：手表共享本号码', en: 'A watch shares this number (companion eSIM)' },
      },
      accounts: [['cmcc', 17350, 300]],
      lines: [line(6, 'cmcc', cm('06'))],
      companion: 'Apple Watch Series 11',
    },
    {
      info: {
        scenario: 'port_out_pending',
        msisdn: cm('07'),
        carrier: 'cmcc',
        owner: person('孙磊', rid('110105', '19860412', '073')),
        otherMsisdns: [],
        description: { zh: '携号转网进行中', en: 'A number port-out is in progress' },
      },
      accounts: [['cmcc', 16880, 0]],
      lines: [line(7, 'cmcc', cm('07'), { port_out_status: 'pending' })],
    },
    {
      info: {
        scenario: 'lost_or_suspended',
        msisdn: cm('08'),
        carrier: 'cmcc',
        owner: person('周婷', rid('110108', '19930225', '084')),
        otherMsisdns: [],
        description: { zh: '已挂失，需到营业厅办理', en: 'Reported lost: store only' },
      },
      accounts: [['cmcc', 19200, 0]],
      lines: [line(8, 'cmcc', cm('08'), { status: 'lost' })],
    },
    {
      info: {
        scenario: 'mvno',
        msisdn: '+8616500138009',
        carrier: 'cmcc',
        owner: person('吴昊', rid('110102', '19970830', '091')),
        otherMsisdns: [],
        description: { zh: '阿里通信（虚拟运营商）号码，由其办理销户', en: 'An Alibaba Communications (MVNO) line: the MVNO cancels it' },
      },
      accounts: [['cmcc', 16500, 0]],
      lines: [line(9, 'cmcc', '+8616500138009', { mvno_code: 'ali_comm', sold_by: 'mvno', plan_name: '阿里宝卡 18元', monthly_fee_fen: 1800 })],
    },
    {
      info: {
        scenario: 'multi_line',
        msisdn: cm('10'),
        carrier: 'cmcc',
        owner: person('郑洁', rid('110101', '19850517', '062')),
        otherMsisdns: ['+8618600138010', '+8618900138010'],
        description: { zh: '同一证件在移动、联通、电信各有一个号码', en: 'One ID with lines at China Mobile, China Unicom and China Telecom' },
      },
      accounts: [['cmcc', 18560, 0], ['cucc', 17210, 0], ['ctcc', 15990, 0]],
      lines: [
        line(10, 'cmcc', cm('10')),
        line(10, 'cucc', '+8618600138010', { plan_name: '沃派 39元', monthly_fee_fen: 3900 }, 2, 1),
        line(10, 'ctcc', '+8618900138010', { plan_name: '天翼畅享 59元', monthly_fee_fen: 5900 }, 3, 2),
      ],
    },
    {
      info: {
        scenario: 'proxy',
        msisdn: cm('11'),
        carrier: 'cmcc',
        owner: person('赵桂兰', rid('110102', '19480318', '024')),
        applicant: { relation: 'agent', name: '孙建国', idType: 'resident_id', idNumber: rid('110102', '19720609', '015') },
        otherMsisdns: [],
        description: { zh: '代办：儿子持授权书为母亲办理', en: 'Proxy: her son applies with her authorisation' },
      },
      accounts: [['cmcc', 21650, 0]],
      lines: [line(11, 'cmcc', cm('11'), { plan_name: '神州行 保号套餐 8元', monthly_fee_fen: 800, activated_at: '2006-04-18' })],
    },
    {
      info: {
        scenario: 'deceased_owner',
        msisdn: cm('12'),
        carrier: 'cmcc',
        owner: person('钱德明', rid('110102', '19400822', '013')),
        applicant: { relation: 'child', name: '钱丽', idType: 'resident_id', idNumber: rid('110102', '19680412', '028') },
        otherMsisdns: [],
        description: { zh: '机主已故，由女儿凭死亡证明办理', en: 'The owner has died; his daughter applies with the death certificate' },
      },
      deceased: true,
      accounts: [['cmcc', 30230, 0]],
      lines: [line(12, 'cmcc', cm('12'), { plan_name: '全球通 尊享套餐 188元', monthly_fee_fen: 18800, activated_at: '2003-09-01' })],
    },
    {
      info: {
        scenario: 'company',
        msisdn: cm('13'),
        carrier: 'cmcc',
        owner: { kind: 'company', name: '北京星河数据科技有限公司', idType: 'business_licence', idNumber: makeUscc('110105', 'XH2024') },
        applicant: { relation: 'company_representative', name: '马俊', idType: 'resident_id', idNumber: rid('110105', '19890303', '039') },
        otherMsisdns: [],
        description: { zh: '单位号码：需单位证明并加盖公章', en: 'A company line: needs a company letter with its stamp' },
      },
      accounts: [['cmcc', 63000, 0]],
      lines: [line(13, 'cmcc', cm('13'), { plan_name: '5G 智享套餐 128元', monthly_fee_fen: 12800 })],
    },
    {
      info: {
        scenario: 'out_of_province',
        msisdn: cm('14'),
        carrier: 'cmcc',
        owner: person('黄志强', rid('440106', '19910101', '035')),
        otherMsisdns: [],
        description: { zh: '广东号码在北京营业厅办理（异地销户）', en: 'A Guangdong line cancelled at a Beijing store (out of province)' },
      },
      accounts: [['cmcc', 18560, 800]],
      lines: [line(14, 'cmcc', cm('14'), { home_province: '44' })],
    },
    {
      info: {
        scenario: 'broadband',
        msisdn: cm('15'),
        carrier: 'cmcc',
        owner: person('林芳', rid('110105', '19870714', '048')),
        otherMsisdns: [],
        description: { zh: '融合套餐：含家庭宽带，需先处理宽带', en: 'Converged plan with home broadband to handle first' },
      },
      accounts: [['cmcc', 22500, 1000]],
      lines: [line(15, 'cmcc', cm('15'), { plan_name: '全家享 融合套餐 128元（含千兆宽带）', monthly_fee_fen: 12800, bundle_role: 'primary', has_broadband: true })],
    },
    {
      info: {
        scenario: 'lucky_number',
        msisdn: '+8613901388888',
        carrier: 'cmcc',
        owner: person('何军', rid('110101', '19781208', '019')),
        otherMsisdns: [],
        description: { zh: '靓号：仅限营业厅办理', en: 'A "lucky" number: store only' },
      },
      accounts: [['cmcc', 17660, 0]],
      lines: [line(16, 'cmcc', '+8613901388888', { store_only_reason: 'lucky_number', plan_name: '5G 畅享套餐 98元', monthly_fee_fen: 9800 })],
    },
  ];
}

/**
 * The scenario customers, their owners' and applicants' identities, and the numbers to try. Fixed:
 * the same on every installation, whatever the seed (dates such as a contract's end are relative to
 * the day of seeding).
 */
export const DEMO_SCENARIO_CUSTOMERS: readonly DemoScenarioInfo[] = definitions('2000-01-01').map((d) => d.info);

const DEFAULT_ACTIVATED_AT = '2016-03-12';

/** The seed of the scenario rows' UUIDs: fixed, so scenario customers keep their ids across seeds. */
const SCENARIO_SEED = 0x5ce7a210;

/** The rows of all scenario customers, and demo_scenarios rows pointing at them. */
export function buildScenarioRows(vault: PiiVault, now: Date): SeedRows {
  const today = chinaDate(now);
  const rnd = createRandom(SCENARIO_SEED, 'scenarios');
  const rows = emptyRows();
  for (const def of definitions(today)) {
    const { info } = def;
    const customerId = rnd.uuid();
    rows.customers.push(
      customerRow(vault, {
        id: customerId,
        kind: info.owner.kind,
        name: info.owner.name,
        idType: info.owner.idType,
        idNumber: info.owner.idNumber,
        deceased: def.deceased ?? false,
        // Registered when the first line was opened.
        createdAt: new Date(`${def.lines.map((l) => l.extra?.activated_at ?? DEFAULT_ACTIVATED_AT).sort()[0]}T02:00:00Z`),
      }),
    );
    const accounts: AccountRow[] = def.accounts.map(([carrier, cash, promo, arrears = 0, arrearsDays = 0]) => ({
      id: rnd.uuid(),
      customer_id: customerId,
      carrier,
      cash_balance_fen: cash,
      promo_credit_fen: promo,
      arrears_fen: arrears,
      arrears_since: arrears > 0 ? addDays(today, -arrearsDays) : null,
      payment_channel: 'wechat_pay',
    }));
    rows.accounts.push(...accounts);
    let primaryId: string | null = null;
    for (const l of def.lines) {
      const id = rnd.uuid();
      const row: LineRow = {
        id,
        customer_id: customerId,
        account_id: accounts[l.account].id,
        carrier: l.carrier,
        mvno_code: null,
        sold_by: 'carrier',
        msisdn: l.msisdn,
        imsi: scenarioImsi(l.carrier, l.k, l.j),
        iccid: scenarioIccid(l.carrier, l.k, l.j),
        form_factor: 'physical',
        eid: null,
        esim_profile_state: null,
        device_label: null,
        status: 'active',
        home_province: '11',
        plan_name: '畅享套餐 58元',
        monthly_fee_fen: 5800,
        usage_to_date_fen: 1250,
        contract_end: null,
        penalty_fen: 0,
        bundle_role: 'none',
        bundle_parent_id: null,
        has_broadband: false,
        port_out_status: 'none',
        store_only_reason: null,
        activated_at: DEFAULT_ACTIVATED_AT,
        cancelled_at: null,
        ...l.extra,
      };
      if (row.bundle_role === 'primary') primaryId = id;
      if (row.bundle_role === 'secondary') row.bundle_parent_id = primaryId;
      rows.lines.push(row);
      rows.numberPool.push(poolRow(row, null));
    }
    if (def.companion) {
      rows.companions.push({
        id: rnd.uuid(),
        line_id: rows.lines[rows.lines.length - 1].id,
        device_label: def.companion,
        iccid: scenarioIccid('cmcc', def.lines[0].k, 9),
        eid: scenarioEid(def.lines[0].k, 9),
        status: 'active',
      });
    }
    rows.scenarios.push({ scenario: info.scenario, customer_id: customerId, msisdn: info.msisdn });
  }
  return rows;
}
