// The TM Forum APIs' HTTP face, outside /api/v1 at the standards' paths: TMF622 Product Ordering v4
// and TMF637 Product Inventory v4 (read). Machine clients only (Bearer token, src/http/machine-auth.ts);
// errors in TMF630's shape; lists page with offset/limit and say X-Total-Count / X-Result-Count.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type TSchema } from 'typebox';
import type { AppContext } from '../context.ts';
import { requireScope, type MachineClient } from '../http/machine-auth.ts';
import { AppError } from '../shared/errors.ts';
import { pickLang } from '../shared/lang.ts';
import { cancelProductOrder, loadCancelProductOrders, toCancelProductOrder } from './cancel-product-order.ts';
import { listProductOrders, loadProductOrder } from './load-product-orders.ts';
import { listProducts, loadProduct } from './load-products.ts';
import { dateFilters, DEFAULT_LIMIT, listValues, MAX_LIMIT, parseFields, selectFields } from './list-params.ts';
import { placeProductOrder, type PlaceOrderInput } from './place-product-order.ts';
import { PRODUCT_INVENTORY_BASE, PRODUCT_ORDER_STATES, PRODUCT_ORDERING_BASE, productOrderHref, toProductOrder, type ProductOrderState } from './product-order.ts';
import { PRODUCT_STATUSES, toProduct, type ProductStatus } from './product-inventory.ts';
import { registerTmfErrors, tmfErrors } from './tmf-errors.ts';

const Str = (maxLength: number, extra: Record<string, unknown> = {}) => Type.String({ maxLength, ...extra });
const Opt = <T extends TSchema>(s: T) => Type.Optional(s);
/** TMF's polymorphism attributes, allowed on every object of a body. */
const TYPED = { '@type': Opt(Str(64)), '@baseType': Opt(Str(64)), '@schemaLocation': Opt(Str(512)) };

const Characteristic = Type.Object({ name: Str(64), value: Type.Unknown(), valueType: Opt(Str(32)), ...TYPED });
const RelatedPartyIn = Type.Object({ id: Str(64), href: Opt(Str(512)), name: Opt(Str(128)), role: Opt(Str(64)), '@referredType': Str(64), ...TYPED });
const NoteIn = Type.Object({ id: Opt(Str(64)), author: Opt(Str(128)), date: Opt(Str(40)), text: Str(2000), ...TYPED });
const OrderItemIn = Type.Object({
  id: Str(64),
  action: Str(16, { description: 'delete (the only action this platform takes: terminate the product)' }),
  quantity: Opt(Type.Integer({ minimum: 1, maximum: 1 })),
  product: Opt(Type.Object({
    id: Opt(Str(64, { description: 'the line\'s TMF637 product id' })), href: Opt(Str(512)), name: Opt(Str(128)),
    productCharacteristic: Opt(Type.Array(Characteristic, { maxItems: 16 })), '@referredType': Opt(Str(64)), ...TYPED,
  })),
  ...TYPED,
});
const ProductOrderCreate = Type.Object({
  externalId: Opt(Str(128)), description: Opt(Str(1000)), category: Opt(Str(64)), priority: Opt(Str(16)),
  requestedStartDate: Opt(Str(40, { format: 'date-time' })), requestedCompletionDate: Opt(Str(40, { format: 'date-time' })),
  productOrderItem: Type.Array(OrderItemIn, { minItems: 1, maxItems: 10 }),
  relatedParty: Opt(Type.Array(RelatedPartyIn, { maxItems: 10 })),
  note: Opt(Type.Array(NoteIn, { maxItems: 10 })),
  channel: Opt(Type.Array(Type.Object({ id: Opt(Str(64)), name: Opt(Str(128)), role: Opt(Str(64)), ...TYPED }), { maxItems: 5 })),
  ...TYPED,
}, {
  examples: [{
    externalId: 'BSS-2026-000123',
    productOrderItem: [{
      id: '1', action: 'delete',
      product: {
        id: '5b1f0c3e-8d2a-4c11-9a57-2f0e6b7d9c41',
        productCharacteristic: [
          { name: 'acknowledgements', value: 'all' },
          { name: 'refundRoute', value: 'original' },
        ],
      },
    }],
    relatedParty: [{ id: '0d6c1b7e-3a4f-4b8e-9c2d-1e5f7a9b3c6d', '@referredType': 'Individual', role: 'customer' }],
  }],
});
const CancelCreate = Type.Object({
  productOrder: Type.Object({ id: Str(64), href: Opt(Str(512)), '@referredType': Opt(Str(64)), ...TYPED }),
  cancellationReason: Opt(Str(500)), requestedCancellationDate: Opt(Str(40, { format: 'date-time' })), ...TYPED,
}, { examples: [{ productOrder: { id: '7a3e9c1d-2b4f-4e6a-8c0d-9f1b3a5c7e2d' }, cancellationReason: 'The subscriber changed their mind' }] });

