// Reads lines as TMF637 products: one by id or a filtered page (status, id), in id order. An MVNO
// partner's client sees only its brand's lines.
import { sql, type Kysely } from 'kysely';
import type { AppContext } from '../context.ts';
import type { DB, LineStatus, RequestStatus } from '../db/schema.ts';
import type { MachineClient } from '../http/machine-auth.ts';
import { maskName } from '../identity/confirm-real-name.ts';
import { LIVE_STATUS_LITERALS } from '../cancellation/transitions.ts';
import type { ProductFacts, ProductStatus } from './product-inventory.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function baseQuery(db: Kysely<DB>, client: MachineClient) {
  let q = db.selectFrom('lines as l')
    .innerJoin('customers as c', 'c.id', 'l.customer_id')
    .leftJoin('cancellation_requests as r', (j) => j.onRef('r.line_id', '=', 'l.id').on(sql<boolean>`r.status IN (${sql.join(LIVE_STATUS_LITERALS)})`))
    .leftJoin('tmf_product_orders as o', 'o.request_id', 'r.id');
  if (client.mvnoCode !== null) q = q.where('l.mvno_code', '=', client.mvnoCode);
  return q;
}

const COLUMNS = [
  'l.id', 'l.status', 'l.msisdn', 'l.iccid', 'l.form_factor', 'l.carrier', 'l.mvno_code', 'l.plan_name', 'l.home_province', 'l.activated_at', 'l.cancelled_at',
  'l.customer_id', 'c.name_enc', 'c.kind', 'r.id as request_id', 'r.status as request_status', 'o.id as order_id',
] as const;

type Row = { id: string; status: LineStatus; msisdn: string; iccid: string; form_factor: 'physical' | 'esim'; carrier: string; mvno_code: string | null; plan_name: string; home_province: string; activated_at: string; cancelled_at: Date | null; customer_id: string; name_enc: string; kind: 'person' | 'company'; request_id: string | null; request_status: RequestStatus | null; order_id: string | null };

const toFacts = (ctx: AppContext, r: Row): ProductFacts => ({
  id: r.id, status: r.status, msisdn: r.msisdn, iccid: r.iccid, formFactor: r.form_factor, carrier: r.carrier, mvnoCode: r.mvno_code,
  planName: r.plan_name, homeProvince: r.home_province, activatedAt: r.activated_at, cancelledAt: r.cancelled_at,
  liveRequest: r.request_id ? { id: r.request_id, status: r.request_status!, tmfOrderId: r.order_id } : null,
  customer: { id: r.customer_id, maskedName: maskName(ctx.vault.decrypt(r.name_enc)), kind: r.kind },
});

export async function loadProduct(ctx: AppContext, client: MachineClient, id: string): Promise<ProductFacts | null> {
  if (!UUID.test(id)) return null;
  const row = await baseQuery(ctx.db, client).select(COLUMNS).where('l.id', '=', id).executeTakeFirst();
  return row ? toFacts(ctx, row as Row) : null;
}

export async function listProducts(ctx: AppContext, client: MachineClient, f: { ids?: string[] | null; statuses?: ProductStatus[] | null; offset: number; limit: number }): Promise<{ total: number; items: ProductFacts[] }> {
  let q = baseQuery(ctx.db, client);
  if (f.ids) {
    const ids = f.ids.filter((i) => UUID.test(i));
    if (!ids.length) return { total: 0, items: [] };
    q = q.where('l.id', 'in', ids);
  }
  if (f.statuses) {
    const s = f.statuses;
    q = q.where((eb) => eb.or([
      ...(s.includes('terminated') ? [eb('l.status', '=', 'cancelled')] : []),
      ...(s.includes('pendingTerminate') ? [eb.and([eb('l.status', '!=', 'cancelled'), eb('r.id', 'is not', null)])] : []),
      ...(s.includes('active') ? [eb.and([eb('l.status', '=', 'active'), eb('r.id', 'is', null)])] : []),
      ...(s.includes('suspended') ? [eb.and([eb('l.status', 'in', ['lost', 'suspended']), eb('r.id', 'is', null)])] : []),
      sql<boolean>`false`,
    ]));
  }
  const [{ n }] = await q.select((eb) => eb.fn.countAll<number>().as('n')).execute();
  const rows = await q.select(COLUMNS).orderBy('l.id').offset(f.offset).limit(f.limit).execute();
  return { total: Number(n), items: rows.map((r) => toFacts(ctx, r as Row)) };
}
