// Finds one of the signed-in person's lines by number, IMSI or ICCID. What the user typed is
// checked by the identifiers module first, so a mistyped identifier gets a precise message.
import type { AppContext } from '../context.ts';
import { checkIccid, checkImsi, checkMsisdn } from '../identifiers/index.ts';
import { AppError } from '../shared/errors.ts';
import { loadLineViews, sameIdCustomerIds, type LineView } from './list-my-lines.ts';

export function classifyLineQuery(q: string): { column: 'msisdn' | 'imsi' | 'iccid'; value: string } {
  const compact = q.replace(/[\s-]/g, '');
  const digits = compact.replace(/^\+/, '');
  const kind = compact.startsWith('89') && compact.length >= 18 ? 'iccid' : digits.length === 15 && digits.startsWith('460') ? 'imsi' : 'msisdn';
  const r = kind === 'iccid' ? checkIccid(compact) : kind === 'imsi' ? checkImsi(compact) : checkMsisdn(q);
  if (!r.valid || !r.normalized) {
    throw new AppError('invalid_identifier', r.errors[0]?.message ?? 'That is not a number, IMSI or ICCID.', { kind, errors: r.errors });
  }
  return { column: kind, value: r.normalized };
}

export async function findMyLine(ctx: AppContext, customerId: string, query: string): Promise<LineView> {
  const { column, value } = classifyLineQuery(query);
  const customerIds = await sameIdCustomerIds(ctx.db, customerId);
  const hit = await ctx.db.selectFrom('lines').select('id').where(column, '=', value).where('customer_id', 'in', customerIds).orderBy('updated_at', 'desc').executeTakeFirst();
  if (!hit) throw new AppError('not_found', `No line of yours has that ${column === 'msisdn' ? 'number' : column.toUpperCase()}.`);
  const [view] = await loadLineViews(ctx.db, { lineIds: [hit.id] });
  return view;
}
