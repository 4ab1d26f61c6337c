// The money of a cancellation, as pure functions. All amounts are integer fen.
// - The final bill: usage to date, the month's fee pro rata to the day of cancellation, and the
//   early-termination penalty when the customer accepts it.
// - Arrears accrue an overdue charge per mille per day (carrier setting).
// - Only cash is refundable: refund = cash balance − final bill, never below zero; promotional
//   credit is shown and forfeited.

export interface BillItem {
  code: 'usage' | 'monthly_fee_prorata' | 'penalty';
  amountFen: number;
}

export interface MoneyFacts {
  usageToDateFen: number;
  monthlyFeeFen: number;
  contractEnd: string | null; // YYYY-MM-DD
  penaltyFen: number; // fixed penalty from the contract; 0 = use the carrier's percentage
  penaltyRemainingFeePercent: number;
  cashBalanceFen: number;
  promoCreditFen: number;
  arrearsFen: number;
  arrearsSince: string | null;
  arrearsDailyPerMille: number;
}

/** Calendar date in China (UTC+8, no DST) as YYYY-MM-DD. */
export function chinaDate(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

function daysInMonth(year: number, month1: number): number {
  return new Date(Date.UTC(year, month1, 0)).getUTCDate();
}

export function proRataMonthlyFee(monthlyFeeFen: number, today: string): number {
  const [y, m, d] = today.split('-').map(Number);
  return Math.round((monthlyFeeFen * d) / daysInMonth(y, m));
}

/** Whole months left on the contract, counting a started month as one. 0 when it has ended. */
export function remainingContractMonths(contractEnd: string | null, today: string): number {
  if (!contractEnd || contractEnd <= today) return 0;
  const [y1, m1, d1] = today.split('-').map(Number);
  const [y2, m2, d2] = contractEnd.split('-').map(Number);
  let months = (y2 - y1) * 12 + (m2 - m1);
  if (d2 > d1) months += 1;
  return Math.max(1, months);
}

export function earlyTerminationPenalty(f: MoneyFacts, today: string): number {
  const months = remainingContractMonths(f.contractEnd, today);
  if (months === 0) return 0;
  if (f.penaltyFen > 0) return f.penaltyFen;
  return Math.round((months * f.monthlyFeeFen * f.penaltyRemainingFeePercent) / 100);
}

export function daysBetween(from: string, to: string): number {
  return Math.max(0, Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000));
}

/** Arrears plus the overdue charge accrued since they became due. */
export function arrearsDue(f: MoneyFacts, today: string): { arrearsFen: number; overdueFen: number; totalFen: number } {
  if (f.arrearsFen <= 0) return { arrearsFen: 0, overdueFen: 0, totalFen: 0 };
  const days = f.arrearsSince ? daysBetween(f.arrearsSince, today) : 0;
  const overdueFen = Math.round((f.arrearsFen * f.arrearsDailyPerMille * days) / 1000);
  return { arrearsFen: f.arrearsFen, overdueFen, totalFen: f.arrearsFen + overdueFen };
}

export interface Settlement {
  items: BillItem[];
  billTotalFen: number;
  cashBalanceFen: number;
  promotionalCreditFen: number;
  /** What the cash balance does not cover: must be paid before the line can be cancelled. */
  shortfallFen: number;
  refundableFen: number;
}

export function settle(f: MoneyFacts, today: string, acceptPenalty: boolean): Settlement {
  const items: BillItem[] = [
    { code: 'usage', amountFen: f.usageToDateFen },
    { code: 'monthly_fee_prorata', amountFen: proRataMonthlyFee(f.monthlyFeeFen, today) },
  ];
  const penalty = earlyTerminationPenalty(f, today);
  if (acceptPenalty && penalty > 0) items.push({ code: 'penalty', amountFen: penalty });
  const billTotalFen = items.reduce((sum, i) => sum + i.amountFen, 0);
  return {
    items,
    billTotalFen,
    cashBalanceFen: f.cashBalanceFen,
    promotionalCreditFen: f.promoCreditFen,
    shortfallFen: Math.max(0, billTotalFen - f.cashBalanceFen),
    refundableFen: Math.max(0, f.cashBalanceFen - billTotalFen),
  };
}

/**
 * What clearing a line's outstanding amount costs: the arrears with their overdue charge and the final
 * bill's shortfall, less what the cash balance offsets when the subscriber chooses the offset.
 */
export function outstandingPayment(f: MoneyFacts, today: string, acceptPenalty: boolean, offsetFromBalance: boolean): { dueFen: number; offsetFen: number; shortfallFen: number; chargeFen: number } {
  const dueFen = arrearsDue(f, today).totalFen;
  const offsetFen = offsetFromBalance ? Math.min(dueFen, Math.max(0, f.cashBalanceFen)) : 0;
  const shortfallFen = settle({ ...f, cashBalanceFen: f.cashBalanceFen - offsetFen }, today, acceptPenalty).shortfallFen;
  return { dueFen, offsetFen, shortfallFen, chargeFen: dueFen - offsetFen + shortfallFen };
}

export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
