// Ops register where an MVNO receives its forwarded cancellations: a webhook subscription owned by
// the MVNO (one per MVNO; setting it again replaces it and makes a new secret). The signing secret
// is returned once.
import type { AppContext } from '../context.ts';
import { createSubscription, type CreatedSubscription } from '../webhooks/create-subscription.ts';
import { PARTNER_FORWARD_EVENT } from '../webhooks/event-types.ts';

export async function setMvnoEndpoint(ctx: AppContext, who: { staffId: string; ip: string }, mvnoCode: string, url: string): Promise<CreatedSubscription & { mvno: string }> {
  const s = await createSubscription(ctx, { kind: 'mvno', mvnoCode, staffId: who.staffId, ip: who.ip }, { callback: url, eventTypes: [PARTNER_FORWARD_EVENT] });
  return { ...s, mvno: mvnoCode };
}
