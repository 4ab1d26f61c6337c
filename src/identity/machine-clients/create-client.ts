// Registers a machine client: a random id and secret (the secret is returned once and stored only
// as an argon2id hash), its scopes, and who it acts for (an MVNO partner, a fleet company, or the carrier).
import crypto from 'node:crypto';
import argon2 from 'argon2';
import type { AppContext } from '../../context.ts';
import { appendAudit } from '../../audit/append-audit.ts';
import { AppError } from '../../shared/errors.ts';
import { SECRET_HASH_OPTIONS } from './issue-access-token.ts';
import { isMachineScope, MACHINE_SCOPES } from './scopes.ts';

export interface NewClient { name: string; scopes: string[]; mvnoCode?: string | null; companyId?: string | null }
export interface CreatedClient { clientId: string; clientSecret: string }

export type ClientAdmin = { kind: 'staff' | 'system'; id: string | null; ip?: string | null };

export async function createClient(ctx: Pick<AppContext, 'db'>, input: NewClient, actor: ClientAdmin): Promise<CreatedClient> {
  const name = input.name.trim();
  if (!name) throw new AppError('validation_failed', 'A client needs a name.');
  const scopes = [...new Set(input.scopes)];
  const unknown = scopes.filter((s) => !isMachineScope(s));
  if (unknown.length || !scopes.length) {
    throw new AppError('validation_failed', `Scopes must be one or more of: ${MACHINE_SCOPES.join(', ')}.`, { unknownScopes: unknown });
  }
  if (input.mvnoCode) {
    const brand = await ctx.db.selectFrom('mvno_brands').select('code').where('code', '=', input.mvnoCode).executeTakeFirst();
    if (!brand) throw new AppError('validation_failed', `There is no MVNO brand with the code ${input.mvnoCode}.`);
  }
  const clientId = `zxc_${crypto.randomBytes(9).toString('base64url')}`;
  const clientSecret = crypto.randomBytes(32).toString('base64url');
  const secretHash = await argon2.hash(clientSecret, SECRET_HASH_OPTIONS);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('machine_clients').values({
      client_id: clientId, name, secret_hash: secretHash, scopes: JSON.stringify(scopes),
      mvno_code: input.mvnoCode || null, company_id: input.companyId || null, created_by: actor.id,
    }).execute();
    await appendAudit(trx, { actorKind: actor.kind, actorId: actor.id, ip: actor.ip ?? null, action: 'client.created', subject: clientId, details: { name, scopes, mvnoCode: input.mvnoCode ?? null, companyId: input.companyId ?? null } });
  });
  return { clientId, clientSecret };
}
