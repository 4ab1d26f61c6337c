// Every /api/v1 route, grouped by who calls it. Routes are thin: validate, call the use case, map the result.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { authRoutes } from './auth.ts';
import { subscriberRoutes } from './subscriber.ts';
import { reviewRoutes } from './review.ts';
import { certificateRoutes } from './certificates.ts';
import { devRoutes } from './dev.ts';

export async function registerRoutes(api: FastifyInstance, ctx: AppContext): Promise<void> {
  await authRoutes(api, ctx);
  await subscriberRoutes(api, ctx);
  await reviewRoutes(api, ctx);
  await certificateRoutes(api, ctx);
  await Promise.all([import('./store.ts'), import('./staff-admin.ts')]).then(async ([store, admin]) => { await store.storeRoutes(api, ctx); await admin.staffAdminRoutes(api, ctx); });
  await Promise.all([import('./ops.ts'), import('./numbers.ts')]).then(async ([ops, numbers]) => { await ops.opsRoutes(api, ctx); await numbers.numberRoutes(api, ctx); });
  await import('./webhooks.ts').then((m) => m.webhookRoutes(api, ctx));
  await import('./fleet.ts').then((m) => m.fleetRoutes(api, ctx));
  await import('./partners.ts').then((m) => m.partnerRoutes(api, ctx));
  await import('./admin-clients.ts').then((m) => m.adminClientRoutes(api, ctx));
  await devRoutes(api, ctx);
}
