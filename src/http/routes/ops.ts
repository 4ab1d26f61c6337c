// Operations and administration: the dashboard figures and their CSV, the needs-attention queue
// (retry, resolve by hand), the audit trail, and the carrier and MVNO settings. Ops and admins read;
// only admins change settings.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.ts';
import type { CarrierCode, StaffRole } from '../../db/schema.ts';
import { computeOpsStats } from '../../ops/compute-ops-stats.ts';
import { exportRequestsCsv } from '../../ops/export-requests-csv.ts';
import { reportRange } from '../../ops/report-range.ts';
import { listNeedsAttention } from '../../ops/list-needs-attention.ts';
import { listCarriers } from '../../ops/list-carriers.ts';
import { updateCarrierSettings } from '../../ops/update-carrier-settings.ts';
import { listMvnoBrands } from '../../ops/list-mvno-brands.ts';
import { HOTLINE_PATTERN, updateMvnoBrand } from '../../ops/update-mvno-brand.ts';
import { CarrierSettingsSchema } from '../../ops/carrier-settings-rules.ts';
import { watchQueueDepths } from '../../ops/watch-queue-depths.ts';
import { retryNeedsAttention } from '../../cancellation/retry-needs-attention.ts';
import { resolveNeedsAttention } from '../../cancellation/resolve-needs-attention.ts';
import { listAuditEntries, listAuditFacets, type AuditFilter } from '../../audit/list-audit-entries.ts';
import { AuditFacetsSchema, AuditPageSchema } from '../staff-console-schemas.ts';
import { AuditChainCheckSchema, NeedsAttentionListSchema, OpsStatsSchema } from '../ops-schemas.ts';
import { CarrierListSchema, MvnoBrandListSchema, type MvnoBrandAdmin } from '../admin-schemas.ts';
import { verifyAuditChain } from '../../audit/verify-chain.ts';
import { requireStaff } from '../session.ts';
import { IdParams, Uuid, errors } from '../schemas.ts';

const Carrier = Type.Union([Type.Literal('cmcc'), Type.Literal('cucc'), Type.Literal('ctcc'), Type.Literal('cbn')]);
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'China calendar day (UTC+8), YYYY-MM-DD' });
const RangeQuery = Type.Object({ from: Type.Optional(Day), to: Type.Optional(Day), carrier: Type.Optional(Carrier) });

/** Role check before the body and query are validated, so a caller without the role learns nothing from a 400. */
export const staffOnly = (roles: StaffRole[]) => ({ onRequest: async (req: FastifyRequest) => void requireStaff(req, roles) });

