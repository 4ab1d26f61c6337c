// CAMARA Number Recycling v0: has this number changed owner since a date? True when a line on the
// number was cancelled on or after `specifiedDate` (China calendar day) and the number has since
// been given to someone else: a later line on it belongs to a person with another ID document. A
// number recovered by its former owner (号码恢复) is not recycled. The history is the number's
// succession of lines (each with its owner, activation day and cancellation time) and its
// number_pool entry; a number in neither is not the carrier's (NOT_FOUND).
import { sql } from 'kysely';
import type { AppContext } from '../context.ts';
import { chinaDate } from '../billing/final-bill.ts';
import { CamaraError } from './camara-error.ts';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function checkDate(text: string): string {
  const m = DATE.exec(text);
  const d = m ? new Date(`${text}T00:00:00Z`) : null;
  if (!m || !d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== text) {
    throw new CamaraError(400, 'INVALID_ARGUMENT', 'specifiedDate must be a calendar date, YYYY-MM-DD.');
  }
  return text;
}

export async function checkNumberRecycling(ctx: AppContext, input: { phoneNumber: string; specifiedDate: string }): Promise<{ phoneNumberRecycled: boolean }> {
  const day = checkDate(input.specifiedDate);
  if (day > chinaDate(ctx.now())) throw new CamaraError(400, 'OUT_OF_RANGE', 'specifiedDate is in the future.');
  const msisdn = input.phoneNumber;
  if (!/^\+861[0-9]{10}$/.test(msisdn)) throw new CamaraError(404, 'NOT_FOUND', 'The phone number is not one of this carrier\'s.');
  const held = await ctx.db.selectFrom('number_pool').select('msisdn').where('msisdn', '=', msisdn)
    .union(ctx.db.selectFrom('lines').select('msisdn').where('msisdn', '=', msisdn)).executeTakeFirst();
  if (!held) throw new CamaraError(404, 'NOT_FOUND', 'The phone number is not one of this carrier\'s.');
  // Midnight of the specified day, China time (UTC+8).
  const since = new Date(`${day}T00:00:00+08:00`);
  const { rows } = await sql<{ recycled: boolean }>`
    SELECT EXISTS (
      SELECT 1 FROM lines old
      JOIN customers old_owner ON old_owner.id = old.customer_id
      JOIN lines later ON later.msisdn = old.msisdn AND later.id <> old.id
      JOIN customers new_owner ON new_owner.id = later.customer_id
      WHERE old.msisdn = ${msisdn} AND old.status = 'cancelled' AND old.cancelled_at >= ${since}
        AND later.activated_at >= ((old.cancelled_at AT TIME ZONE 'UTC') + interval '8 hours')::date
        AND new_owner.id_blind <> old_owner.id_blind
    ) AS recycled`.execute(ctx.db);
  return { phoneNumberRecycled: rows[0]?.recycled === true };
}
