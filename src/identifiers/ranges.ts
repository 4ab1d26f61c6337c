/**
 * Numbering tables from domain.md ("Carriers"), as data. Exported so that demo data generators can
 * pick numbers per carrier. Confidence: MNC lists HIGH, ICCID issuer prefixes MEDIUM, mobile prefixes
 * MEDIUM-HIGH.
 */
import type { CarrierCode } from './types.ts';

export const CARRIER_CODES: readonly CarrierCode[] = ['cmcc', 'cucc', 'ctcc', 'cbn'];

export interface CarrierInfo {
  code: CarrierCode;
  nameZh: string;
  nameEn: string;
  customerService: string;
}

export const CARRIERS: Readonly<Record<CarrierCode, CarrierInfo>> = {
  cmcc: { code: 'cmcc', nameZh: '中国移动', nameEn: 'China Mobile', customerService: '10086' },
  cucc: { code: 'cucc', nameZh: '中国联通', nameEn: 'China Unicom', customerService: '10010' },
  ctcc: { code: 'ctcc', nameZh: '中国电信', nameEn: 'China Telecom', customerService: '10000' },
  cbn: { code: 'cbn', nameZh: '中国广电', nameEn: 'China Broadnet', customerService: '10099' },
};

/** A mobile number prefix (号段) and the network it was originally allocated to. */
export interface MsisdnRange {
  /** 3 to 5 leading digits of the 11-digit national number. */
  prefix: string;
  /** Original base network; for an MVNO range, the host network. */
  network: CarrierCode;
  /** True for MVNO (虚拟运营商) ranges. */
  mvno: boolean;
  /** True for data-only (上网卡 / IoT) ranges: 145, 147, 149. */
  dataOnly: boolean;
}

function spread(from: number, to: number): string[] {
  const out: string[] = [];
  for (let n = from; n <= to; n++) out.push(String(n));
  return out;
}

function ranges(
  network: CarrierCode,
  prefixes: string[],
  opts: { mvno?: boolean; dataOnly?: boolean } = {},
): MsisdnRange[] {
  return prefixes.map((prefix) => ({
    prefix,
    network,
    mvno: opts.mvno ?? false,
    dataOnly: opts.dataOnly ?? false,
  }));
}

/**
 * All known prefixes. No prefix in this list is a prefix of another, so at most one entry matches
 * a number (the tests check this).
 */
export const MSISDN_RANGES: readonly MsisdnRange[] = [
  // China Mobile
  ...ranges('cmcc', spread(1340, 1348)),
  ...ranges('cmcc', spread(135, 139)),
  ...ranges('cmcc', ['147'], { dataOnly: true }),
  ...ranges('cmcc', [...spread(150, 152), ...spread(157, 159), '172', '178']),
  ...ranges('cmcc', [...spread(182, 184), '187', '188', '195', '197', '198']),
  // China Unicom
  ...ranges('cucc', spread(130, 132)),
  ...ranges('cucc', ['145'], { dataOnly: true }),
  ...ranges('cucc', ['155', '156', '166', '175', '176', '185', '186', '196']),
  // China Telecom
  ...ranges('ctcc', ['133', '1349']),
  ...ranges('ctcc', ['149'], { dataOnly: true }),
  ...ranges('ctcc', ['153', '173', ...spread(17400, 17405), '177', '180', '181', '189']),
  ...ranges('ctcc', ['190', '191', '193', '199']),
  // China Broadnet
  ...ranges('cbn', ['192']),
  // MVNO ranges, by host network
  ...ranges('cmcc', ['165', '1703', '1705', '1706'], { mvno: true }),
  ...ranges('cucc', ['167', '171', '1704', '1707', '1708', '1709'], { mvno: true }),
  ...ranges('ctcc', ['162', '1700', '1701', '1702'], { mvno: true }),
];

/** The range an 11-digit national mobile number falls in, or null when no known prefix matches. */
export function findMsisdnRange(national: string): MsisdnRange | null {
  let best: MsisdnRange | null = null;
  for (const range of MSISDN_RANGES) {
    if (national.startsWith(range.prefix) && (!best || range.prefix.length > best.prefix.length)) {
      best = range;
    }
  }
  return best;
}

/**
 * 13-digit IoT numbers (物联网号码): data and SMS only, no voice. The ranges MIIT allocated for IoT
 * (1440 and 148 China Mobile, 146 China Unicom, 1410 China Telecom) and the older 1064x machine
 * numbers, also 13 digits (10647/10648 China Mobile, 10646 China Unicom, 10649 China Telecom).
 * Confidence MEDIUM (carrier pages and news, no single regulator table); no China Broadnet range is
 * known. They never clash with MSISDN_RANGES: those numbers have 11 digits.
 */
