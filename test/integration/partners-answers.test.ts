// MVNO partners: ops register the MVNO's endpoint; a subscriber forwards an MVNO line's
// cancellation; the MVNO's receiver gets the signed event (verified with standardwebhooks) and
// answers through the API with a client bound to it (accepted, then completed with its reference);
// the subscriber sees each answer on the line. Answers are idempotent, audited, and only the MVNO's.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { startTestApp, type TestApp } from '../helpers/context.ts';
import { staffFor, subscriberFor } from '../helpers/api.ts';
import { createMachineClient, fetchToken } from '../helpers/machine-client.ts';
import { startReceiver, until } from '../helpers/webhook-receiver.ts';
import { signInAs } from '../helpers/plain-lines.ts';
import { forwardToMvno } from '../../src/partners/forward-to-mvno.ts';

describe('MVNO partner answers', () => {
  let t: TestApp;
  let base: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  before(async () => {
    t = await startTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    receiver = await startReceiver();
  });
  after(async () => {
    await receiver.close();
    await t.close();
  });

  const answer = (token: string, ticket: string, body: unknown) => t.app.inject({
    method: 'POST', url: `/api/v1/partners/forwards/${ticket}/answers`,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json', 'accept-language': 'en' }, payload: JSON.stringify(body),
  });

  test('a forwarded cancellation reaches the MVNO, which answers; the subscriber sees every answer', async () => {
    const ops = await staffFor(t.app, 'ops');
    const url = receiver.url('ali');
    const endpoint = await ops.call('PUT', 'ops/mvno-brands/ali_comm/endpoint', { url });
    assert.equal(endpoint.status, 200, JSON.stringify(endpoint.body));
    assert.match(endpoint.body.secret, /^whsec_/);
    receiver.setSecret(url, endpoint.body.secret, endpoint.body.publicKey);

    const { api, who } = await subscriberFor(t.app, 'mvno');
    const line = who.lines.find((l) => l.msisdn === who.msisdn) ?? who.lines[0]!;
    const fwd = await api.post('partners/forward', { lineId: line.id });
    assert.equal(fwd.status, 200, JSON.stringify(fwd.body));
    const ticket = fwd.body.ticket as string;
    assert.match(ticket, /^FWD-\d{8}-[0-9A-Z]{8}$/);

    // The MVNO's receiver: a signed event naming the ticket, the number and where to answer.
    const got = await until('the forward event', async () => receiver.on('ali')[0]);
    assert.equal(got.verified, true);
    assert.equal(got.body.eventType, 'PartnerCancellationForwardedEvent');
    assert.equal(got.body.event.forward.ticket, ticket);
    assert.equal(got.body.event.forward.msisdn, line.msisdn);
    assert.ok(got.body.event.forward.answerUrl.endsWith(`/api/v1/partners/forwards/${ticket}/answers`));
    assert.equal((await api.post('partners/forward', { lineId: line.id })).body.ticket, ticket, 'forwarding again gives the same ticket');
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal(receiver.on('ali').length, 1, 'and is not delivered again');

    // Only a client bound to this MVNO, with partner:answer, may answer.
    const partner = await createMachineClient(t.ctx, { scopes: ['partner:answer'], mvnoCode: 'ali_comm', name: 'Alibaba Communications' });
    const token = await fetchToken(base, partner.clientId, partner.clientSecret);
    assert.equal((await answer('', ticket, { answer: 'accepted' })).statusCode, 401);
    const otherBrand = (await t.ctx.db.selectFrom('mvno_brands').select('code').where('code', '<>', 'ali_comm').executeTakeFirstOrThrow()).code;
    const stranger = await createMachineClient(t.ctx, { scopes: ['partner:answer'], mvnoCode: otherBrand });
    assert.equal((await answer(await fetchToken(base, stranger.clientId, stranger.clientSecret), ticket, { answer: 'accepted' })).statusCode, 404, "another MVNO's client does not see it");
    const unbound = await createMachineClient(t.ctx, { scopes: ['partner:answer'] });
    assert.equal((await answer(await fetchToken(base, unbound.clientId, unbound.clientSecret), ticket, { answer: 'accepted' })).statusCode, 403);
    assert.equal((await answer(token, ticket, { answer: 'completed' })).statusCode, 400, 'completed needs a reference');
    assert.equal((await answer(token, ticket, { answer: 'rejected' })).statusCode, 400, 'rejected needs a reason');

    const accepted = await answer(token, ticket, { answer: 'accepted' });
    assert.equal(accepted.statusCode, 200, accepted.body);
    assert.equal(accepted.json().status, 'accepted');
    const again = await answer(token, ticket, { answer: 'accepted' });
    assert.equal(again.statusCode, 200, 'the same answer again is harmless');
    assert.equal(again.json().answers.length, 1);

    const done = await answer(token, ticket, { answer: 'completed', reference: 'ALI-2026-000123' });
    assert.equal(done.statusCode, 200, done.body);
    assert.equal(done.json().partnerReference, 'ALI-2026-000123');
    assert.equal((await answer(token, ticket, { answer: 'completed', reference: 'ALI-2026-000123' })).statusCode, 200);
    assert.equal((await answer(token, ticket, { answer: 'completed', reference: 'ALI-OTHER' })).statusCode, 409);
    const late = await answer(token, ticket, { answer: 'rejected', reason: 'changed our mind' });
    assert.equal(late.statusCode, 409, 'completed is final');

    // The subscriber sees each answer, on the line (the portal's API) and on the forward.
    const lines = await api.get('me/lines');
    const mine = lines.body.lines.find((l: any) => l.id === line.id);
    assert.equal(mine.forwarded.ticket, ticket);
    assert.equal(mine.forwarded.status, 'completed');
    assert.deepEqual(mine.forwarded.answers.map((a: any) => [a.answer, a.partnerReference]), [['accepted', null], ['completed', 'ALI-2026-000123']]);
    const view = await api.get(`partners/forwards/${ticket}`);
    assert.equal(view.status, 200);
    assert.equal(view.body.status, 'completed');
    const { api: someoneElse } = await subscriberFor(t.app, 'clean_physical');
    assert.equal((await someoneElse.get(`partners/forwards/${ticket}`)).status, 404);

    // Audited with the client.
    const audit = await t.ctx.db.selectFrom('audit_log').select(['actor_kind', 'actor_id', 'details']).where('action', '=', 'partner.answer').execute();
    assert.equal(audit.length, 2);
    assert.ok(audit.every((a) => a.actor_kind === 'client' && a.actor_id === partner.clientId));
  });

  test('a rejection carries the reason the subscriber reads, on the line', async () => {
    const row = await t.ctx.db.selectFrom('lines as l').innerJoin('mvno_brands as m', 'm.code', 'l.mvno_code')
      .select(['l.id', 'l.msisdn', 'l.customer_id', 'l.mvno_code']).where('m.accepts_forwarded', '=', true).where('l.status', '=', 'active')
      .where((eb) => eb.not(eb.exists(eb.selectFrom('partner_forwards as f').select('f.id').whereRef('f.line_id', '=', 'l.id'))))
      .orderBy('l.msisdn').executeTakeFirstOrThrow();
    const { ticket } = await forwardToMvno(t.ctx, { customerId: row.customer_id, ip: '127.0.0.1' }, row.id);
    const partner = await createMachineClient(t.ctx, { scopes: ['partner:answer'], mvnoCode: row.mvno_code });
    const token = await fetchToken(base, partner.clientId, partner.clientSecret);
    const reason = 'An unpaid bill remains with us; call our hotline.';
    const r = await answer(token, ticket, { answer: 'rejected', reason });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal((await answer(token, ticket, { answer: 'accepted' })).statusCode, 409, 'rejected is final');
    const api = await signInAs(t, row.msisdn);
    const mine = (await api.get('me/lines')).body.lines.find((l: any) => l.id === row.id);
    assert.equal(mine.forwarded.status, 'rejected');
    assert.equal(mine.forwarded.answers.at(-1).reason, reason);
  });
});