const Resource = (example: Record<string, unknown>) => Type.Object({ id: Opt(Type.String()), href: Opt(Type.String()) }, { additionalProperties: true, examples: [example] });
const PRODUCT_ORDER_EXAMPLE = {
  id: '7a3e9c1d-2b4f-4e6a-8c0d-9f1b3a5c7e2d', href: `https://zhuxiao.example${PRODUCT_ORDERING_BASE}/productOrder/7a3e9c1d-2b4f-4e6a-8c0d-9f1b3a5c7e2d`,
  externalId: 'BSS-2026-000123', category: 'termination', orderDate: '2026-12-02T05:30:00.000Z', state: 'inProgress',
  productOrderItem: [{ id: '1', action: 'delete', quantity: 1, state: 'inProgress', product: { id: '5b1f0c3e-8d2a-4c11-9a57-2f0e6b7d9c41', '@type': 'ProductRef' }, '@type': 'ProductOrderItem' }],
  relatedParty: [{ id: '0d6c1b7e-3a4f-4b8e-9c2d-1e5f7a9b3c6d', name: '张**', role: 'customer', '@referredType': 'Individual' }],
  note: [{ id: 'reference', text: 'Zhuxiao request ZX-2026-1202-0001' }], '@type': 'ProductOrder',
};
const PRODUCT_EXAMPLE = {
  id: '5b1f0c3e-8d2a-4c11-9a57-2f0e6b7d9c41', href: `https://zhuxiao.example${PRODUCT_INVENTORY_BASE}/product/5b1f0c3e-8d2a-4c11-9a57-2f0e6b7d9c41`,
  name: '畅享套餐 138****8000', status: 'active', isBundle: false, productSerialNumber: '898600*********1234', startDate: '2019-03-01T00:00:00.000Z',
  productOffering: { id: 'cmcc:畅享套餐', name: '畅享套餐' }, relatedParty: [{ id: '0d6c1b7e-3a4f-4b8e-9c2d-1e5f7a9b3c6d', name: '张**', role: 'customer', '@referredType': 'Individual' }], '@type': 'Product',
};
const CANCEL_EXAMPLE = { id: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f', state: 'done', cancellationReason: 'The subscriber changed their mind', productOrder: { id: '7a3e9c1d-2b4f-4e6a-8c0d-9f1b3a5c7e2d' }, '@type': 'CancelProductOrder' };

const ListQuery = (filters: Record<string, TSchema>) => Type.Object({
  fields: Opt(Str(500, { description: 'comma-separated first-level attributes to return (id and href always)' })),
  offset: Opt(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  limit: Opt(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT })),
  ...filters,
});
const IdParam = Type.Object({ id: Str(64) });
const DateQ = Opt(Str(40, { description: 'ISO 8601 date-time' }));

const ORDER_FIELDS = ['id', 'href', 'externalId', 'description', 'category', 'channel', 'orderDate', 'requestedStartDate', 'requestedCompletionDate', 'completionDate', 'cancellationDate', 'cancellationReason', 'state', 'productOrderItem', 'relatedParty', 'note', '@type'] as const;
const PRODUCT_FIELDS = ['id', 'href', 'name', 'description', 'isBundle', 'isCustomerVisible', 'productSerialNumber', 'startDate', 'terminationDate', 'status', 'productOffering', 'productCharacteristic', 'productOrderItem', 'relatedParty', '@type'] as const;
const CANCEL_FIELDS = ['id', 'href', 'state', 'cancellationReason', 'effectiveCancellationDate', 'creationDate', 'errorMessage', 'productOrder', '@type'] as const;

