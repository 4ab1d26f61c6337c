// Dev mode only (ZHUXIAO_DEV=1): the SMS outbox, the demo accounts, and the simulators' knobs.
// Every route answers 404 when dev mode is off.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../shared/errors.ts';
import { checkMsisdn } from '../../identifiers/index.ts';
import { DEMO_SCENARIO_CUSTOMERS, DEMO_STAFF } from '../../db/seed/demo-data.ts';
import { DEMO_COMPANY } from '../../db/seed/companies.ts';
import { DemoAccountsSchema, EmailOutboxSchema, SmsOutboxSchema } from '../dev-schemas.ts';
import { getSimulatorControl, listSimulators, setSimulatorControl } from '../../adapters/simulator-control.ts';

export async function devRoutes(api: FastifyInstance, ctx: AppContext): Promise<void> {
  const tags = ['dev'];
  const devOnly = () => {
    if (!ctx.config.dev) throw new AppError('dev_only', 'Not found (dev mode is off).');
  };

  api.get('/dev/outbox', {
    schema: { tags, summary: 'SMS messages the platform sent (dev mode), newest first', querystring: Type.Object({ to: Type.Optional(Type.String({ maxLength: 32 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }), response: { 200: SmsOutboxSchema } },
  }, async (req) => {
    devOnly();
    const q = req.query as { to?: string; limit?: number };
    let sel = ctx.db.selectFrom('sms_outbox').select(['to_msisdn', 'text', 'sent_at']).orderBy('id', 'desc').limit(q.limit ?? 50);
    if (q.to) {
      const r = checkMsisdn(q.to);
      sel = sel.where('to_msisdn', '=', r.normalized ?? q.to);
    }
    const rows = await sel.execute();
    return { messages: rows.map((r) => ({ to: r.to_msisdn, text: r.text, sentAt: r.sent_at.toISOString() })) };
  });

  api.get('/dev/email-outbox', {
    schema: { tags, summary: 'E-mails the platform sent (dev mode), newest first; addresses masked', querystring: Type.Object({ requestId: Type.Optional(Type.String({ format: 'uuid' })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }), response: { 200: EmailOutboxSchema } },
  }, async (req) => {
    devOnly();
    const q = req.query as { requestId?: string; limit?: number };
    let sel = ctx.db.selectFrom('email_outbox').select(['to_masked', 'subject', 'text', 'attachment_name', 'request_id', 'sent_at']).orderBy('id', 'desc').limit(q.limit ?? 50);
    if (q.requestId) sel = sel.where('request_id', '=', q.requestId);
    const rows = await sel.execute();
    return { messages: rows.map((r) => ({ to: r.to_masked, subject: r.subject, text: r.text, attachment: r.attachment_name, requestId: r.request_id, sentAt: r.sent_at.toISOString() })) };
  });

  api.get('/dev/demo-accounts', { schema: { tags, summary: 'One demo subscriber per scenario, and the demo staff (dev mode)', response: { 200: DemoAccountsSchema } } }, async () => {
    devOnly();
    const msisdns = DEMO_SCENARIO_CUSTOMERS.flatMap((s) => [s.msisdn, ...s.otherMsisdns]);
    const lines = await ctx.db.selectFrom('lines').select(['id', 'msisdn', 'iccid', 'home_province', 'carrier', 'customer_id', 'status'])
      .where('msisdn', 'in', msisdns).where('status', '<>', 'cancelled').execute();
    const subscribers = DEMO_SCENARIO_CUSTOMERS.map((s) => {
      const main = lines.find((l) => l.msisdn === s.msisdn);
      const mine = main ? lines.filter((l) => l.customer_id === main.customer_id) : [];
      return {
        scenario: s.scenario,
        msisdn: s.msisdn,
        idLast6: s.owner.idNumber.slice(-6),
        idNumber: s.owner.idNumber,
        carrier: s.carrier,
        description: s.description,
        ...(s.applicant ? { applicant: { relation: s.applicant.relation, idNumber: s.applicant.idNumber } } : {}),
        lines: mine.map((l) => ({ id: l.id, msisdn: l.msisdn, iccid: l.iccid, homeProvince: l.home_province, carrier: l.carrier })),
      };
    });
    // The demo company's administrator too (the fleet console); the large company's exists only after `zhuxiao seed --fleet`.
    const companyAdmin = { username: DEMO_COMPANY.admin.username, password: DEMO_COMPANY.admin.password, role: 'company_admin', storeId: null };
    return { subscribers, staff: [...DEMO_STAFF.map((s) => ({ username: s.username, password: s.password, role: s.role, storeId: s.storeId })), companyAdmin] };
  });

  api.get('/dev/simulators', { schema: { tags, summary: 'The outside-system simulators and their knobs (dev mode)' } }, async () => {
    devOnly();
    return { simulators: listSimulators() };
  });

  api.put('/dev/simulators/:name', {
    schema: {
      tags, summary: 'Make a simulator slow or failing (dev mode)',
      params: Type.Object({ name: Type.String() }),
      body: Type.Object({
        latencyMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 60000 })),
        failRate: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
        failNext: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
        permanentFailNext: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
      }),
    },
  }, async (req) => {
    devOnly();
    const { name } = req.params as { name: string };
    if (!getSimulatorControl(name)) throw new AppError('not_found', `No simulator called ${name}.`);
    setSimulatorControl(name, req.body as Record<string, unknown>);
    return { name, ...getSimulatorControl(name)! };
  });
}