export interface IotRange {
  prefix: string;
  network: CarrierCode;
}

export const IOT_NUMBER_LENGTH = 13;

export const IOT_RANGES: readonly IotRange[] = [
  { prefix: '1440', network: 'cmcc' },
  { prefix: '148', network: 'cmcc' },
  { prefix: '10647', network: 'cmcc' },
  { prefix: '10648', network: 'cmcc' },
  { prefix: '146', network: 'cucc' },
  { prefix: '10646', network: 'cucc' },
  { prefix: '1410', network: 'ctcc' },
  { prefix: '10649', network: 'ctcc' },
];

/** The IoT range a 13-digit national number falls in, or null. */
export function findIotRange(national: string): IotRange | null {
  if (national.length !== IOT_NUMBER_LENGTH) return null;
  return IOT_RANGES.find((r) => national.startsWith(r.prefix)) ?? null;
}

/** The prefixes of one network, e.g. for demo data. `mvno` filters MVNO ranges in or out. */
export function msisdnRangesOf(network: CarrierCode, opts: { mvno?: boolean } = {}): MsisdnRange[] {
  return MSISDN_RANGES.filter(
    (r) => r.network === network && (opts.mvno === undefined || r.mvno === opts.mvno),
  );
}

/** China's mobile country code. */
export const CHINA_MCC = '460';

export interface ImsiMncEntry {
  mnc: string;
  /** Null when the MNC is valid but not one consumer carrier's. */
  carrier: CarrierCode | null;
  /** Why the carrier is null: 'ambiguous' (sources disagree) or 'railway' (GSM-R). */
  note?: 'ambiguous' | 'railway';
}

export const IMSI_MNCS: readonly ImsiMncEntry[] = [
  { mnc: '00', carrier: 'cmcc' },
  { mnc: '02', carrier: 'cmcc' },
  { mnc: '07', carrier: 'cmcc' },
  { mnc: '08', carrier: 'cmcc' },
  { mnc: '01', carrier: 'cucc' },
  { mnc: '06', carrier: 'cucc' },
  { mnc: '09', carrier: 'cucc' },
  { mnc: '03', carrier: 'ctcc' },
  { mnc: '05', carrier: 'ctcc' },
  { mnc: '11', carrier: 'ctcc' },
  { mnc: '15', carrier: 'cbn' },
  // Listed for China Mobile IoT by some tables, for a satellite operator by others.
  { mnc: '04', carrier: null, note: 'ambiguous' },
  // China Tietong GSM-R (railway) network.
  { mnc: '20', carrier: null, note: 'railway' },
];

export function findImsiMnc(mnc: string): ImsiMncEntry | null {
  return IMSI_MNCS.find((e) => e.mnc === mnc) ?? null;
}

export interface IccidIssuer {
  /** First 6 digits: 89 (telecom) + 86 (China) + 2-digit issuer. */
  prefix: string;
  carrier: CarrierCode;
}

/** China Broadnet's issuer prefix is unconfirmed, so it is not listed. */
export const ICCID_ISSUERS: readonly IccidIssuer[] = [
  { prefix: '898600', carrier: 'cmcc' },
  { prefix: '898602', carrier: 'cmcc' },
  { prefix: '898604', carrier: 'cmcc' },
  { prefix: '898607', carrier: 'cmcc' },
  { prefix: '898601', carrier: 'cucc' },
  { prefix: '898606', carrier: 'cucc' },
  { prefix: '898609', carrier: 'cucc' },
  { prefix: '898603', carrier: 'ctcc' },
  { prefix: '898611', carrier: 'ctcc' },
];

export function findIccidIssuer(prefix6: string): IccidIssuer | null {
  return ICCID_ISSUERS.find((e) => e.prefix === prefix6) ?? null;
}

/**
 * First two digits of a resident ID: province-level codes (GB 11643-1999 / GB/T 2260), plus 83 for
 * residence permits of Taiwan residents.
 */
export const PROVINCE_CODES: readonly string[] = [
  ...spread(11, 15),
  ...spread(21, 23),
  ...spread(31, 37),
  ...spread(41, 46),
  ...spread(50, 54),
  ...spread(61, 65),
  '71',
  '81',
  '82',
  '83',
];