const client = (req: FastifyRequest): MachineClient => req.machineClient!;
const paged = (reply: FastifyReply, total: number, items: unknown[]) => {
  reply.header('x-total-count', String(total)).header('x-result-count', String(items.length));
  return items;
};
function enumValues<T extends string>(v: string | undefined, allowed: readonly T[], name: string): T[] | null {
  const values = listValues(v);
  if (!values) return null;
  const bad = values.filter((s) => !(allowed as readonly string[]).includes(s));
  if (bad.length) throw new AppError('validation_failed', `${name}: unknown value(s) ${bad.join(', ')}; one of ${allowed.join(', ')}.`);
  return values as T[];
}

export async function productOrderingRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  registerTmfErrors(app, ctx);
  const base = ctx.config.publicBaseUrl;
  const tags = ['TMF622 Product Ordering'];
  const security = [{ bearer: [] }];
  const read = requireScope(ctx, 'tmf622:read');
  const write = requireScope(ctx, 'tmf622:write');
  const render = async (id: string, req: FastifyRequest) => {
    const o = await loadProductOrder(ctx, client(req), id);
    if (!o) throw new AppError('not_found', `No product order has the id ${id}.`);
    return toProductOrder(o, base);
  };

  app.post('/productOrder', {
    preHandler: write,
    schema: {
      tags, security, summary: 'Place a product order: action "delete" on a line (its TMF637 product id) opens its cancellation',
      description: 'The order item\'s product carries what the subscriber agreed to as characteristics: `acknowledgements` (the reminder codes, or "all"), `refundRoute` ("original" or "line" with `refundLineId`) and `acceptPenalty`. A line the quote refuses gives a stored order in state `rejected` with the blocking codes in `note`. Optional `Idempotency-Key` header: a retry gets the same order.',
      headers: Type.Object({ 'idempotency-key': Opt(Str(128)) }),
      body: ProductOrderCreate,
      response: { 201: Resource(PRODUCT_ORDER_EXAMPLE), ...tmfErrors(400, 401, 403, 409, 422) },
    },
  }, async (req, reply) => {
    const { orderId } = await placeProductOrder(ctx, client(req), req.body as PlaceOrderInput, {
      ip: req.ip, lang: pickLang(req.headers['accept-language']), idempotencyKey: req.headers['idempotency-key'] as string | undefined,
    });
    const order = await render(orderId, req);
    return reply.status(201).header('location', productOrderHref(base, orderId)).send(order);
  });

  app.get('/productOrder', {
    preHandler: read,
    schema: {
      tags, security, summary: 'List the product orders placed through TMF622, newest first',
      querystring: ListQuery({
        id: Opt(Str(2000, { description: 'comma-separated ids' })), state: Opt(Str(200, { description: `comma-separated: ${PRODUCT_ORDER_STATES.join(', ')}` })),
        externalId: Opt(Str(128)), orderDate: DateQ, 'orderDate.gt': DateQ, 'orderDate.gte': DateQ, 'orderDate.lt': DateQ, 'orderDate.lte': DateQ,
      }),
      response: { 200: Type.Array(Resource(PRODUCT_ORDER_EXAMPLE)), ...tmfErrors(400, 401, 403) },
    },
  }, async (req, reply) => {
    const q = req.query as Record<string, string | undefined> & { offset?: number; limit?: number };
    const fields = parseFields(q.fields, ORDER_FIELDS);
    const page = await listProductOrders(ctx, client(req), {
      ids: listValues(q.id), states: enumValues<ProductOrderState>(q.state, PRODUCT_ORDER_STATES, 'state'), externalId: q.externalId,
      orderDate: dateFilters(q, 'orderDate'), offset: q.offset ?? 0, limit: q.limit ?? DEFAULT_LIMIT,
    });
    return paged(reply, page.total, page.items.map((o) => selectFields(toProductOrder(o, base), fields)));
  });

  app.get('/productOrder/:id', {
    preHandler: read,
    schema: { tags, security, summary: 'One product order', params: IdParam, querystring: Type.Object({ fields: Opt(Str(500)) }), response: { 200: Resource(PRODUCT_ORDER_EXAMPLE), ...tmfErrors(400, 401, 403, 404) } },
  }, async (req) => {
    const fields = parseFields((req.query as { fields?: string }).fields, ORDER_FIELDS);
    return selectFields(await render((req.params as { id: string }).id, req), fields);
  });

  app.post('/cancelProductOrder', {
    preHandler: write,
    schema: {
      tags, security, summary: 'Cancel a product order still in review: its request is withdrawn',
      description: 'state `done`: the order is cancelled; `terminatedWithError` (with errorMessage): the order was past review (approved, executing, decided) and goes on.',
      body: CancelCreate, response: { 201: Resource(CANCEL_EXAMPLE), ...tmfErrors(400, 401, 403) },
    },
  }, async (req, reply) => {
    const row = await cancelProductOrder(ctx, client(req), req.body as { productOrder: { id: string }; cancellationReason?: string }, req.ip);
    const body = toCancelProductOrder(row, base);
    return reply.status(201).header('location', body.href as string).send(body);
  });

  app.get('/cancelProductOrder', {
    preHandler: read,
    schema: { tags, security, summary: 'List cancellation tasks', querystring: ListQuery({ id: Opt(Str(64)) }), response: { 200: Type.Array(Resource(CANCEL_EXAMPLE)), ...tmfErrors(400, 401, 403) } },
  }, async (req, reply) => {
    const q = req.query as { fields?: string; id?: string; offset?: number; limit?: number };
    const fields = parseFields(q.fields, CANCEL_FIELDS);
    const page = await loadCancelProductOrders(ctx, client(req), { id: q.id, offset: q.offset ?? 0, limit: q.limit ?? DEFAULT_LIMIT });
    return paged(reply, page.total, page.items.map((r) => selectFields(toCancelProductOrder(r, base), fields)));
  });

  app.get('/cancelProductOrder/:id', {
    preHandler: read,
    schema: { tags, security, summary: 'One cancellation task', params: IdParam, querystring: Type.Object({ fields: Opt(Str(500)) }), response: { 200: Resource(CANCEL_EXAMPLE), ...tmfErrors(400, 401, 403, 404) } },
  }, async (req) => {
    const { id } = req.params as { id: string };
    const fields = parseFields((req.query as { fields?: string }).fields, CANCEL_FIELDS);
    const row = (await loadCancelProductOrders(ctx, client(req), { id, offset: 0, limit: 1 })).items[0];
    if (!row) throw new AppError('not_found', `No cancel product order has the id ${id}.`);
    return selectFields(toCancelProductOrder(row, base), fields);
  });
}

