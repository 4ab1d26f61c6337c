// The MVNO brands hosted on the base carriers, for the admin screen.
import type { AppContext } from '../context.ts';

export interface MvnoBrandView {
  code: string;
  nameZh: string;
  nameEn: string;
  hostCarrier: string;
  hotline: string;
  acceptsForwarded: boolean;
}

export async function listMvnoBrands(ctx: AppContext): Promise<MvnoBrandView[]> {
  const rows = await ctx.db.selectFrom('mvno_brands').selectAll().orderBy('host_carrier').orderBy('code').execute();
  return rows.map((b) => ({ code: b.code, nameZh: b.name_zh, nameEn: b.name_en, hostCarrier: b.host_carrier, hotline: b.hotline, acceptsForwarded: b.accepts_forwarded }));
}
