// The stores an admin picks from when creating a clerk: every store, by carrier and name.
import type { AppContext } from '../context.ts';

export async function listStoreChoices(ctx: Pick<AppContext, 'db'>) {
  const rows = await ctx.db.selectFrom('stores').select(['id', 'carrier', 'name_zh', 'name_en', 'province']).orderBy('carrier').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, carrier: r.carrier, name: { zh: r.name_zh, en: r.name_en }, province: r.province }));
}
