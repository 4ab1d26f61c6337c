// TMF637 Product Inventory v4 (read): every line is a Product. The product id is the line id, what
// a TMF622 `delete` order names. status: active → pendingTerminate (a live cancellation request) →
// terminated (cancelled); a lost or suspended line is suspended. Numbers are masked, as on screen.
import type { LineStatus, RequestStatus } from '../db/schema.ts';
import { maskIccid, maskMsisdn } from '../lines/mask.ts';
import { PRODUCT_INVENTORY_BASE, productOrderHref } from './product-order.ts';

export type ProductStatus = 'created' | 'pendingActive' | 'cancelled' | 'active' | 'pendingTerminate' | 'suspended' | 'aborted' | 'terminated';
export const PRODUCT_STATUSES: readonly ProductStatus[] = ['created', 'pendingActive', 'cancelled', 'active', 'pendingTerminate', 'suspended', 'aborted', 'terminated'];

export function productStatus(lineStatus: LineStatus, liveRequest: boolean): ProductStatus {
  if (lineStatus === 'cancelled') return 'terminated';
  if (liveRequest) return 'pendingTerminate';
  return lineStatus === 'active' ? 'active' : 'suspended';
}

export interface ProductFacts {
  id: string;
  status: LineStatus;
  liveRequest: { id: string; status: RequestStatus; tmfOrderId: string | null } | null;
  msisdn: string;
  iccid: string;
  formFactor: 'physical' | 'esim';
  carrier: string;
  mvnoCode: string | null;
  planName: string;
  homeProvince: string;
  activatedAt: string;
  cancelledAt: Date | null;
  customer: { id: string; maskedName: string; kind: 'person' | 'company' };
}

export function productHref(baseUrl: string, id: string): string {
  return `${baseUrl.replace(/\/$/, '')}${PRODUCT_INVENTORY_BASE}/product/${id}`;
}

/** The Product resource (TMF637 v4) for a line. */
export function toProduct(p: ProductFacts, baseUrl: string): Record<string, unknown> {
  const status = productStatus(p.status, p.liveRequest !== null);
  return {
    id: p.id,
    href: productHref(baseUrl, p.id),
    name: `${p.planName} ${maskMsisdn(p.msisdn)}`,
    description: p.formFactor === 'esim' ? 'Mobile line (eSIM)' : 'Mobile line (SIM card)',
    isBundle: false,
    isCustomerVisible: true,
    productSerialNumber: maskIccid(p.iccid),
    startDate: new Date(`${p.activatedAt}T00:00:00+08:00`).toISOString(),
    ...(p.cancelledAt ? { terminationDate: new Date(p.cancelledAt).toISOString() } : {}),
    status,
    productOffering: { id: `${p.carrier}:${p.planName}`, name: p.planName, '@referredType': 'ProductOffering', '@type': 'ProductOfferingRef' },
    productCharacteristic: [
      { name: 'msisdn', valueType: 'string', value: maskMsisdn(p.msisdn) },
      { name: 'formFactor', valueType: 'string', value: p.formFactor },
      { name: 'carrier', valueType: 'string', value: p.carrier },
      ...(p.mvnoCode ? [{ name: 'mvnoBrand', valueType: 'string', value: p.mvnoCode }] : []),
      { name: 'homeProvince', valueType: 'string', value: p.homeProvince },
    ],
    ...(p.liveRequest?.tmfOrderId ? { productOrderItem: [{ orderItemAction: 'delete', productOrderId: p.liveRequest.tmfOrderId, productOrderHref: productOrderHref(baseUrl, p.liveRequest.tmfOrderId), '@type': 'RelatedProductOrderItem' }] } : {}),
    relatedParty: [{
      id: p.customer.id, name: p.customer.maskedName, role: 'customer',
      '@referredType': p.customer.kind === 'company' ? 'Organization' : 'Individual', '@type': 'RelatedParty',
    }],
    '@type': 'Product',
  };
}
