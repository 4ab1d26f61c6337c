// An admin replaces a carrier's settings. Every field is validated; the change and what it changed
// (field by field, before and after) go to the audit trail in the same transaction.
import { sql } from 'kysely';
import type { AppContext } from '../context.ts';
import type { CarrierSettings } from '../db/schema.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { AppError } from '../shared/errors.ts';
import { settingsChanges, validateCarrierSettings } from './carrier-settings-rules.ts';
import type { CarrierView } from './list-carriers.ts';

export async function updateCarrierSettings(
  ctx: AppContext,
  who: { staffId: string; ip: string },
  code: string,
  input: unknown,
): Promise<CarrierView & { changed: string[] }> {
  const settings = validateCarrierSettings(input);
  return ctx.db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('carriers').selectAll().where('code', '=', code as never).forUpdate().executeTakeFirst();
    if (!current) throw new AppError('not_found', `No carrier has the code ${code}.`);
    const changes = settingsChanges(current.settings as CarrierSettings, settings);
    const updated = await trx.updateTable('carriers').set({ settings: JSON.stringify(settings), updated_at: sql<Date>`now()` })
      .where('code', '=', current.code).returningAll().executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actorKind: 'staff', actorId: who.staffId, ip: who.ip, action: 'carrier.settings_update', subject: `carrier:${current.code}`, details: { changes },
    });
    return {
      code: updated.code, nameZh: updated.name_zh, nameEn: updated.name_en, hotline: updated.hotline, settings: updated.settings as CarrierSettings,
      updatedAt: updated.updated_at.toISOString(), changed: Object.keys(changes),
    };
  });
}
