// The outbox: an event and one delivery per subscription that wants it, written in the caller's
// transaction, so the change and its events commit together or not at all. The relay
// (relay-deliveries.ts) hands due deliveries to the delivery queue; nothing is sent from here.
import crypto from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { matchesHubQuery, parseHubQuery } from './hub-query.ts';

/** Which subscriptions an event is for. */
export type Audience =
  /** Client (TMF hub) listeners: of these clients, or of every client when omitted. */
  | { kind: 'clients'; clientIds?: string[] }
  /** The subscriptions of clients bound to a company. */
  | { kind: 'company'; companyId: string }
  /** The endpoint an MVNO registered with ops. */
  | { kind: 'mvno'; mvnoCode: string };

export interface EventToRecord {
  eventType: string;
  /** The body delivered, as JSON: the TMF envelope (eventId, eventTime, eventType, event) or another. */
  envelope: { eventId: string; eventTime: string; eventType: string } & Record<string, unknown>;
  audience: Audience;
  at?: Date;
}

/** A fresh envelope: eventId (a UUID, also the outbox row's id), eventTime, eventType and the event. */
export function envelope(eventType: string, event: Record<string, unknown>, at: Date = new Date()) {
  return { eventId: crypto.randomUUID(), eventTime: at.toISOString(), eventType, event };
}

export async function recordEvent(trx: Transaction<DB> | Kysely<DB>, e: EventToRecord): Promise<{ eventId: string; deliveries: number }> {
  let q = trx.selectFrom('webhook_subscriptions').select(['id', 'event_types', 'query']).where('status', '=', 'active');
  const a = e.audience;
  if (a.kind === 'clients') {
    q = q.where('owner_kind', '=', 'client');
    if (a.clientIds) q = a.clientIds.length ? q.where('owner_id', 'in', a.clientIds) : q.where(({ lit }) => lit(false));
  } else if (a.kind === 'company') {
    q = q.where('owner_kind', '=', 'client').where('company_id', '=', a.companyId);
  } else {
    q = q.where('owner_kind', '=', 'mvno').where('owner_id', '=', a.mvnoCode);
  }
  const subscriptions = (await q.execute()).filter((s) => {
    const types = s.event_types as string[];
    if (types.length && !types.includes(e.eventType)) return false;
    try {
      return matchesHubQuery(parseHubQuery(s.query), e.envelope);
    } catch {
      return false; // checked when the subscription was made; an unreadable one matches nothing
    }
  });
  const at = e.at ?? new Date();
  await trx.insertInto('webhook_events').values({ id: e.envelope.eventId, event_type: e.eventType, payload: JSON.stringify(e.envelope), created_at: at }).execute();
  if (subscriptions.length) {
    await trx.insertInto('webhook_deliveries').values(subscriptions.map((s) => ({
      id: crypto.randomUUID(), event_id: e.envelope.eventId, subscription_id: s.id, next_attempt_at: at, created_at: at, updated_at: at,
    }))).execute();
  }
  return { eventId: e.envelope.eventId, deliveries: subscriptions.length };
}
