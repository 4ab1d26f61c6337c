// TMF622 CancelProductOrder: withdraws an order whose request still waits for review (through
// withdrawCancellation, the client acting for the subscriber), decided at once and stored in the
// same transaction as the withdrawal: `done` (the order is cancelled) or `terminatedWithError` with
// the reason (review already decided, executing…).
import crypto from 'node:crypto';
import type { AppContext } from '../context.ts';
import type { TmfCancelProductOrdersTable } from '../db/schema.ts';
import type { MachineClient } from '../http/machine-auth.ts';
import { AppError } from '../shared/errors.ts';
import { withdrawCancellation } from '../cancellation/withdraw-cancellation.ts';
import { loadProductOrder } from './load-product-orders.ts';
import { PRODUCT_ORDERING_BASE, productOrderHref } from './product-order.ts';
import type { Selectable } from 'kysely';

export interface CancelOrderInput { productOrder: { id: string }; cancellationReason?: string; requestedCancellationDate?: string }

type Row = Selectable<TmfCancelProductOrdersTable>;

/** The CancelProductOrder resource (TMF622 v4). */
export function toCancelProductOrder(row: Row, baseUrl: string): Record<string, unknown> {
  const base = baseUrl.replace(/\/$/, '');
  return {
    id: row.id,
    href: `${base}${PRODUCT_ORDERING_BASE}/cancelProductOrder/${row.id}`,
    state: row.state,
    ...(row.cancellation_reason ? { cancellationReason: row.cancellation_reason } : {}),
    ...(row.effective_cancellation_date ? { effectiveCancellationDate: new Date(row.effective_cancellation_date).toISOString() } : {}),
    creationDate: new Date(row.creation_date).toISOString(),
    ...(row.error_message ? { errorMessage: row.error_message } : {}),
    productOrder: { id: row.product_order_id, href: productOrderHref(baseUrl, row.product_order_id), '@referredType': 'ProductOrder', '@type': 'ProductOrderRef' },
    '@type': 'CancelProductOrder',
  };
}

export async function cancelProductOrder(ctx: AppContext, client: MachineClient, input: CancelOrderInput, ip: string): Promise<Row> {
  const order = await loadProductOrder(ctx, client, input.productOrder.id);
  if (!order) throw new AppError('validation_failed', `There is no product order with the id ${input.productOrder.id}.`, { productOrderId: input.productOrder.id });
  // The withdrawal and the task that records it commit together: a crash leaves neither or both.
  return ctx.db.transaction().execute(async (trx) => {
    let outcome: Pick<Row, 'state' | 'error_message' | 'effective_cancellation_date'>;
    try {
      if (!order.request) throw new AppError('conflict', 'The order was rejected when it was placed; there is nothing to cancel.');
      await withdrawCancellation(ctx, { customerId: order.customer.id, ip }, order.request.id, { kind: 'client', id: client.clientId, ip }, trx);
      outcome = { state: 'done', error_message: null, effective_cancellation_date: ctx.now() };
    } catch (e) {
      // Refusals are thrown before anything is written; anything else rolls the whole task back.
      if (!(e instanceof AppError) || (e.code !== 'conflict' && e.code !== 'not_found')) throw e;
      const state = order.request?.status;
      outcome = {
        state: 'terminatedWithError', effective_cancellation_date: null,
        error_message: state ? `The order can only be cancelled while it is in review; its request is ${state} now.` : e.message,
      };
    }
    return trx.insertInto('tmf_cancel_product_orders').values({
      id: crypto.randomUUID(), product_order_id: order.id, client_id: client.clientId, cancellation_reason: input.cancellationReason ?? null, ...outcome,
    }).returningAll().executeTakeFirstOrThrow();
  });
}

export async function loadCancelProductOrders(ctx: AppContext, client: MachineClient, f: { id?: string; offset: number; limit: number }): Promise<{ total: number; items: Row[] }> {
  let q = ctx.db.selectFrom('tmf_cancel_product_orders as k');
  if (client.mvnoCode !== null) {
    q = q.innerJoin('tmf_product_orders as o', 'o.id', 'k.product_order_id').innerJoin('lines as l', 'l.id', 'o.line_id').where('l.mvno_code', '=', client.mvnoCode);
  }
  if (f.id !== undefined) {
    if (!/^[0-9a-f-]{36}$/i.test(f.id)) return { total: 0, items: [] };
    q = q.where('k.id', '=', f.id);
  }
  const [{ n }] = await q.select((eb) => eb.fn.countAll<number>().as('n')).execute();
  const items = await q.selectAll('k').orderBy('k.creation_date', 'desc').orderBy('k.id').offset(f.offset).limit(f.limit).execute();
  return { total: Number(n), items };
}
