/**
 * The PDF summary of a finished fleet job: the signed manifest's figures (buildFleetManifest: the
 * same 404 for another company's job as for an unknown one, 409 `conflict` until the job has ended)
 * with the job's dates, rendered by renderFleetSummaryPdf.
 */
import type { AppContext } from '../context.ts';
import { notFound } from '../shared/errors.ts';
import { buildFleetManifest } from './build-fleet-manifest.ts';
import { renderFleetSummaryPdf, type FleetSummary } from './render-fleet-summary.ts';

/** The first six characters (registration authority, kind, province and city) and the last two; the rest starred. */
export const maskUscc = (uscc: string) => `${uscc.slice(0, 6)}${'*'.repeat(Math.max(0, uscc.length - 8))}${uscc.slice(-2)}`;

export async function viewFleetSummary(ctx: AppContext, companyId: string, jobId: string): Promise<Buffer> {
  const manifest = await buildFleetManifest(ctx, companyId, jobId);
  const job = await ctx.db.selectFrom('fleet_jobs as j').innerJoin('companies as c', 'c.id', 'j.company_id').select(['j.created_at', 'j.confirmed_at', 'c.name_en'])
    .where('j.id', '=', jobId).where('j.company_id', '=', companyId).executeTakeFirst();
  if (!job) throw notFound('The fleet job');
  const carriers = new Map<string, FleetSummary['carriers'][number]>();
  let billFen = 0;
  let refundFen = 0;
  for (const l of manifest.leaves) {
    const c = carriers.get(l.carrier) ?? { carrier: l.carrier, lines: 0, completed: 0, failed: 0 };
    c.lines += 1;
    if (l.state === 'completed') c.completed += 1;
    if (l.state === 'failed') c.failed += 1;
    carriers.set(l.carrier, c);
    billFen += l.billFen;
    refundFen += l.refundFen;
  }
  const { head } = manifest;
  return renderFleetSummaryPdf({
    jobId,
    company: { name: head.company.name, nameEn: job.name_en, maskedUscc: maskUscc(head.company.uscc) },
    submittedAt: new Date(job.created_at).toISOString(),
    confirmedAt: job.confirmed_at ? new Date(job.confirmed_at).toISOString() : null,
    finishedAt: head.finishedAt,
    counts: head.counts,
    carriers: [...carriers.values()].sort((a, b) => a.carrier.localeCompare(b.carrier)),
    billFen, refundFen,
    manifest: { rootHash: head.rootHash, treeSize: head.treeSize, keyIds: manifest.signatures.map((s) => ({ carrier: s.carrier, keyId: s.signed.keyId })) },
  });
}
