/** A company's fleet jobs, newest first: what each is and where it stands (its rows: view-fleet-job.ts). */
import type { AppContext } from '../context.ts';

/** The console lists the latest jobs; older ones stay reachable by their id. */
export const MAX_LISTED_JOBS = 50;

export async function listFleetJobs(ctx: AppContext, companyId: string, limit = MAX_LISTED_JOBS) {
  const rows = await ctx.db.selectFrom('fleet_jobs')
    .select(['id', 'status', 'source', 'effective_date', 'created_at', 'confirmed_at', 'finished_at', 'rows_total', 'rows_accepted'])
    .where('company_id', '=', companyId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(Math.min(limit, MAX_LISTED_JOBS)).execute();
  const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
  return {
    items: rows.map((r) => ({
      id: r.id, status: r.status, source: r.source, effectiveDate: r.effective_date,
      createdAt: new Date(r.created_at).toISOString(), confirmedAt: iso(r.confirmed_at), finishedAt: iso(r.finished_at),
      rowsTotal: r.rows_total, rowsAccepted: r.rows_accepted,
    })),
  };
}
