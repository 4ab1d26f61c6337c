/** Test data for the eSIM tests: valid-looking identifiers (no real subscriber's). */

/** A valid EID (GSMA SGP.29): 30 digits, then check digits so the number mod 97 equals 1. */
export function makeEid(first30: string): string {
  if (!/^[0-9]{30}$/.test(first30)) throw new Error('need 30 digits');
  const check = 98n - (BigInt(`${first30}00`) % 97n);
  return `${first30}${check.toString().padStart(2, '0')}`;
}

export const EID_A = makeEid('890490320000000000000000000001');
export const EID_B = makeEid('890490320000000000000000000002');

/** 19-digit ICCIDs in China Mobile's 898600 range. */
export function iccid(n: number): string {
  return `8986001000000${String(n).padStart(6, '0')}`;
}
