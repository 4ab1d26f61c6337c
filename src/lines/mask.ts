// Masks for identifiers shown on screens, certificates and public pages.
/** +8613812345678 or 13812345678 → 138****5678 */
export const maskMsisdn = (m: string) => {
  const n = m.replace(/^\+86/, '');
  return n.length === 11 ? `${n.slice(0, 3)}****${n.slice(7)}` : n.replace(/\d(?=\d{4})/g, '*');
};
/** Keeps the issuer prefix and the last 4: 898600********1234 */
export const maskIccid = (v: string) => (v.length > 10 ? `${v.slice(0, 6)}${'*'.repeat(v.length - 10)}${v.slice(-4)}` : v);
export const maskImsi = (v: string) => (v.length > 9 ? `${v.slice(0, 5)}${'*'.repeat(v.length - 9)}${v.slice(-4)}` : v);
export const maskEid = (v: string) => (v.length > 12 ? `${v.slice(0, 8)}${'*'.repeat(v.length - 12)}${v.slice(-4)}` : v);
/** 110101199003071234 → 1101**********1234 */
export const maskIdNumber = (v: string) => (v.length > 8 ? `${v.slice(0, 4)}${'*'.repeat(v.length - 8)}${v.slice(-4)}` : '****');
