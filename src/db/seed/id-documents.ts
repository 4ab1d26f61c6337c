/**
 * Unique, well-formed identity document numbers for demo customers. Each allocator maps a counter
 * through a keyed permutation, so numbers never repeat within one run and look random. Pure.
 */
import { makeResidentId, organizationCodeCheckChar, USCC_CHARSET, usccCheckChar } from '../../identifiers/index.ts';
import { MAINLAND_PROVINCE_CODES, SAMPLE_REGION_CODES } from '../../lines/provinces.ts';
import { createPermutation, hash32, pad } from './random.ts';

const DAY_MS = 86_400_000;
const BIRTH_FROM = Date.UTC(1945, 0, 1);
const BIRTH_TO = Date.UTC(2007, 11, 31); // adults by the time the demo runs
const BIRTH_DAYS = Math.round((BIRTH_TO - BIRTH_FROM) / DAY_MS) + 1;

export interface ResidentIdentity {
  idNumber: string;
  /** Province code of the issuing region (first two digits). */
  province: string;
  birthDate: string;
  sex: 'male' | 'female';
}

export type IdAllocator<T> = () => T;

/**
 * Unique resident ID numbers: a permutation of (mainland province × birth date 1945-2007 × sequence)
 * decoded into region code, YYYYMMDD and the 3-digit sequence; the check character is computed.
 * Numbers in `reserved` (e.g. the scenario customers') are skipped.
 */
export function residentIdAllocator(seed: number, reserved: ReadonlySet<string>): IdAllocator<ResidentIdentity> {
  const provinces = MAINLAND_PROVINCE_CODES;
  const size = provinces.length * BIRTH_DAYS * 1000;
  const perm = createPermutation(size, hash32(`resident-id:${seed}`));
  let counter = 0;
  return () => {
    for (;;) {
      const p = perm(counter++);
      const seq = p % 1000;
      const rest = Math.floor(p / 1000);
      const day = rest % BIRTH_DAYS;
      const province = provinces[Math.floor(rest / BIRTH_DAYS)];
      const birth = new Date(BIRTH_FROM + day * DAY_MS).toISOString().slice(0, 10);
      const idNumber = makeResidentId({ region6: SAMPLE_REGION_CODES[province], birthDate: birth.replaceAll('-', ''), seq3: pad(seq, 3) });
      if (reserved.has(idNumber)) continue;
      return { idNumber, province, birthDate: birth, sex: seq % 2 === 1 ? 'male' : 'female' };
    }
  };
}

/** 'E' + 8 digits: the format of current ordinary PRC passports. */
export function passportAllocator(seed: number): IdAllocator<string> {
  const perm = createPermutation(100_000_000, hash32(`passport:${seed}`));
  let counter = 0;
  return () => `E${pad(perm(counter++), 8)}`;
}

/** 'H' (Hong Kong) or 'M' (Macao) + 8 digits: the Mainland Travel Permit for Hong Kong and Macao Residents. */
export function hkMacaoPermitAllocator(seed: number): IdAllocator<string> {
  const perm = createPermutation(200_000_000, hash32(`hk-macao:${seed}`));
  let counter = 0;
  return () => {
    const v = perm(counter++);
    return `${v < 150_000_000 ? 'H' : 'M'}${pad(v % 100_000_000, 8)}`;
  };
}

/** 8 digits: the Mainland Travel Permit for Taiwan Residents (台胞证). */
export function taiwanPermitAllocator(seed: number): IdAllocator<string> {
  const perm = createPermutation(100_000_000, hash32(`taiwan:${seed}`));
  let counter = 0;
  return () => pad(perm(counter++), 8);
}

// Unified social credit code (统一社会信用代码, GB 32100-2015): the check rules live in src/identifiers/uscc.ts.
/**
 * A unified social credit code of an enterprise ('91') registered in `region6`: '91' + region +
 * organisation code ('MA' + 6 characters + check) + check character.
 */
export function makeUscc(region6: string, serial6: string): string {
  const org8 = `MA${serial6}`;
  const first17 = `91${region6}${org8}${organizationCodeCheckChar(org8)}`;
  return first17 + usccCheckChar(first17);
}

/** Unique unified social credit codes for demo companies: the organisation-code serial differs for every call. */
export function usccAllocator(seed: number): (region6: string) => string {
  const alphabet = USCC_CHARSET.slice(0, 30);
  const perm = createPermutation(30 ** 6, hash32(`uscc:${seed}`));
  let counter = 0;
  return (region6) => {
    let v = perm(counter++);
    let serial = '';
    for (let i = 0; i < 6; i++) {
      serial = alphabet[v % 30] + serial;
      v = Math.floor(v / 30);
    }
    return makeUscc(region6, serial);
  };
}