export async function productInventoryRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  registerTmfErrors(app, ctx);
  const base = ctx.config.publicBaseUrl;
  const tags = ['TMF637 Product Inventory'];
  const security = [{ bearer: [] }];
  const read = requireScope(ctx, 'tmf637:read');

  app.get('/product', {
    preHandler: read,
    schema: {
      tags, security, summary: 'List the lines as products',
      querystring: ListQuery({ id: Opt(Str(2000, { description: 'comma-separated ids' })), status: Opt(Str(200, { description: `comma-separated: ${PRODUCT_STATUSES.join(', ')}` })) }),
      response: { 200: Type.Array(Resource(PRODUCT_EXAMPLE)), ...tmfErrors(400, 401, 403) },
    },
  }, async (req, reply) => {
    const q = req.query as { fields?: string; id?: string; status?: string; offset?: number; limit?: number };
    const fields = parseFields(q.fields, PRODUCT_FIELDS);
    const page = await listProducts(ctx, client(req), {
      ids: listValues(q.id), statuses: enumValues<ProductStatus>(q.status, PRODUCT_STATUSES, 'status'), offset: q.offset ?? 0, limit: q.limit ?? DEFAULT_LIMIT,
    });
    return paged(reply, page.total, page.items.map((p) => selectFields(toProduct(p, base), fields)));
  });

  app.get('/product/:id', {
    preHandler: read,
    schema: { tags, security, summary: 'One line as a product', params: IdParam, querystring: Type.Object({ fields: Opt(Str(500)) }), response: { 200: Resource(PRODUCT_EXAMPLE), ...tmfErrors(400, 401, 403, 404) } },
  }, async (req) => {
    const { id } = req.params as { id: string };
    const fields = parseFields((req.query as { fields?: string }).fields, PRODUCT_FIELDS);
    const p = await loadProduct(ctx, client(req), id);
    if (!p) throw new AppError('not_found', `No product has the id ${id}.`);
    return selectFields(toProduct(p, base), fields);
  });
}

/** Both TM Forum APIs, each under its base path (registered by buildApp). */
export async function tmfRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(async (a) => productOrderingRoutes(a, ctx), { prefix: PRODUCT_ORDERING_BASE });
  await app.register(async (a) => productInventoryRoutes(a, ctx), { prefix: PRODUCT_INVENTORY_BASE });
}
