// The carriers with their current settings, for the admin screen.
import type { AppContext } from '../context.ts';
import type { CarrierSettings } from '../db/schema.ts';

export interface CarrierView {
  code: string;
  nameZh: string;
  nameEn: string;
  hotline: string;
  settings: CarrierSettings;
  updatedAt: string;
}

export async function listCarriers(ctx: AppContext): Promise<CarrierView[]> {
  const rows = await ctx.db.selectFrom('carriers').selectAll().orderBy('code').execute();
  return rows.map((c) => ({
    code: c.code, nameZh: c.name_zh, nameEn: c.name_en, hotline: c.hotline, settings: c.settings as CarrierSettings, updatedAt: c.updated_at.toISOString(),
  }));
}
