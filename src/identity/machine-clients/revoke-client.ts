// Revokes a machine client: it gets no new tokens, and the tokens it holds stop working at once
// (every call checks the client). Revoking twice changes nothing.
import type { AppContext } from '../../context.ts';
import { appendAudit } from '../../audit/append-audit.ts';
import { AppError } from '../../shared/errors.ts';
import type { ClientAdmin } from './create-client.ts';

export async function revokeClient(ctx: Pick<AppContext, 'db' | 'now'>, actor: ClientAdmin, clientId: string): Promise<{ clientId: string; revokedAt: string }> {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('machine_clients').select(['client_id', 'revoked_at']).where('client_id', '=', clientId).forUpdate().executeTakeFirst();
    if (!row) throw new AppError('not_found', `There is no machine client ${clientId}.`);
    if (row.revoked_at) return { clientId, revokedAt: new Date(row.revoked_at).toISOString() };
    const at = ctx.now();
    await trx.updateTable('machine_clients').set({ revoked_at: at }).where('client_id', '=', clientId).execute();
    await appendAudit(trx, { actorKind: actor.kind, actorId: actor.id, ip: actor.ip ?? null, action: 'client.revoked', subject: clientId });
    return { clientId, revokedAt: at.toISOString() };
  });
}
