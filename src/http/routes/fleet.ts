// Fleet cancellation (issue 14) for a company's administrators and its machine clients (scopes fleet:read, fleet:write): upload a list (JSON or CSV) for a
// dry run, read the job and its rows. Every query is bound to the signed-in administrator's company.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.ts';
import { MAX_ROW_LENGTH, classifyRow } from '../../fleet/classify-row.ts';
import { buildFleetManifest } from '../../fleet/build-fleet-manifest.ts';
import { viewFleetSummary } from '../../fleet/view-fleet-summary.ts';
import { proveFleetLine } from '../../fleet/fleet-manifest.ts';
import { confirmFleetJob } from '../../fleet/confirm-fleet-job.ts';
import { MAX_FLEET_ROWS, planFleetJob, type FleetActor } from '../../fleet/plan-fleet-job.ts';
import { readCsvRows } from '../../fleet/read-csv-rows.ts';
import { FLEET_LINE_STATES, MAX_LINES_PAGE, fleetResultsCsv, listFleetJobLines, viewFleetJob } from '../../fleet/view-fleet-job.ts';
import { retryFailedFleetLines } from '../../fleet/retry-failed-fleet-lines.ts';
import { stopFleetJob } from '../../fleet/stop-fleet-job.ts';
import { resendFleetEndEmail } from '../../fleet/resend-fleet-end-email.ts';
import type { FleetLineState } from '../../db/schema.ts';
import { AppError } from '../../shared/errors.ts';
import { requireStaff } from '../session.ts';
import { bearerToken, requireScope } from '../machine-auth.ts';
import { IdParams, errors } from '../schemas.ts';
import { FleetConfirmAnswerSchema, FleetJobListSchema, FleetJobViewSchema, FleetLinesPageSchema } from '../fleet-schemas.ts';
import { listFleetJobs } from '../../fleet/list-fleet-jobs.ts';

/** 100,000 rows of a 32-digit EID with quotes and CRLF fit in 4 MB; a JSON list in 5. */
const FLEET_BODY_LIMIT = 6 * 1024 * 1024;
const DateString = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', maxLength: 10 });
const JobView = FleetJobViewSchema;

/**
 * The company the caller acts for: a machine client's (Bearer token with the fleet scope, bound to
 * a company) or a signed-in company administrator's. Never from the request itself.
 */
function companyOf(req: FastifyRequest): { companyId: string; actor: FleetActor } {
  const client = req.machineClient;
  if (client) {
    if (!client.companyId) throw new AppError('forbidden', 'This client is not bound to a company.');
    return { companyId: client.companyId, actor: { kind: 'client', id: client.clientId, ip: req.ip } };
  }
  const p = requireStaff(req, ['company_admin']);
  if (p.kind !== 'staff' || !p.companyId) throw new AppError('forbidden', 'This account does not act for a company.');
  return { companyId: p.companyId, actor: { kind: 'company_admin', id: p.staffId, ip: req.ip } };
}