export async function opsRoutes(api: FastifyInstance, ctx: AppContext): Promise<void> {
  const tags = ['ops'];
  const readers = ['ops', 'admin'] as const;
  watchQueueDepths(ctx);

  api.get('/ops/stats', {
    ...staffOnly([...readers]),
    schema: { tags, summary: 'Dashboard figures for a range of China calendar days (default: the last 30)', querystring: RangeQuery, response: { 200: OpsStatsSchema, ...errors(400, 401, 403) } },
  }, async (req) => {
    requireStaff(req, [...readers]);
    return computeOpsStats(ctx, reportRange(req.query as { from?: string; to?: string; carrier?: string }, ctx.now()));
  });

  api.get('/ops/stats.csv', {
    ...staffOnly([...readers]),
    schema: { tags, summary: 'The requests behind the figures, as CSV (masked identifiers only)', querystring: RangeQuery, response: errors(400, 401, 403) },
  }, async (req, reply) => {
    const who = requireStaff(req, [...readers]);
    const r = await exportRequestsCsv(ctx, { staffId: who.staffId, ip: req.ip }, reportRange(req.query as { from?: string; to?: string; carrier?: string }, ctx.now()));
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${r.filename}"`).send(r.csv);
  });

  api.get('/ops/needs-attention', {
    ...staffOnly([...readers]),
    schema: { tags, summary: 'Requests whose execution stopped, oldest first', querystring: Type.Object({ carrier: Type.Optional(Carrier) }), response: { 200: NeedsAttentionListSchema, ...errors(401, 403) } },
  }, async (req) => {
    requireStaff(req, [...readers]);
    return { items: await listNeedsAttention(ctx, { carrier: (req.query as { carrier?: CarrierCode }).carrier ?? null }) };
  });

  api.post('/ops/needs-attention/:id/retry', {
    ...staffOnly([...readers]),
    schema: { tags, summary: 'Resume execution from the step that failed', params: IdParams, response: errors(401, 403, 404, 409) },
  }, async (req) => {
    const who = requireStaff(req, [...readers]);
    return retryNeedsAttention(ctx, { staffId: who.staffId, ip: req.ip }, (req.params as { id: string }).id);
  });

  api.post('/ops/needs-attention/:id/resolve', {
    ...staffOnly([...readers]),
    schema: {
      tags, summary: 'Resolved by hand: complete the request with a note saying what was done (issues the certificate if missing)',
      params: IdParams, body: Type.Object({ note: Type.String({ minLength: 1, maxLength: 1000 }) }), response: errors(400, 401, 403, 404, 409),
    },
  }, async (req) => {
    const who = requireStaff(req, [...readers]);
    return resolveNeedsAttention(ctx, { staffId: who.staffId, ip: req.ip }, (req.params as { id: string }).id, (req.body as { note: string }).note);
  });

  api.get('/ops/audit', {
    ...staffOnly([...readers]),
    schema: {
      tags, summary: 'The audit trail, newest first: who did what, when, from where; filtered by request (id or reference), staff member, action, days (China time), subject',
      querystring: Type.Object({
        requestId: Type.Optional(Uuid), staffId: Type.Optional(Uuid),
        reference: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: '受理编号, any spacing' })),
        action: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9_.]+$' })),
        subject: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        from: Type.Optional(Day), to: Type.Optional(Day),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })), beforeSeq: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
        page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
      }),
      response: { 200: AuditPageSchema, ...errors(400, 401, 403) },
    },
  }, async (req) => {
    requireStaff(req, [...readers]);
    return listAuditEntries(ctx, req.query as AuditFilter);
  });

  api.get('/ops/audit/facets', {
    ...staffOnly([...readers]),
    schema: { tags, summary: 'What the audit filters offer: the actions written so far and the staff accounts', response: { 200: AuditFacetsSchema, ...errors(401, 403) } },
  }, async (req) => {
    requireStaff(req, [...readers]);
    return listAuditFacets(ctx);
  });

  api.get('/ops/audit/verify', {
    ...staffOnly([...readers]),
    schema: { tags, summary: 'Check the audit log hash chain (as `zhuxiao audit verify` does)', response: { 200: AuditChainCheckSchema, ...errors(401, 403) } },
  }, async (req) => {
    requireStaff(req, [...readers]);
    const r = await verifyAuditChain(ctx.db);
    return r.ok
      ? { ok: true as const, entries: r.entries, unsealed: r.unsealed, treeSize: r.treeSize, rootHash: r.rootHash, checkpoint: r.checkpoint, checkpointsChecked: r.checkpointsChecked }
      : { ok: false as const, firstBrokenSeq: r.firstBrokenSeq, reason: r.reason, detail: r.detail, entriesChecked: r.entriesChecked };
  });

  api.get('/admin/carriers', { ...staffOnly([...readers]), schema: { tags: ['admin'], summary: 'The carriers and their settings', response: { 200: CarrierListSchema, ...errors(401, 403) } } }, async (req) => {
    requireStaff(req, [...readers]);
    return { carriers: await listCarriers(ctx) };
  });

  api.put('/admin/carriers/:code/settings', {
    ...staffOnly(['admin']),
    schema: {
      tags: ['admin'], summary: "Replace a carrier's settings (every field, validated; audited)",
      params: Type.Object({ code: Carrier }), body: CarrierSettingsSchema, response: errors(400, 401, 403, 404),
    },
  }, async (req) => {
    const who = requireStaff(req, ['admin']);
    return updateCarrierSettings(ctx, { staffId: who.staffId, ip: req.ip }, (req.params as { code: string }).code, req.body);
  });

  api.get('/admin/mvno-brands', { ...staffOnly([...readers]), schema: { tags: ['admin'], summary: 'The MVNO brands', response: { 200: MvnoBrandListSchema, ...errors(401, 403) } } }, async (req): Promise<{ brands: MvnoBrandAdmin[] }> => {
    requireStaff(req, [...readers]);
    return { brands: await listMvnoBrands(ctx) };
  });

  api.put('/admin/mvno-brands/:code', {
    ...staffOnly(['admin']),
    schema: {
      tags: ['admin'], summary: 'Whether a brand takes forwarded cancellations, and its hotline (audited)',
      params: Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) }),
      body: Type.Object({ acceptsForwarded: Type.Boolean(), hotline: Type.String({ minLength: 5, maxLength: 32, pattern: HOTLINE_PATTERN }) }, { additionalProperties: false }),
      response: errors(400, 401, 403, 404),
    },
  }, async (req) => {
    const who = requireStaff(req, ['admin']);
    return updateMvnoBrand(ctx, { staffId: who.staffId, ip: req.ip }, (req.params as { code: string }).code, req.body as { acceptsForwarded: boolean; hotline: string });
  });
}
