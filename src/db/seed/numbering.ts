/**
 * Unique line identifiers for demo data, drawn from the real numbering tables of
 * src/identifiers/ranges.ts: MSISDNs from the carrier's (or MVNO host's) prefix ranges, IMSIs with the
 * carrier's MNC, ICCIDs with the carrier's issuer prefix and a Luhn check digit, and EIDs with their
 * MOD 97 check digits. Every space is walked through a keyed permutation, so values never repeat
 * within a run and no set of issued values has to be kept. Pure.
 */
import {
  makeEid,
  makeIccid,
  makeImsi,
  makeMsisdn,
  msisdnRangesOf,
  type CarrierCode,
} from '../../identifiers/index.ts';
import { createPermutation, hash32, pad, type Random } from './random.ts';

/** MNCs each carrier assigns, with rough shares. */
const MNCS: Readonly<Record<CarrierCode, ReadonlyArray<readonly [string, number]>>> = {
  cmcc: [['00', 50], ['02', 25], ['07', 15], ['08', 10]],
  cucc: [['01', 80], ['06', 10], ['09', 10]],
  ctcc: [['11', 70], ['03', 20], ['05', 10]],
  cbn: [['15', 1]],
};

/**
 * ICCID issuer prefixes (89 + 86 + issuer). China Broadnet's is unconfirmed in domain.md; the demo
 * data uses 898615 (after its MNC 15), which checkIccid accepts with an `unknown_issuer` warning.
 */
export const DEMO_ICCID_ISSUERS: Readonly<Record<CarrierCode, ReadonlyArray<readonly [string, number]>>> = {
  cmcc: [['898600', 55], ['898602', 20], ['898604', 10], ['898607', 15]],
  cucc: [['898601', 80], ['898606', 10], ['898609', 10]],
  ctcc: [['898603', 40], ['898611', 60]],
  cbn: [['898615', 1]],
};

/** eUICC manufacturers' 3-digit codes used in demo EIDs (after 89 and the country code 086). */
const EUM_CODES = ['001', '033', '049', '102'];

export interface ReservedIdentifiers {
  msisdn: ReadonlySet<string>;
  imsi: ReadonlySet<string>;
  iccid: ReadonlySet<string>;
  eid: ReadonlySet<string>;
}

interface Space {
  perm: (i: number) => number;
  size: number;
  next: number;
}

/** True when the last four digits are the same ("lucky" numbers such as …8888 are kept apart). */
function endsInFourOfAKind(digits: string): boolean {
  const n = digits.length;
  return digits[n - 1] === digits[n - 2] && digits[n - 2] === digits[n - 3] && digits[n - 3] === digits[n - 4];
}

export class NumberAllocator {
  private readonly spaces = new Map<string, Space>();

  constructor(
    private readonly seed: number,
    private readonly reserved: ReservedIdentifiers,
  ) {}

  private take(name: string, size: number): number {
    let space = this.spaces.get(name);
    if (!space) {
      space = { perm: createPermutation(size, hash32(`${name}:${this.seed}`)), size, next: 0 };
      this.spaces.set(name, space);
    }
    if (space.next >= space.size) throw new Error(`Demo numbering space ${name} is exhausted.`);
    return space.perm(space.next++);
  }

  /**
   * A new MSISDN (E.164) of `carrier`: from its own ranges, or from its MVNO ranges when `mvno` is
   * true. Data-only ranges (145/147/149) are not used. Lucky numbers end in four equal digits (never
   * 4444) and ordinary numbers never do, so the two never collide.
   */
  msisdn(rnd: Random, carrier: CarrierCode, opts: { mvno?: boolean; lucky?: boolean } = {}): string {
    const ranges = msisdnRangesOf(carrier, { mvno: opts.mvno ?? false }).filter((r) => !r.dataOnly);
    const range = rnd.weighted(ranges.map((r) => [r, r.prefix.length === 3 ? 1 : r.prefix.length === 4 ? 0.15 : 0.03] as const));
    const width = 11 - range.prefix.length;
    for (;;) {
      let subscriber: string;
      if (opts.lucky) {
        const v = this.take(`msisdn-lucky:${range.prefix}`, 10 ** (width - 4) * 10);
        const digit = v % 10;
        if (digit === 4) continue;
        subscriber = pad(Math.floor(v / 10), width - 4) + String(digit).repeat(4);
      } else {
        subscriber = pad(this.take(`msisdn:${range.prefix}`, 10 ** width), width);
        if (endsInFourOfAKind(subscriber)) continue;
      }
      const msisdn = makeMsisdn(range.prefix, subscriber);
      if (!this.reserved.msisdn.has(msisdn)) return msisdn;
    }
  }

  /** A new IMSI with one of the carrier's MNCs. */
  imsi(rnd: Random, carrier: CarrierCode): string {
    const mnc = rnd.weighted(MNCS[carrier]);
    for (;;) {
      const imsi = makeImsi(mnc, pad(this.take(`imsi:${mnc}`, 10 ** 10), 10));
      if (!this.reserved.imsi.has(imsi)) return imsi;
    }
  }

  /**
   * A new 20-digit ICCID of the carrier: issuer prefix + issue year (2) + province (2) + serial (9)
   * + Luhn check digit. The serial is unique per issuer, so the ICCID is unique.
   */
  iccid(rnd: Random, carrier: CarrierCode, issued: { year: number; province: string }): string {
    const issuer = rnd.weighted(DEMO_ICCID_ISSUERS[carrier]);
    for (;;) {
      const serial = pad(this.take(`iccid:${issuer}`, 10 ** 9), 9);
      const iccid = makeIccid(issuer, `${pad(issued.year % 100, 2)}${issued.province}${serial}`);
      if (!this.reserved.iccid.has(iccid)) return iccid;
    }
  }

  /** A new EID: 89 + 086 + manufacturer + 0100 + 18-digit serial + 2 check digits. */
  eid(rnd: Random): string {
    const eum = rnd.pick(EUM_CODES);
    for (;;) {
      const eid = makeEid(`89086${eum}0100${pad(this.take('eid', 10 ** 12), 18)}`);
      if (!this.reserved.eid.has(eid)) return eid;
    }
  }
}
