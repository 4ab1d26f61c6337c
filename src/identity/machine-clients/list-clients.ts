// Every machine client, newest first, for the admin console and `zhuxiao client list`; never the secret.
import type { AppContext } from '../../context.ts';

export interface ClientView { clientId: string; name: string; scopes: string[]; mvnoCode: string | null; companyId: string | null; createdAt: string; revokedAt: string | null }

export async function listClients(ctx: Pick<AppContext, 'db'>): Promise<ClientView[]> {
  const rows = await ctx.db.selectFrom('machine_clients').select(['client_id', 'name', 'scopes', 'mvno_code', 'company_id', 'created_at', 'revoked_at'])
    .orderBy('created_at', 'desc').orderBy('client_id').execute();
  return rows.map((r) => ({
    clientId: r.client_id, name: r.name, scopes: r.scopes, mvnoCode: r.mvno_code, companyId: r.company_id,
    createdAt: r.created_at.toISOString(), revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
  }));
}
