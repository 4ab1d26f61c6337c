import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.ts';
import { requestSignInCode } from '../../identity/request-sign-in-code.ts';
import { signInSubscriber } from '../../identity/sign-in-subscriber.ts';
import { confirmRealName, maskName } from '../../identity/confirm-real-name.ts';
import { signInStaff } from '../../identity/sign-in-staff.ts';
import { STAFF_SESSION_MINUTES, SUBSCRIBER_SESSION_MINUTES, endSession } from '../../identity/sessions.ts';
import { clearSessionCookie, requireSubscriber, setSessionCookie } from '../session.ts';
import { errors } from '../schemas.ts';
import { MeSchema, StaffUserSchema, type Me } from '../portal-schemas.ts';

export async function authRoutes(api: FastifyInstance, ctx: AppContext): Promise<void> {
  const secure = ctx.config.publicBaseUrl.startsWith('https:');
  const tags = ['auth'];

  api.post('/auth/sms-code', {
    schema: {
      tags, summary: 'Send a 6-digit sign-in code by SMS',
      body: Type.Object({ msisdn: Type.String({ minLength: 1, maxLength: 32 }) }),
      response: { 202: Type.Object({ sentTo: Type.String(), expiresInSeconds: Type.Integer() }), ...errors(400, 429) },
    },
  }, async (req, reply) => {
    const { msisdn } = req.body as { msisdn: string };
    return reply.status(202).send(await requestSignInCode(ctx, { msisdn, ip: req.ip }));
  });

  api.post('/auth/sign-in', {
    schema: {
      tags, summary: 'Sign in with the SMS code; sets the session cookie',
      body: Type.Object({ msisdn: Type.String({ minLength: 1, maxLength: 32 }), code: Type.String({ minLength: 1, maxLength: 12 }) }),
      response: { 200: Type.Object({ subscriber: Type.Object({ msisdn: Type.String(), realNameVerified: Type.Boolean() }) }), ...errors(400, 401, 429) },
    },
  }, async (req, reply) => {
    const body = req.body as { msisdn: string; code: string };
    const r = await signInSubscriber(ctx, { ...body, ip: req.ip });
    setSessionCookie(reply, r.token, SUBSCRIBER_SESSION_MINUTES, secure);
    return { subscriber: { msisdn: r.msisdn, realNameVerified: false } };
  });

  api.post('/auth/real-name', {
    schema: {
      tags, summary: 'Confirm identity with the last 6 characters of the ID document',
      body: Type.Object({ idLast6: Type.String({ minLength: 1, maxLength: 12 }) }),
      response: { 200: Type.Object({ realNameVerified: Type.Boolean(), maskedName: Type.String() }), ...errors(400, 401, 422, 429) },
    },
  }, async (req) => {
    const who = requireSubscriber(req, { realName: false });
    const r = await confirmRealName(ctx, who, { idLast6: (req.body as { idLast6: string }).idLast6, ip: req.ip });
    return { realNameVerified: true, maskedName: r.maskedName };
  });

  api.get('/auth/me', { schema: { tags, summary: 'Who is signed in', response: { 200: MeSchema } } }, async (req): Promise<Me> => {
    const p = req.principal;
    if (!p) return { kind: null };
    if (p.kind === 'staff') {
      const store = p.storeId ? await ctx.db.selectFrom('stores').select(['name_zh', 'name_en', 'province']).where('id', '=', p.storeId).executeTakeFirst() : undefined;
      return {
        kind: 'staff', username: p.username, role: p.role, storeId: p.storeId, displayName: p.displayName,
        storeName: store ? { zh: store.name_zh, en: store.name_en } : null,
      };
    }
    let maskedName: string | null = null;
    if (p.realNameVerified) {
      const c = await ctx.db.selectFrom('customers').select('name_enc').where('id', '=', p.customerId).executeTakeFirst();
      maskedName = c ? maskName(ctx.vault.decrypt(c.name_enc)) : null;
    }
    return { kind: 'subscriber', msisdn: p.msisdn, realNameVerified: p.realNameVerified, maskedName };
  });

  api.post('/auth/sign-out', { schema: { tags, summary: 'Sign out (subscriber or staff)' } }, async (req, reply) => {
    if (req.principal) await endSession(ctx.db, req.principal.sessionHash);
    clearSessionCookie(reply);
    return { signedOut: true };
  });

  api.post('/staff/sign-in', {
    schema: {
      tags: ['staff'], summary: 'Staff sign-in; sets the session cookie',
      body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) }),
      response: {
        200: Type.Object({ staff: StaffUserSchema }),
        ...errors(400, 401, 423),
      },
    },
  }, async (req, reply) => {
    const body = req.body as { username: string; password: string };
    const r = await signInStaff(ctx, { ...body, ip: req.ip });
    setSessionCookie(reply, r.token, STAFF_SESSION_MINUTES, secure);
    return { staff: r.staff };
  });

  api.post('/staff/sign-out', { schema: { tags: ['staff'], summary: 'Staff sign-out' } }, async (req, reply) => {
    if (req.principal) await endSession(ctx.db, req.principal.sessionHash);
    clearSessionCookie(reply);
    return { signedOut: true };
  });
}