export async function fleetRoutes(api: FastifyInstance, ctx: AppContext): Promise<void> {
  const tags = ['fleet'];
  // Checked as soon as the request arrives, before its body is read: a Bearer token needs the scope
  // (fleet:read to look, fleet:write to change), a session the company_admin role.
  const scoped = { read: requireScope(ctx, 'fleet:read'), write: requireScope(ctx, 'fleet:write') };
  const guardFor = (access: 'read' | 'write') => ({
    onRequest: async function (this: FastifyInstance, req: FastifyRequest, reply: FastifyReply) {
      if (bearerToken(req)) await scoped[access].call(this, req, reply);
      companyOf(req);
    },
  });
  const guard = guardFor('read');
  const writeGuard = guardFor('write');

  await api.register(async (scope) => {
    scope.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: FLEET_BODY_LIMIT }, (_req, body, done) => done(null, body));
    scope.post('/fleet/jobs', {
      ...writeGuard,
      bodyLimit: FLEET_BODY_LIMIT,
      schema: {
        tags,
        summary: 'A fleet job\'s dry run: a JSON list of ICCIDs, numbers (13-digit IoT numbers too) or EIDs, or a CSV file (Content-Type: text/csv, first column); every row gets a state and a stable reason, every line of yours its blockers, bill and refund; totals per carrier. Idempotency-Key: the same key gives back the same job.',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }),
        querystring: Type.Object({ effectiveDate: Type.Optional(DateString) }, { additionalProperties: false }),
        body: Type.Union([
          Type.Object({
            rows: Type.Array(Type.String({ maxLength: MAX_ROW_LENGTH }), { minItems: 1, maxItems: MAX_FLEET_ROWS }),
            effectiveDate: Type.Optional(DateString),
          }, { additionalProperties: false }),
          Type.String({ maxLength: FLEET_BODY_LIMIT, description: 'text/csv' }),
        ]),
        response: { 200: JobView, 201: JobView, ...errors(400, 401, 403, 413) },
      },
    }, async (req, reply) => {
      const { companyId, actor } = companyOf(req);
      const csv = typeof req.body === 'string';
      const body = req.body as string | { rows: string[]; effectiveDate?: string };
      const rows = typeof body === 'string' ? readCsvRows(body, MAX_FLEET_ROWS) : body.rows;
      const effectiveDate = (typeof body === 'string' ? undefined : body.effectiveDate) ?? (req.query as { effectiveDate?: string }).effectiveDate ?? null;
      if (effectiveDate && Number.isNaN(Date.parse(`${effectiveDate}T00:00:00+08:00`))) throw new AppError('validation_failed', 'effectiveDate is not a date.');
      const key = req.headers['idempotency-key'];
      const { jobId, created } = await planFleetJob(ctx, {
        companyId, actor, rows, source: csv ? 'csv' : 'json', idempotencyKey: typeof key === 'string' ? key : null, effectiveDate,
      });
      reply.code(created ? 201 : 200).header('location', `/api/v1/fleet/jobs/${jobId}`);
      return viewFleetJob(ctx, companyId, jobId);
    });
  });

  api.post('/fleet/jobs/:id/confirm', {
    ...writeGuard,
    schema: {
      tags, summary: 'Confirm a dry run: every line still ready becomes a cancellation request (channel fleet) carried out in chunks, after the effective date if one was set; 202 with the job URL',
      params: IdParams, body: Type.Optional(Type.Object({}, { additionalProperties: false })),
      response: { 202: FleetConfirmAnswerSchema, ...errors(400, 401, 403, 404, 409) },
    },
  }, async (req, reply) => {
    const { companyId, actor } = companyOf(req);
    const id = (req.params as { id: string }).id;
    const result = await confirmFleetJob(ctx, companyId, id, actor);
    const url = `/api/v1/fleet/jobs/${id}`;
    reply.code(202).header('location', url);
    return { id, url, ...result };
  });

  api.get('/fleet/jobs', {
    ...guard,
    schema: { tags, summary: 'The company\'s fleet jobs, newest first (the latest 50): status, dates, rows', response: { 200: FleetJobListSchema, ...errors(401, 403) } },
  }, async (req) => {
    const { companyId } = companyOf(req);
    return listFleetJobs(ctx, companyId);
  });

  api.get('/fleet/jobs/:id', {
    ...guard,
    schema: { tags, summary: 'A fleet job: status, counts per state, totals per carrier', params: IdParams, response: { 200: JobView, ...errors(400, 401, 403, 404) } },
  }, async (req) => {
    const { companyId } = companyOf(req);
    return viewFleetJob(ctx, companyId, (req.params as { id: string }).id);
  });

  for (const [path, summary, run] of [
    ['retry-failed', 'Retry the failed lines only (each resumes from its failed step); 202', retryFailedFleetLines],
    ['stop', 'Stop the job: lines whose execution has not started are withdrawn, lines under way finish; 202', stopFleetJob],
    ['resend-end-email', 'Send the end e-mail again, after it failed every retry (409 otherwise); 202', resendFleetEndEmail],
  ] as const) {
    api.post(`/fleet/jobs/:id/${path}`, {
      ...writeGuard,
      schema: { tags, summary, params: IdParams, body: Type.Optional(Type.Object({}, { additionalProperties: false })), response: { 202: Type.Record(Type.String(), Type.Integer()), ...errors(400, 401, 403, 404, 409) } },
    }, async (req, reply) => {
      const { companyId, actor } = companyOf(req);
      const result = await run(ctx, companyId, (req.params as { id: string }).id, actor);
      reply.code(202);
      return result;
    });
  }

  api.get('/fleet/jobs/:id/events', {
    ...guard,
    schema: { tags, summary: 'Progress as server-sent events: one `progress` event a second (counts, percent, ETA) until the job ends, then `end`', params: IdParams, response: errors(400, 401, 403, 404) },
  }, async (req, reply) => {
    const { companyId } = companyOf(req);
    const id = (req.params as { id: string }).id;
    let view = await viewFleetJob(ctx, companyId, id); // 404 before the stream starts
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    let closed = false;
    req.raw.on('close', () => { closed = true; });
    for (;;) {
      const ended = view.status === 'completed' || view.status === 'dry_run';
      reply.raw.write(`event: ${ended ? 'end' : 'progress'}\ndata: ${JSON.stringify({ id: view.id, status: view.status, counts: view.counts, percent: view.percent, etaSeconds: view.etaSeconds })}\n\n`);
      if (ended || closed) break;
      await new Promise((r) => setTimeout(r, 1000));
      if (closed) break;
      view = await viewFleetJob(ctx, companyId, id);
    }
    reply.raw.end();
  });

  api.get('/fleet/jobs/:id/results.csv', {
    ...guard,
    schema: { tags, summary: 'Every row\'s result as CSV (state, reason, blockers, money, request reference)', params: IdParams, response: errors(400, 401, 403, 404) },
  }, async (req, reply) => {
    const { companyId } = companyOf(req);
    const id = (req.params as { id: string }).id;
    const csv = await fleetResultsCsv(ctx, companyId, id);
    reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="fleet-${id}.csv"`).header('cache-control', 'no-store');
    return `\uFEFF${csv}`;
  });

  api.get('/fleet/jobs/:id/manifest', {
    ...guard,
    schema: { tags, summary: 'The fleet proof, machine-readable: every line as a leaf of a Merkle tree, the head signed by each carrier (zhuxiao verify --fleet checks one line offline); once the job has ended', params: IdParams, response: errors(400, 401, 403, 404, 409) },
  }, async (req, reply) => {
    const { companyId } = companyOf(req);
    const id = (req.params as { id: string }).id;
    reply.header('cache-control', 'no-store').header('content-disposition', `attachment; filename="fleet-${id}-manifest.json"`);
    return buildFleetManifest(ctx, companyId, id);
  });

  api.get('/fleet/jobs/:id/summary.pdf', {
    ...guard,
    schema: { tags, summary: 'The fleet proof for people: a PDF of the company, dates, counts per state and carrier, money, and the manifest\'s signed Merkle root; once the job has ended (409 before)', params: IdParams, response: errors(400, 401, 403, 404, 409) },
  }, async (req, reply) => {
    const { companyId } = companyOf(req);
    const id = (req.params as { id: string }).id;
    const pdf = await viewFleetSummary(ctx, companyId, id);
    reply.header('content-type', 'application/pdf').header('cache-control', 'no-store').header('content-disposition', `attachment; filename="fleet-${id}-summary.pdf"`);
    return pdf;
  });

  api.post('/fleet/jobs/:id/proof', {
    ...guard,
    schema: {
      tags, summary: 'One line\'s inclusion proof (its leaf, the path to the signed root, the signed head); the line in the body, never in a URL',
      params: IdParams, body: Type.Object({ line: Type.String({ minLength: 1, maxLength: MAX_ROW_LENGTH }) }, { additionalProperties: false }),
      response: errors(400, 401, 403, 404, 409),
    },
  }, async (req) => {
    const { companyId } = companyOf(req);
    const manifest = await buildFleetManifest(ctx, companyId, (req.params as { id: string }).id);
    const typed = classifyRow((req.body as { line: string }).line, 1);
    const proof = typed.ok ? proveFleetLine(manifest, typed.value) : undefined;
    if (!proof) throw new AppError('not_found', 'That line is not in this job\'s proof.');
    return proof;
  });

  api.get('/fleet/jobs/:id/lines', {
    ...guard,
    schema: {
      tags, summary: 'A fleet job\'s rows in file order, with state, reason, blockers, bill and refund; filtered by state, paged',
      params: IdParams,
      querystring: Type.Object({
        state: Type.Optional(Type.Union(FLEET_LINE_STATES.map((s) => Type.Literal(s)))),
        page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
        pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LINES_PAGE })),
      }, { additionalProperties: false }),
      response: { 200: FleetLinesPageSchema, ...errors(400, 401, 403, 404) },
    },
  }, async (req) => {
    const { companyId } = companyOf(req);
    const q = req.query as { state?: FleetLineState; page?: number; pageSize?: number };
    return listFleetJobLines(ctx, companyId, (req.params as { id: string }).id, q);
  });
}
