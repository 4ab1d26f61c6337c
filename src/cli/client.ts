// `zhuxiao client …`: machine clients from the command line (a BSS, an MVNO partner, a fleet
// company's system). The secret is printed once; only its hash is kept. Works on the configured
// database like `zhuxiao staff`; every change is audited as a system action.
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { openConfiguredDatabase } from '../bootstrap.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { createClient, type ClientAdmin } from '../identity/machine-clients/create-client.ts';
import { listClients } from '../identity/machine-clients/list-clients.ts';
import { revokeClient } from '../identity/machine-clients/revoke-client.ts';
import { MACHINE_SCOPES } from '../identity/machine-clients/scopes.ts';
import { AppError } from '../shared/errors.ts';

export const CLIENT_USAGE = `Usage:
  zhuxiao client create --name NAME --scopes S1,S2 [--mvno CODE] [--company ID]
  zhuxiao client list
  zhuxiao client revoke CLIENT_ID

Scopes: ${MACHINE_SCOPES.join(', ')}.
The client secret is printed once: hand it over securely. Tokens: POST /oauth/token (client credentials).
`;

const CLI: ClientAdmin = { kind: 'system', id: null };

function usage(message: string): number {
  process.stderr.write(`zhuxiao client: ${message}\n\n${CLIENT_USAGE}`);
  return 2;
}

export async function runClient(config: Config, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || !['create', 'list', 'revoke'].includes(sub)) return usage(sub ? `unknown client command: ${sub}` : 'which client command?');
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { name: { type: 'string' }, scopes: { type: 'string' }, mvno: { type: 'string' }, company: { type: 'string' } }, allowPositionals: true, strict: true });
  } catch (e) {
    return usage((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (sub === 'create' && (!values.name || !values.scopes || positionals.length)) return usage('create needs --name and --scopes');
  if (sub === 'revoke' && positionals.length !== 1) return usage('revoke takes one CLIENT_ID');
  if (sub === 'list' && positionals.length) return usage('list takes no arguments');

  const database = await openConfiguredDatabase(config);
  try {
    await migrateToLatest(database.db);
    const ctx = { db: database.db, now: () => new Date() };
    if (sub === 'create') {
      const scopes = values.scopes!.split(',').map((s) => s.trim()).filter(Boolean);
      const c = await createClient(ctx, { name: values.name!, scopes, mvnoCode: values.mvno ?? null, companyId: values.company ?? null }, CLI);
      process.stdout.write(`client_id: ${c.clientId}\nclient_secret: ${c.clientSecret}\n`);
      process.stderr.write('The secret is shown only this once: hand it over securely.\n');
      return 0;
    }
    if (sub === 'list') {
      const rows = await listClients(ctx);
      if (!rows.length) {
        process.stdout.write('no machine clients (create one: zhuxiao client create --name NAME --scopes tmf622:write,tmf622:read)\n');
        return 0;
      }
      const table = [['CLIENT_ID', 'NAME', 'SCOPES', 'FOR', 'STATUS', 'CREATED'], ...rows.map((c) => [
        c.clientId, c.name, c.scopes.join(','), c.mvnoCode ? `mvno ${c.mvnoCode}` : c.companyId ? `company ${c.companyId}` : 'carrier',
        c.revokedAt ? `revoked ${c.revokedAt.slice(0, 10)}` : 'active', c.createdAt.slice(0, 10),
      ])];
      const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
      for (const r of table) process.stdout.write(`${r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()}\n`);
      return 0;
    }
    const r = await revokeClient(ctx, CLI, positionals[0]);
    process.stdout.write(`${r.clientId} is revoked (since ${r.revokedAt}); its tokens no longer work\n`);
    return 0;
  } catch (e) {
    if (e instanceof AppError) {
      process.stderr.write(`zhuxiao client: ${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    await database.close();
  }
}
