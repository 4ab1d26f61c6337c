// Certificate serial numbers (证明编号), e.g. ZX-CMCC-20261125-000123-K. Pure: no I/O.
//
//   ZX - <carrier code> - <completion date, Beijing time, YYYYMMDD> - <6-digit sequence> - <check letter>
//
// The carrier code is the carrier's or MVNO's code upper-cased (cmcc -> CMCC, xiaomi_mobile ->
// XIAOMI_MOBILE).
//
// Check letter: a weighted sum mod 23, mapped onto 23 letters (A-Z without I, O and Q, which
// read as 1 and 0). The 14 digits (date and sequence) have weights 1..14; the carrier code's
// characters (0-9, A=10 .. Z=35, _=36) have weights 15..22, repeating. 23 is prime and every
// digit weight is below it and distinct, so any single mistyped digit and any swap of two
// digits changes the letter; most typos in the carrier code do too.

const CHECK_LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ'; // 23 letters
const CARRIER_CODE = /^[A-Z][A-Z0-9_]{1,19}$/;
const SERIAL = /^ZX-([A-Z][A-Z0-9_]{1,19})-(\d{8})-(\d{6})-([A-Z])$/;
const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000; // UTC+8 all year

export const MAX_SEQUENCE = 999_999;

export type ParsedSerial = {
  /** The serial in canonical form (upper case, no surrounding spaces). */
  serial: string;
  carrierCode: string;
  /** Completion date in Beijing time, YYYY-MM-DD. */
  date: string;
  seq: number;
};

/** The check letter for a carrier code and the 14 digits (YYYYMMDD + 6-digit sequence). */
export function checkLetter(carrierCode: string, digits: string): string {
  if (!/^\d{14}$/.test(digits) || !CARRIER_CODE.test(carrierCode)) throw new RangeError('checkLetter needs a carrier code and 14 digits');
  let sum = 0;
  for (let i = 0; i < digits.length; i++) sum += Number(digits[i]) * (i + 1);
  for (let i = 0; i < carrierCode.length; i++) {
    const c = carrierCode[i];
    sum += (c === '_' ? 36 : parseInt(c, 36)) * (15 + (i % 8));
  }
  return CHECK_LETTERS[sum % 23];
}

/** The serial for the seq-th certificate of a carrier on the Beijing date of completedAt. */
export function makeSerial(carrierCode: string, completedAt: Date, seq: number): string {
  const code = carrierCode.toUpperCase();
  if (!CARRIER_CODE.test(code)) throw new RangeError(`carrier code must be 2-20 letters, digits or _, starting with a letter: ${carrierCode}`);
  if (Number.isNaN(completedAt.getTime())) throw new RangeError('completedAt is not a valid date');
  if (!Number.isInteger(seq) || seq < 0 || seq > MAX_SEQUENCE) throw new RangeError(`seq must be an integer from 0 to ${MAX_SEQUENCE}`);
  const beijing = new Date(completedAt.getTime() + BEIJING_OFFSET_MS);
  const year = beijing.getUTCFullYear();
  if (year < 2000 || year > 9999) throw new RangeError('completedAt is out of range');
  const date = `${year}${pad(beijing.getUTCMonth() + 1, 2)}${pad(beijing.getUTCDate(), 2)}`;
  const digits = date + pad(seq, 6);
  return `ZX-${code}-${date}-${pad(seq, 6)}-${checkLetter(code, digits)}`;
}

/** True only for a serial in canonical form with a real date and the right check letter. */
export function isWellFormedSerial(s: string): boolean {
  return parseSerial(s)?.serial === s;
}

/** Reads a serial as a person may type it (any case, surrounding spaces); undefined when it is not valid. */
export function parseSerial(input: string): ParsedSerial | undefined {
  if (typeof input !== 'string') return undefined;
  const serial = input.trim().toUpperCase();
  const m = SERIAL.exec(serial);
  if (!m) return undefined;
  const [, carrierCode, date, seq, letter] = m;
  const y = Number(date.slice(0, 4));
  const mo = Number(date.slice(4, 6));
  const d = Number(date.slice(6, 8));
  const real = new Date(Date.UTC(y, mo - 1, d));
  if (y < 2000 || real.getUTCFullYear() !== y || real.getUTCMonth() !== mo - 1 || real.getUTCDate() !== d) return undefined;
  if (checkLetter(carrierCode, date + seq) !== letter) return undefined;
  return { serial, carrierCode, date: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`, seq: Number(seq) };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
