// Machine clients, managed by admins: register one (its secret is shown once), list them, revoke one.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.ts';
import { createClient, type ClientAdmin } from '../../identity/machine-clients/create-client.ts';
import { listClients } from '../../identity/machine-clients/list-clients.ts';
import { revokeClient } from '../../identity/machine-clients/revoke-client.ts';
import { MACHINE_SCOPES } from '../../identity/machine-clients/scopes.ts';
import { requireStaff } from '../session.ts';
import { errors } from '../schemas.ts';

const ClientView = Type.Object({
  clientId: Type.String(), name: Type.String(), scopes: Type.Array(Type.String()), mvnoCode: Type.Union([Type.String(), Type.Null()]),
  companyId: Type.Union([Type.String(), Type.Null()]), createdAt: Type.String(), revokedAt: Type.Union([Type.String(), Type.Null()]),
}, { examples: [{ clientId: 'zxc_Xk3v9QmP0aLr', name: 'CRM (BSS)', scopes: ['tmf622:write', 'tmf622:read', 'tmf637:read'], mvnoCode: null, companyId: null, createdAt: '2026-12-02T05:30:00.000Z', revokedAt: null }] });

export async function adminClientRoutes(api: FastifyInstance, ctx: AppContext): Promise<void> {
  const tags = ['admin'];
  const adminOnly = { onRequest: async (req: FastifyRequest) => void requireStaff(req, ['admin']) };
  const admin = (req: FastifyRequest): ClientAdmin => ({ kind: 'staff', id: requireStaff(req, ['admin']).staffId, ip: req.ip });
  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

  api.get('/admin/clients', {
    ...adminOnly,
    schema: { tags, summary: 'Every machine client (admin)', response: { 200: Type.Object({ items: Type.Array(ClientView), scopes: Type.Array(Type.String()) }), ...errors(401, 403) } },
  }, async (req) => {
    admin(req);
    return { items: await listClients(ctx), scopes: [...MACHINE_SCOPES] };
  });

  api.post('/admin/clients', {
    ...adminOnly,
    schema: {
      tags, summary: 'Register a machine client; its secret is returned once (admin)',
      body: Type.Object({
        name: Type.String({ minLength: 1, maxLength: 100 }),
        scopes: Type.Array(Type.Union(MACHINE_SCOPES.map((s) => Type.Literal(s))), { minItems: 1, maxItems: MACHINE_SCOPES.length }),
        mvnoCode: Type.Optional(Type.Union([Type.String({ maxLength: 32 }), Type.Null()])),
        companyId: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
      }, { examples: [{ name: 'CRM (BSS)', scopes: ['tmf622:write', 'tmf622:read', 'tmf637:read'] }] }),
      response: {
        201: Type.Object({ clientId: Type.String(), clientSecret: Type.String() }, { examples: [{ clientId: 'zxc_Xk3v9QmP0aLr', clientSecret: 'S3cr3t-shown-once-9fJ2kQ…' }] }),
        ...errors(400, 401, 403),
      },
    },
  }, async (req, reply) => {
    const body = req.body as { name: string; scopes: string[]; mvnoCode?: string | null; companyId?: string | null };
    const created = await createClient(ctx, body, admin(req));
    noStore(reply);
    return reply.status(201).send(created);
  });

  api.post('/admin/clients/:clientId/revoke', {
    ...adminOnly,
    schema: {
      tags, summary: 'Revoke a machine client: no new tokens, and its tokens stop working now (admin)',
      params: Type.Object({ clientId: Type.String({ minLength: 1, maxLength: 64 }) }),
      response: { 200: Type.Object({ clientId: Type.String(), revokedAt: Type.String() }, { examples: [{ clientId: 'zxc_Xk3v9QmP0aLr', revokedAt: '2026-12-02T06:00:00.000Z' }] }), ...errors(401, 403, 404) },
    },
  }, async (req) => revokeClient(ctx, admin(req), (req.params as { clientId: string }).clientId));
}
