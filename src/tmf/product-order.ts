// TMF622 Product Ordering v4: how a Zhuxiao cancellation looks as a ProductOrder (pure). An order
// is one `delete` item for one product (a line, its TMF637 product id); its state follows the
// request it opened (or `rejected`, with the blocking codes, when the quote refused the line).
// Other modules build TMF events with toProductOrder (the hub), so it takes plain data and does no I/O.
import type { RequestStatus } from '../db/schema.ts';

export const PRODUCT_ORDERING_BASE = '/tmf-api/productOrderingManagement/v4';
export const PRODUCT_INVENTORY_BASE = '/tmf-api/productInventory/v4';

export type ProductOrderState =
  | 'acknowledged' | 'rejected' | 'pending' | 'held' | 'inProgress' | 'cancelled' | 'completed' | 'failed'
  | 'partial' | 'assessingCancellation' | 'pendingCancellation';

export const PRODUCT_ORDER_STATES: readonly ProductOrderState[] = [
  'acknowledged', 'rejected', 'pending', 'held', 'inProgress', 'cancelled', 'completed', 'failed', 'partial', 'assessingCancellation', 'pendingCancellation',
];

/**
 * The order's state from its request's status. Review is processing in TMF's terms (the order was
 * validated and accepted: inProgress); a CancelProductOrder still being assessed shows as
 * assessingCancellation; a request that needs staff attention is held.
 */
export function orderState(status: RequestStatus | null, opts: { cancellationAssessing?: boolean } = {}): ProductOrderState {
  if (status === null) return 'rejected';
  if (opts.cancellationAssessing && status === 'pending_review') return 'assessingCancellation';
  switch (status) {
    case 'pending_review':
    case 'approved':
    case 'executing':
      return 'inProgress';
    case 'completed':
      return 'completed';
    case 'rejected':
      return 'rejected';
    case 'withdrawn':
      return 'cancelled';
    case 'needs_attention':
      return 'held';
  }
}

export interface OrderFacts {
  id: string;
  externalId: string | null;
  description: string | null;
  orderItemId: string;
  lineId: string;
  orderDate: Date;
  requestedStartDate: Date | null;
  requestedCompletionDate: Date | null;
  /** The blocking codes when the quote refused the line (no request was opened). */
  blockers: Array<{ code: string; message: string }>;
  customer: { id: string; maskedName: string; kind: 'person' | 'company' };
  request: null | {
    id: string;
    reference: string;
    status: RequestStatus;
    updatedAt: Date;
    completedAt: Date | null;
    rejectionReason: string | null;
    decidedAt: Date | null;
  };
  /** A CancelProductOrder for this order that is still being assessed. */
  cancellationAssessing?: boolean;
  /** When a CancelProductOrder withdrew it: the date and the reason given. */
  cancellation?: { date: Date; reason: string | null } | null;
}

const iso = (d: Date) => d.toISOString();

export function productOrderHref(baseUrl: string, id: string): string {
  return `${baseUrl.replace(/\/$/, '')}${PRODUCT_ORDERING_BASE}/productOrder/${id}`;
}

/** The ProductOrder resource (TMF622 v4) for an order; baseUrl is the platform's public URL. */
export function toProductOrder(o: OrderFacts, baseUrl: string): Record<string, unknown> {
  const state = orderState(o.request?.status ?? null, { cancellationAssessing: o.cancellationAssessing });
  const href = productOrderHref(baseUrl, o.id);
  const notes: Array<Record<string, unknown>> = [];
  for (const b of o.blockers) notes.push({ id: `blocker-${b.code}`, author: 'zhuxiao', date: iso(o.orderDate), text: `${b.code}: ${b.message}`, '@type': 'Note' });
  if (o.request?.status === 'rejected' && o.request.rejectionReason) {
    notes.push({ id: 'rejection', author: 'zhuxiao', date: iso(o.request.decidedAt ?? o.request.updatedAt), text: `rejected_by_review: ${o.request.rejectionReason}`, '@type': 'Note' });
  }
  if (o.request?.status === 'needs_attention') {
    notes.push({ id: 'held', author: 'zhuxiao', date: iso(o.request.updatedAt), text: 'needs_attention: an outside system kept failing; staff are resolving it.', '@type': 'Note' });
  }
  if (o.request) notes.push({ id: 'reference', author: 'zhuxiao', date: iso(o.orderDate), text: `Zhuxiao request ${o.request.reference}`, '@type': 'Note' });
  const product = {
    id: o.lineId,
    href: `${baseUrl.replace(/\/$/, '')}${PRODUCT_INVENTORY_BASE}/product/${o.lineId}`,
    '@type': 'ProductRef',
    '@referredType': 'Product',
  };
  return {
    id: o.id,
    href,
    ...(o.externalId ? { externalId: o.externalId } : {}),
    ...(o.description ? { description: o.description } : {}),
    category: 'termination',
    channel: [{ id: 'api', name: 'TMF622', '@type': 'ChannelRef' }],
    orderDate: iso(o.orderDate),
    ...(o.requestedStartDate ? { requestedStartDate: iso(o.requestedStartDate) } : {}),
    ...(o.requestedCompletionDate ? { requestedCompletionDate: iso(o.requestedCompletionDate) } : {}),
    ...(o.request?.status === 'completed' && o.request.completedAt ? { completionDate: iso(o.request.completedAt) } : {}),
    ...(o.cancellation ? { cancellationDate: iso(o.cancellation.date), ...(o.cancellation.reason ? { cancellationReason: o.cancellation.reason } : {}) } : {}),
    state,
    productOrderItem: [{
      id: o.orderItemId,
      action: 'delete',
      quantity: 1,
      state,
      product,
      '@type': 'ProductOrderItem',
    }],
    relatedParty: [{
      id: o.customer.id,
      name: o.customer.maskedName,
      role: 'customer',
      '@referredType': o.customer.kind === 'company' ? 'Organization' : 'Individual',
      '@type': 'RelatedParty',
    }],
    note: notes,
    '@type': 'ProductOrder',
  };
}
