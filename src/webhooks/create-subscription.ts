// Registers a listener: a TMF hub (a client), or the endpoint ops set for an MVNO (one per MVNO,
// replaced when set again). The signing secret and key pair are made here, returned once, kept encrypted.
import crypto from 'node:crypto';
import type { AppContext } from '../context.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { AppError } from '../shared/errors.ts';
import { checkCallbackUrl } from './callback-url.ts';
import { parseHubQuery } from './hub-query.ts';
import { newSigningKeys, sealMaterial } from './sign-webhook.ts';

export type SubscriptionOwner =
  | { kind: 'client'; clientId: string; companyId: string | null; ip: string }
  | { kind: 'mvno'; mvnoCode: string; staffId: string; ip: string };

export interface CreatedSubscription {
  id: string;
  callback: string;
  query: string | null;
  eventTypes: string[];
  /** The Standard Webhooks signing secret (whsec_…, v1): shown this once. */
  secret: string;
  /** The Ed25519 public key (whpk_…) that verifies the v1a signature. */
  publicKey: string;
}

export async function createSubscription(
  ctx: AppContext,
  owner: SubscriptionOwner,
  input: { callback: string; query?: string | null; eventTypes?: string[] },
): Promise<CreatedSubscription> {
  const callback = checkCallbackUrl(input.callback, { dev: ctx.config.dev });
  const query = input.query?.trim() || null;
  try {
    parseHubQuery(query);
  } catch (err) {
    throw new AppError('validation_failed', `The query cannot be read: ${(err as Error).message}`, { field: 'query' });
  }
  const keys = newSigningKeys();
  const id = crypto.randomUUID();
  const eventTypes = input.eventTypes ?? [];
  await ctx.db.transaction().execute(async (trx) => {
    if (owner.kind === 'mvno') {
      const brand = await trx.selectFrom('mvno_brands').select('code').where('code', '=', owner.mvnoCode).executeTakeFirst();
      if (!brand) throw new AppError('not_found', `No MVNO brand has the code ${owner.mvnoCode}.`);
      // One endpoint per MVNO: the previous one stops receiving (its waiting deliveries go to the new one's owner no more).
      const old = await trx.updateTable('webhook_subscriptions').set({ status: 'deleted', updated_at: ctx.now() })
        .where('owner_kind', '=', 'mvno').where('owner_id', '=', owner.mvnoCode).where('status', '<>', 'deleted').returning('id').execute();
      if (old.length) {
        await trx.updateTable('webhook_deliveries').set({ status: 'cancelled', last_error: 'the endpoint was replaced', updated_at: ctx.now() })
          .where('subscription_id', 'in', old.map((o) => o.id)).where('status', 'in', ['pending', 'queued']).execute();
      }
    }
    await trx.insertInto('webhook_subscriptions').values({
      id,
      owner_kind: owner.kind,
      owner_id: owner.kind === 'client' ? owner.clientId : owner.mvnoCode,
      company_id: owner.kind === 'client' ? owner.companyId : null,
      mvno_code: owner.kind === 'mvno' ? owner.mvnoCode : null,
      callback_url: callback,
      secret_enc: ctx.vault.encrypt(sealMaterial(keys.material)),
      event_types: JSON.stringify(eventTypes),
      query,
    }).execute();
    await appendAudit(trx, {
      actorKind: owner.kind === 'client' ? 'client' : 'staff',
      actorId: owner.kind === 'client' ? owner.clientId : owner.staffId,
      ip: owner.ip,
      action: 'webhook.subscribe',
      subject: `webhook_subscription:${id}`,
      // The host only: a callback's path may carry the receiver's own tokens.
      details: { owner: owner.kind, ...(owner.kind === 'mvno' ? { mvno: owner.mvnoCode } : {}), host: new URL(callback).host, query, eventTypes },
    });
  });
  return { id, callback, query, eventTypes, secret: keys.secret, publicKey: keys.publicKey };
}
