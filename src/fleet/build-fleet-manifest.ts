/**
 * The signed manifest of a finished fleet job (fleet-manifest.ts): every row that named one of the
 * company's lines, in file order, as a leaf; the head signed with the certificate key of each
 * carrier among them. Deterministic (Ed25519, the job's end as its date): built on each request.
 */
import type { AppContext } from '../context.ts';
import type { CarrierCode } from '../db/schema.ts';
import { activeSigningKey, publicKeys } from '../certificates/signing-keys.ts';
import { signPayload } from '../certificates/signing.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { FLEET_MANIFEST_FORMAT, fleetRoot, type FleetLeaf, type FleetManifest, type FleetTreeHead } from './fleet-manifest.ts';

export async function buildFleetManifest(ctx: AppContext, companyId: string, jobId: string): Promise<FleetManifest> {
  const job = await ctx.db.selectFrom('fleet_jobs as j').innerJoin('companies as c', 'c.id', 'j.company_id')
    .select(['j.status', 'j.finished_at', 'c.uscc', 'c.name_zh']).where('j.id', '=', jobId).where('j.company_id', '=', companyId).executeTakeFirst();
  if (!job) throw notFound('The fleet job');
  if (job.status !== 'completed' || !job.finished_at) throw new AppError('conflict', 'The proof is issued when the job has ended.', { status: job.status });
  const rows = await ctx.db.selectFrom('fleet_job_lines as f').innerJoin('lines as l', 'l.id', 'f.line_id').leftJoin('cancellation_requests as r', 'r.id', 'f.request_id')
    .select(['f.row_no', 'l.iccid', 'l.msisdn', 'l.eid', 'l.carrier', 'f.state', 'f.reason', 'r.reference', 'r.completed_at', 'f.bill_fen', 'f.refund_fen'])
    .where('f.job_id', '=', jobId).orderBy('f.row_no').execute();
  const leaves: FleetLeaf[] = rows.map((r) => ({
    row: r.row_no, iccid: r.iccid, msisdn: r.msisdn, eid: r.eid, carrier: r.carrier, state: r.state, reason: r.reason, reference: r.reference ?? null,
    completedAt: r.completed_at ? new Date(r.completed_at).toISOString() : null,
    // Money moved only for lines completed; the others carry the dry run's figures for reference.
    billFen: r.state === 'completed' ? Number(r.bill_fen) : 0, refundFen: r.state === 'completed' ? Number(r.refund_fen) : 0,
  }));
  const counts: Record<string, number> = {};
  for (const l of leaves) counts[l.state] = (counts[l.state] ?? 0) + 1;
  const carriers = [...new Set(leaves.map((l) => l.carrier))].sort();
  const head: FleetTreeHead = {
    format: FLEET_MANIFEST_FORMAT, jobId, company: { uscc: job.uscc, name: job.name_zh }, finishedAt: new Date(job.finished_at).toISOString(),
    treeSize: leaves.length, rootHash: fleetRoot(leaves), counts, carriers,
  };
  const pems = new Map((await publicKeys(ctx.db)).map((k) => [k.keyId, k.publicKeyPem]));
  const signatures = [];
  for (const carrier of carriers) {
    const key = await activeSigningKey(ctx, ctx.db, carrier as CarrierCode);
    signatures.push({ carrier, publicKeyPem: pems.get(key.keyId) ?? (await publicKeys(ctx.db)).find((k) => k.keyId === key.keyId)!.publicKeyPem, signed: signPayload(head, key.privateKeyPem, key.keyId) });
  }
  return { head, signatures, leaves };
}
