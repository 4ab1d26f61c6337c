import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../shared/errors.ts';
import { createStaff, type CreateStaffInput } from '../../staff/create-staff.ts';
import { disableStaff, enableStaff } from '../../staff/disable-staff.ts';
import { resetStaffPassword } from '../../staff/reset-staff-password.ts';
import { listStaff } from '../../staff/list-staff.ts';
import { unlockStaff } from '../../staff/unlock-staff.ts';
import { listStoreChoices } from '../../staff/list-store-choices.ts';
import { StoreChoicesSchema } from '../staff-console-schemas.ts';
import {
  CreateStaffBodySchema, StaffAnswerSchema, StaffListSchema, StaffUnlockedSchema, StaffWithPasswordSchema,
  type StaffAccount, type StaffListItem, type StaffUnlocked, type StaffWithPassword,
} from '../admin-schemas.ts';
import type { StaffAdminActor } from '../../staff/staff-rules.ts';
import { requireStaff } from '../session.ts';
import { IdParams, errors } from '../schemas.ts';

export async function staffAdminRoutes(api: FastifyInstance, ctx: AppContext): Promise<void> {
  const tags = ['admin'];
  const admin = (req: FastifyRequest): StaffAdminActor => ({ kind: 'staff', id: requireStaff(req, ['admin']).staffId, ip: req.ip });
  // Answers that carry a password must not be cached anywhere.
  // Checked as soon as the request arrives, before its body is read or validated.
  const adminOnly = { onRequest: async (req: FastifyRequest) => void requireStaff(req, ['admin']) };
  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

  api.get('/admin/staff', { ...adminOnly, schema: { tags, summary: 'Every staff account (admin)', response: { 200: StaffListSchema, ...errors(401, 403) } } }, async (req): Promise<{ items: StaffListItem[] }> => {
    admin(req);
    return { items: await listStaff(ctx) };
  });

  api.get('/admin/stores', { ...adminOnly, schema: { tags, summary: 'Every store, by carrier and name, for assigning a clerk (admin)', response: { 200: StoreChoicesSchema, ...errors(401, 403) } } }, async (req) => {
    admin(req);
    return { items: await listStoreChoices(ctx) };
  });

  api.post('/admin/staff', {
    ...adminOnly,
    schema: {
      tags, summary: 'Create a staff account; without a password one is generated and returned once (admin)',
      body: CreateStaffBodySchema,
      response: { 201: StaffWithPasswordSchema, ...errors(400, 401, 403, 409) },
    },
  }, async (req, reply) => {
    const r = await createStaff(ctx, admin(req), req.body as CreateStaffInput);
    noStore(reply);
    const answer: StaffWithPassword = { staff: r.staff, ...(r.generatedPassword ? { password: r.generatedPassword } : {}) };
    return reply.status(201).send(answer);
  });

  api.post('/admin/staff/:id/disable', {
    ...adminOnly,
    schema: { tags, summary: 'Disable a staff account: no sign-in, sessions end (admin)', params: IdParams, response: { 200: StaffAnswerSchema, ...errors(401, 403, 404, 409) } },
  }, async (req): Promise<{ staff: StaffAccount }> => ({ staff: await disableStaff(ctx, admin(req), { id: (req.params as { id: string }).id }) }));

  api.post('/admin/staff/:id/enable', {
    ...adminOnly,
    schema: { tags, summary: 'Enable a disabled staff account again (admin)', params: IdParams, response: { 200: StaffAnswerSchema, ...errors(401, 403, 404) } },
  }, async (req): Promise<{ staff: StaffAccount }> => ({ staff: await enableStaff(ctx, admin(req), { id: (req.params as { id: string }).id }) }));

  api.post('/admin/staff/:id/unlock', {
    ...adminOnly,
    schema: {
      tags, summary: 'Lift the sign-in locks on a staff account, from every client address (admin)',
      params: IdParams, response: { 200: StaffUnlockedSchema, ...errors(401, 403, 404) },
    },
  }, async (req): Promise<StaffUnlocked> => unlockStaff(ctx, admin(req), { id: (req.params as { id: string }).id }));

  api.post('/admin/staff/:id/reset-password', {
    ...adminOnly,
    schema: {
      tags, summary: 'Set a new password (given, or generated and returned once); lifts a lockout, ends sessions (admin)',
      params: IdParams, response: { 200: StaffWithPasswordSchema, ...errors(400, 401, 403, 404) },
    },
  }, async (req, reply): Promise<StaffWithPassword> => {
    const who = admin(req);
    const password = (req.body as { password?: unknown } | undefined | null)?.password;
    if (password !== undefined && typeof password !== 'string') throw new AppError('validation_failed', 'The password must be a string.');
    const r = await resetStaffPassword(ctx, who, { id: (req.params as { id: string }).id }, password);
    noStore(reply);
    return { staff: r.staff, ...(r.generatedPassword ? { password: r.generatedPassword } : {}) };
  });
}
