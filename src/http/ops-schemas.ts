// The operations dashboard's answers as TypeBox schemas: the figures (GET /ops/stats) and the
// needs-attention queue. The routes serialise with them, the OpenAPI document shows them, the use
// cases return their static types and the web client imports the same types (web/src/api-types.ts),
// so the three cannot drift. Pure: no I/O, nothing of the server bundled into the web app.
import { Type, type Static } from 'typebox';
import { Nullable } from './schemas.ts';
import { RequestStatusSchema } from './staff-console-schemas.ts';

const Count = Type.Integer({ minimum: 0 });
const Hours = Nullable(Type.Number({ minimum: 0 }));

export const OutcomeSchema = Type.Union([
  Type.Literal('completed'), Type.Literal('rejected'), Type.Literal('withdrawn'), Type.Literal('needs_attention'), Type.Literal('in_progress'),
]);

export const OpsStatsSchema = Type.Object({
  range: Type.Object({
    from: Type.String({ format: 'date' }), to: Type.String({ format: 'date' }), carrier: Nullable(Type.String()),
    timezone: Type.Literal('Asia/Shanghai', { description: 'Days are China calendar days' }),
  }),
  cancellationsPerDay: Type.Array(Type.Object({ date: Type.String({ format: 'date' }), channel: Type.String(), carrier: Type.String(), outcome: OutcomeSchema, count: Count })),
  byStatus: Type.Record(RequestStatusSchema, Count),
  reviewSla: Type.Object({ decided: Count, medianHours: Hours, p90Hours: Hours, decidedLate: Count, overdueNow: Count }),
  completionTime: Type.Object({ completed: Count, medianHours: Hours, p90Hours: Hours }),
  refunds: Type.Object({ paidFen: Type.Integer(), paidRequests: Count, owedFen: Type.Integer(), owedRequests: Count }),
  topBlockers: Type.Array(Type.Object({ code: Type.String(), count: Count })),
  needsAttention: Count,
});

export const NeedsAttentionItemSchema = Type.Object({
  id: Type.String(),
  carrier: Type.String(),
  channel: Type.String(),
  maskedMsisdn: Type.String(),
  since: Type.String({ format: 'date-time', description: 'When the request last moved to needs_attention' }),
  step: Nullable(Type.String({ description: 'The step that failed (or, if none failed, the next one to run); null when no step list exists yet' })),
  lastError: Nullable(Type.String()),
  attempts: Count,
  reason: Nullable(Type.String({ description: 'Why it was escalated, as the timeline recorded it' })),
});

export const NeedsAttentionListSchema = Type.Object({ items: Type.Array(NeedsAttentionItemSchema) });

/** GET /ops/audit/verify: the hash tree checked against its signed checkpoints (as `zhuxiao audit verify`). */
export const AuditChainCheckSchema = Type.Union([
  Type.Object({
    ok: Type.Literal(true),
    entries: Count,
    unsealed: Type.Integer({ minimum: 0, description: 'Committed entries the sealer has not sealed yet' }),
    treeSize: Count,
    rootHash: Type.String(),
    checkpoint: Nullable(Type.Object({ log: Type.String(), treeSize: Count, rootHash: Type.String(), timestamp: Type.String(), keyId: Type.String() })),
    checkpointsChecked: Count,
  }),
  Type.Object({
    ok: Type.Literal(false),
    reason: Type.String({ description: 'missing_entry, entry_altered, checkpoint_mismatch, bad_checkpoint, truncated, unsigned_entries, not_consistent' }),
    detail: Type.String(),
    firstBrokenSeq: Nullable(Type.Integer()),
    entriesChecked: Count,
  }),
]);

export type Outcome = Static<typeof OutcomeSchema>;
export type AuditChainCheck = Static<typeof AuditChainCheckSchema>;
export type OpsStats = Static<typeof OpsStatsSchema>;
export type NeedsAttentionItem = Static<typeof NeedsAttentionItemSchema>;
