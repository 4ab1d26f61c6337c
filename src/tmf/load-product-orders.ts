// Reads TMF622 orders for the API: one by id, or a filtered page (state, orderDate with operators,
// id, externalId), newest first. An MVNO partner's client sees only its brand's lines' orders.
import type { Kysely } from 'kysely';
import type { AppContext } from '../context.ts';
import type { DB, RequestStatus } from '../db/schema.ts';
import type { MachineClient } from '../http/machine-auth.ts';
import { maskName } from '../identity/confirm-real-name.ts';
import type { DateOp } from './list-params.ts';
import type { OrderFacts, ProductOrderState } from './product-order.ts';

/** The request statuses behind each order state (orderState's inverse; rejected also covers refused orders). */
const STATUSES_OF: Partial<Record<ProductOrderState, RequestStatus[]>> = {
  inProgress: ['pending_review', 'approved', 'executing'],
  assessingCancellation: ['pending_review'],
  completed: ['completed'],
  rejected: ['rejected'],
  cancelled: ['withdrawn'],
  held: ['needs_attention'],
};

export interface OrderFilter {
  ids?: string[] | null;
  states?: ProductOrderState[] | null;
  externalId?: string;
  orderDate?: Array<{ op: DateOp; at: Date }>;
  offset: number;
  limit: number;
}

function baseQuery(db: Kysely<DB>, client: MachineClient) {
  let q = db.selectFrom('tmf_product_orders as o')
    .innerJoin('customers as c', 'c.id', 'o.customer_id')
    .leftJoin('cancellation_requests as r', 'r.id', 'o.request_id');
  if (client.mvnoCode !== null) q = q.innerJoin('lines as l', 'l.id', 'o.line_id').where('l.mvno_code', '=', client.mvnoCode);
  return q;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function toFacts(ctx: AppContext, rows: Array<Record<string, unknown>>): Promise<OrderFacts[]> {
  const ids = rows.map((r) => r.id as string);
  const cancels = ids.length
    ? await ctx.db.selectFrom('tmf_cancel_product_orders').select(['product_order_id', 'state', 'cancellation_reason', 'effective_cancellation_date'])
      .where('product_order_id', 'in', ids).execute()
    : [];
  return rows.map((r) => {
    const mine = cancels.filter((c) => c.product_order_id === r.id);
    const done = mine.find((c) => c.state === 'done');
    return {
      id: r.id as string,
      externalId: r.external_id as string | null,
      description: r.description as string | null,
      orderItemId: r.order_item_id as string,
      lineId: r.line_id as string,
      orderDate: r.order_date as Date,
      requestedStartDate: r.requested_start_date as Date | null,
      requestedCompletionDate: r.requested_completion_date as Date | null,
      blockers: r.blockers as Array<{ code: string; message: string }>,
      customer: { id: r.customer_id as string, maskedName: maskName(ctx.vault.decrypt(r.name_enc as string)), kind: r.kind as 'person' | 'company' },
      request: r.request_id ? {
        id: r.request_id as string, reference: r.reference as string, status: r.status as RequestStatus, updatedAt: r.updated_at as Date,
        completedAt: r.completed_at as Date | null, rejectionReason: r.rejection_reason as string | null, decidedAt: r.decided_at as Date | null,
      } : null,
      cancellationAssessing: mine.some((c) => c.state === 'acknowledged' || c.state === 'inProgress'),
      cancellation: done ? { date: done.effective_cancellation_date ?? new Date(), reason: done.cancellation_reason } : null,
    };
  });
}

const COLUMNS = [
  'o.id', 'o.external_id', 'o.description', 'o.order_item_id', 'o.line_id', 'o.order_date', 'o.requested_start_date', 'o.requested_completion_date',
  'o.blockers', 'o.customer_id', 'o.request_id', 'c.name_enc', 'c.kind', 'r.reference', 'r.status', 'r.updated_at', 'r.completed_at', 'r.rejection_reason', 'r.decided_at',
] as const;

export async function loadProductOrder(ctx: AppContext, client: MachineClient, id: string): Promise<OrderFacts | null> {
  if (!UUID.test(id)) return null;
  const row = await baseQuery(ctx.db, client).select(COLUMNS).where('o.id', '=', id).executeTakeFirst();
  return row ? (await toFacts(ctx, [row]))[0] : null;
}

export async function listProductOrders(ctx: AppContext, client: MachineClient, f: OrderFilter): Promise<{ total: number; items: OrderFacts[] }> {
  let q = baseQuery(ctx.db, client);
  if (f.ids) {
    const ids = f.ids.filter((i) => UUID.test(i));
    if (!ids.length) return { total: 0, items: [] };
    q = q.where('o.id', 'in', ids);
  }
  if (f.externalId !== undefined) q = q.where('o.external_id', '=', f.externalId);
  for (const d of f.orderDate ?? []) q = q.where('o.order_date', d.op, d.at);
  if (f.states) {
    const statuses = [...new Set(f.states.flatMap((s) => STATUSES_OF[s] ?? []))];
    const refused = f.states.includes('rejected');
    if (!statuses.length && !refused) return { total: 0, items: [] };
    q = q.where((eb) => eb.or([
      ...(statuses.length ? [eb('r.status', 'in', statuses)] : []),
      ...(refused ? [eb('o.request_id', 'is', null)] : []),
    ]));
  }
  const [{ n }] = await q.select((eb) => eb.fn.countAll<number>().as('n')).execute();
  const rows = await q.select(COLUMNS).orderBy('o.order_date', 'desc').orderBy('o.id').offset(f.offset).limit(f.limit).execute();
  return { total: Number(n), items: await toFacts(ctx, rows) };
}
