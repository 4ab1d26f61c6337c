// The pure rules behind the TM Forum APIs and machine clients: a request's status as a TMF622 order
// state, a line as a TMF637 product status, what a BSS order says the subscriber agreed to, which
// scopes a token gets, and TMF's fields= selection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { orderState, toProductOrder, type OrderFacts } from '../../src/tmf/product-order.ts';
import { productStatus } from '../../src/tmf/product-inventory.ts';
import { readAgreement } from '../../src/tmf/place-product-order.ts';
import { grantScopes } from '../../src/identity/machine-clients/scopes.ts';
import { parseFields, selectFields } from '../../src/tmf/list-params.ts';
import { AppError } from '../../src/shared/errors.ts';

test('request status → TMF622 order state', () => {
  assert.equal(orderState('pending_review'), 'inProgress');
  assert.equal(orderState('pending_review', { cancellationAssessing: true }), 'assessingCancellation');
  assert.equal(orderState('approved'), 'inProgress');
  assert.equal(orderState('executing'), 'inProgress');
  assert.equal(orderState('completed'), 'completed');
  assert.equal(orderState('rejected'), 'rejected');
  assert.equal(orderState('withdrawn'), 'cancelled');
  assert.equal(orderState('needs_attention'), 'held');
  assert.equal(orderState(null), 'rejected', 'an order the quote refused has no request');
});

test('line → TMF637 product status', () => {
  assert.equal(productStatus('active', false), 'active');
  assert.equal(productStatus('active', true), 'pendingTerminate');
  assert.equal(productStatus('suspended', false), 'suspended');
  assert.equal(productStatus('cancelled', false), 'terminated');
});

test('a completed order has its completionDate; a refused one lists its blockers in note', () => {
  const base: OrderFacts = {
    id: 'o1', externalId: null, description: null, orderItemId: '1', lineId: 'l1', orderDate: new Date('2026-12-02T01:00:00Z'),
    requestedStartDate: null, requestedCompletionDate: null, blockers: [], customer: { id: 'c1', maskedName: '张*', kind: 'person' }, request: null,
  };
  const done = toProductOrder({ ...base, request: { id: 'r1', reference: 'ZX1', status: 'completed', updatedAt: new Date(), completedAt: new Date('2026-12-02T02:00:00Z'), rejectionReason: null, decidedAt: null } }, 'https://x.example/');
  assert.equal(done.state, 'completed');
  assert.equal(done.completionDate, '2026-12-02T02:00:00.000Z');
  assert.equal(done.href, 'https://x.example/tmf-api/productOrderingManagement/v4/productOrder/o1');
  const refused = toProductOrder({ ...base, blockers: [{ code: 'arrears', message: 'Pay the arrears first.' }] }, 'https://x.example');
  assert.equal(refused.state, 'rejected');
  assert.equal('completionDate' in refused, false);
  assert.match(JSON.stringify(refused.note), /arrears: Pay the arrears first\./);
});

test('what the order item says the subscriber agreed to', () => {
  const item = (chars: Array<{ name: string; value: unknown }>) => ({ id: '1', action: 'delete', product: { id: 'l1', productCharacteristic: chars } });
  assert.deepEqual(readAgreement(item([{ name: 'acknowledgements', value: 'all' }])), { acknowledgements: 'all', refundRoute: { type: 'original' }, acceptPenalty: false });
  assert.deepEqual(readAgreement(item([{ name: 'acknowledgements', value: ['backup', 'unbind'] }, { name: 'refundRoute', value: 'line' }, { name: 'refundLineId', value: 'l2' }, { name: 'acceptPenalty', value: true }])),
    { acknowledgements: ['backup', 'unbind'], refundRoute: { type: 'line', lineId: 'l2' }, acceptPenalty: true });
  assert.deepEqual(readAgreement(item([])).acknowledgements, []);
  assert.throws(() => readAgreement(item([{ name: 'refundRoute', value: 'bank' }])), (e: unknown) => e instanceof AppError && e.code === 'invalid_refund_route');
});

test('a token gets the client\'s scopes, or the subset asked for; never more', () => {
  assert.deepEqual(grantScopes(['tmf622:read', 'tmf637:read'], undefined), { ok: true, scopes: ['tmf622:read', 'tmf637:read'] });
  assert.deepEqual(grantScopes(['tmf622:read', 'tmf637:read'], ' tmf637:read  tmf637:read'), { ok: true, scopes: ['tmf637:read'] });
  assert.deepEqual(grantScopes(['tmf622:read'], 'tmf622:read tmf622:write'), { ok: false, unknown: ['tmf622:write'] });
});

test('fields= keeps the named attributes with id, href and @type; unknown names are refused', () => {
  const r = { id: 'a', href: 'h', '@type': 'X', state: 's', note: [] };
  assert.deepEqual(selectFields(r, parseFields('state', ['id', 'href', 'state', 'note'])), { id: 'a', href: 'h', '@type': 'X', state: 's' });
  assert.equal(selectFields(r, parseFields(undefined, ['state'])), r);
  assert.throws(() => parseFields('nope', ['state']), (e: unknown) => e instanceof AppError && e.code === 'validation_failed');
});
