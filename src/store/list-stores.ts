// The carrier's stores in a province, for a subscriber whose line can only be cancelled at a counter.
import type { AppContext } from '../context.ts';
import type { CarrierCode } from '../db/schema.ts';

export interface StoreView {
  id: string;
  carrier: CarrierCode;
  name: { zh: string; en: string };
  province: string;
}

export async function listStores(ctx: AppContext, where: { carrier: CarrierCode; province?: string }): Promise<StoreView[]> {
  let q = ctx.db.selectFrom('stores').select(['id', 'carrier', 'name_zh', 'name_en', 'province']).where('carrier', '=', where.carrier);
  if (where.province) q = q.where('province', '=', where.province);
  const rows = await q.orderBy('id').limit(50).execute();
  return rows.map((r) => ({ id: r.id, carrier: r.carrier, name: { zh: r.name_zh, en: r.name_en }, province: r.province }));
}
