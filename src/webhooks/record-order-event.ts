// TMF622 events for the hub: ProductOrderCreateEvent when an order is placed, and
// ProductOrderStateChangeEvent when its request's transition changes the order's TMF state
// (pending_review → approved is inProgress both times: no event). Recorded in the caller's
// transaction. The listeners are those who may read the order through the API: hub listeners of
// clients bound to no MVNO and no company, and those of the MVNO that sold the line.
import type { Kysely, Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { DB, RequestStatus } from '../db/schema.ts';
import type { MachineClient } from '../http/machine-auth.ts';
import { loadProductOrder } from '../tmf/load-product-orders.ts';
import { orderState, toProductOrder } from '../tmf/product-order.ts';
import { envelope, recordEvent } from './record-event.ts';

const EVERY_ORDER: MachineClient = { clientId: 'zhuxiao', name: 'hub', scopes: [], mvnoCode: null, companyId: null };

async function recordOrderEvent(ctx: AppContext, trx: Transaction<DB>, orderId: string, eventType: 'ProductOrderCreateEvent' | 'ProductOrderStateChangeEvent') {
  // On PGlite a transaction's queries must all go through trx: the order is read with it.
  const inTrx = { ...ctx, db: trx as Kysely<DB> };
  const facts = await loadProductOrder(inTrx, EVERY_ORDER, orderId);
  if (!facts) return;
  const line = await trx.selectFrom('lines').select('mvno_code').where('id', '=', facts.lineId).executeTakeFirst();
  const listeners = await trx.selectFrom('webhook_subscriptions as s').innerJoin('machine_clients as c', 'c.client_id', 's.owner_id')
    .select('c.client_id').distinct()
    .where('s.owner_kind', '=', 'client').where('s.status', '=', 'active').where('c.revoked_at', 'is', null).where('c.company_id', 'is', null)
    .where((eb) => (line?.mvno_code ? eb.or([eb('c.mvno_code', 'is', null), eb('c.mvno_code', '=', line.mvno_code)]) : eb('c.mvno_code', 'is', null)))
    .execute();
  if (!listeners.length) return;
  const at = ctx.now();
  await recordEvent(trx, {
    eventType,
    envelope: envelope(eventType, { productOrder: toProductOrder(facts, ctx.config.publicBaseUrl) }, at),
    audience: { kind: 'clients', clientIds: listeners.map((l) => l.client_id) },
    at,
  });
}

/** After the order's row is written (with or without a request). */
export async function recordProductOrderCreated(ctx: AppContext, trx: Transaction<DB>, orderId: string): Promise<void> {
  await recordOrderEvent(ctx, trx, orderId, 'ProductOrderCreateEvent');
}

/** From moveRequest, for a request of channel 'api': an event when the order's state changes. */
export async function recordProductOrderTransition(ctx: AppContext, trx: Transaction<DB>, t: { requestId: string; from: RequestStatus; to: RequestStatus }): Promise<void> {
  if (orderState(t.from) === orderState(t.to)) return;
  const order = await trx.selectFrom('tmf_product_orders').select('id').where('request_id', '=', t.requestId).executeTakeFirst();
  if (order) await recordOrderEvent(ctx, trx, order.id, 'ProductOrderStateChangeEvent');
}
