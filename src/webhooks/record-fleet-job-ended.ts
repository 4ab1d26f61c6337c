// The end of a company's fleet job, as an event for the company's subscriptions (those of clients
// bound to the company). Call it inside the transaction that ends the job.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { FLEET_JOB_END_EVENT } from './event-types.ts';
import { envelope, recordEvent } from './record-event.ts';

export async function recordFleetJobEnded(
  trx: Transaction<DB> | Kysely<DB>,
  input: { companyId: string; jobId: string; summary: Record<string, unknown>; at?: Date },
): Promise<{ eventId: string; deliveries: number }> {
  const at = input.at ?? new Date();
  return recordEvent(trx, {
    eventType: FLEET_JOB_END_EVENT,
    envelope: envelope(FLEET_JOB_END_EVENT, { fleetJob: { id: input.jobId, companyId: input.companyId, summary: input.summary } }, at),
    audience: { kind: 'company', companyId: input.companyId },
    at,
  });
}
