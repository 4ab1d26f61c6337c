// An admin changes whether an MVNO brand takes forwarded cancellations, and its hotline; audited.
import type { AppContext } from '../context.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { AppError } from '../shared/errors.ts';
import type { MvnoBrandView } from './list-mvno-brands.ts';

/** A hotline as printed: 5 to 20 digits, optionally grouped with single dashes (10086, 4006-100-558). */
export const HOTLINE_PATTERN = '^[0-9]+(-[0-9]+)*$';

export async function updateMvnoBrand(
  ctx: AppContext,
  who: { staffId: string; ip: string },
  code: string,
  input: { acceptsForwarded: boolean; hotline: string },
): Promise<MvnoBrandView> {
  const hotline = input.hotline.trim();
  const digits = hotline.replace(/-/g, '').length;
  if (!new RegExp(HOTLINE_PATTERN).test(hotline) || digits < 5 || digits > 20) {
    throw new AppError('validation_failed', 'The hotline is 5 to 20 digits, optionally grouped with dashes (4006-100-558).', { field: 'hotline' });
  }
  if (typeof input.acceptsForwarded !== 'boolean') throw new AppError('validation_failed', 'acceptsForwarded must be true or false.', { field: 'acceptsForwarded' });
  return ctx.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('mvno_brands').selectAll().where('code', '=', code).forUpdate().executeTakeFirst();
    if (!before) throw new AppError('not_found', `No MVNO brand has the code ${code}.`);
    const b = await trx.updateTable('mvno_brands').set({ accepts_forwarded: input.acceptsForwarded, hotline })
      .where('code', '=', code).returningAll().executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actorKind: 'staff', actorId: who.staffId, ip: who.ip, action: 'mvno.update', subject: `mvno:${code}`,
      details: {
        acceptsForwarded: { from: before.accepts_forwarded, to: b.accepts_forwarded },
        hotline: { from: before.hotline, to: b.hotline },
      },
    });
    return { code: b.code, nameZh: b.name_zh, nameEn: b.name_en, hostCarrier: b.host_carrier, hotline: b.hotline, acceptsForwarded: b.accepts_forwarded };
  });
}
