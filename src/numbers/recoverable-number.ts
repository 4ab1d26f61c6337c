// A number the signed-in person may recover: frozen, its freeze not over, and its former owner
// registered under the same ID document as the person (the blind index says so). Every other case
// gets the same answer, so the check reveals nothing about other people's numbers.
import type { AppContext } from '../context.ts';
import { AppError } from '../shared/errors.ts';
import { sameIdCustomerIds } from '../lines/list-my-lines.ts';

export interface RecoverableNumber {
  msisdn: string;
  carrier: string;
  formerLineId: string | null;
  formerCustomerId: string;
  frozenUntil: Date;
}

export async function findRecoverableNumber(ctx: AppContext, customerId: string, msisdn: string): Promise<RecoverableNumber> {
  const [row, mine] = await Promise.all([
    ctx.db.selectFrom('number_pool').select(['msisdn', 'carrier', 'state', 'line_id', 'former_customer_id', 'frozen_until']).where('msisdn', '=', msisdn).executeTakeFirst(),
    sameIdCustomerIds(ctx.db, customerId),
  ]);
  const until = row?.frozen_until ? new Date(row.frozen_until) : null;
  if (!row || row.state !== 'frozen' || !until || until <= ctx.now() || !row.former_customer_id || !mine.includes(row.former_customer_id)) {
    throw new AppError('not_found', 'None of your cancelled numbers in its freeze period has that number.');
  }
  return { msisdn: row.msisdn, carrier: row.carrier, formerLineId: row.line_id, formerCustomerId: row.former_customer_id, frozenUntil: until };
}

export const RECOVERY_CODE_TTL_SECONDS = 300;
export const MAX_RECOVERY_ATTEMPTS = 5;

export const recoveryCodeHash = (ctx: AppContext, msisdn: string, customerId: string, code: string) =>
  ctx.vault.blindIndex(`${msisdn}:${customerId}:${code}`, 'recovery-code');
