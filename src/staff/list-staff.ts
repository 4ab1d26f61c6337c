// Every staff account, for the admin: role, store, disabled or locked (from how many addresses). No password hashes.
import type { AppContext } from '../context.ts';
import { staffLocks } from './staff-locks.ts';
import { staffView, type StaffView } from './staff-rules.ts';

export async function listStaff(ctx: Pick<AppContext, 'db' | 'now'>): Promise<Array<StaffView & { storeName: { zh: string; en: string } | null }>> {
  const rows = await ctx.db.selectFrom('staff as s').leftJoin('stores as st', 'st.id', 's.store_id')
    .selectAll('s').select(['st.name_zh as store_zh', 'st.name_en as store_en'])
    .orderBy('s.role').orderBy('s.username').execute();
  const now = ctx.now();
  const locks = await staffLocks(ctx.db, rows.map((r) => r.username), now);
  return rows.map(({ store_zh, store_en, ...s }) => ({ ...staffView(s, now, locks.get(s.username)), storeName: store_zh ? { zh: store_zh, en: store_en! } : null }));
}
