import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { defaultSimulatorControl } from '../../../src/adapters/simulator-control.ts';
import { parseDownloadProgressInfo } from '../../../src/esim/es2plus-notification.ts';
import { isValidEid, startEs2PlusSimulator, type Es2PlusSimulator } from '../../../src/esim/es2plus-simulator.ts';
import { EID_A, iccid } from './fixtures.ts';

/** Raw ES2+ call, to look at exactly what goes over the wire. */
async function post(sim: Es2PlusSimulator, fn: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${sim.url}${sim.pathPrefix}/gsma/rsp2/es2plus/${fn}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-admin-protocol': 'gsma/rsp/v2.5.0', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}

const header = () => ({ functionRequesterIdentifier: 'op', functionCallIdentifier: randomUUID() });
const statusOf = (json: Record<string, any> | undefined) => json?.['header']?.functionExecutionStatus;

describe('ES2+ simulator on the wire', () => {
  let sim: Es2PlusSimulator;
  let operator: FastifyInstance;
  let operatorUrl: string;
  const received: unknown[] = [];

  before(async () => {
    sim = await startEs2PlusSimulator({ pathPrefix: '/aep', control: defaultSimulatorControl() });
    operator = Fastify({ forceCloseConnections: true });
    operator.post('/op/gsma/rsp2/es2plus/handleDownloadProgressInfo', async (request, reply) => {
      received.push(request.body);
      return reply.code(204).send();
    });
    operatorUrl = `${await operator.listen({ port: 0, host: '127.0.0.1' })}/op`;
  });
  after(async () => {
    await sim.close();
    await operator.close();
  });
  beforeEach(() => {
    sim.profiles.clear();
    received.length = 0;
    sim.notifications.length = 0;
  });

  it('answers HTTP 200 JSON with X-Admin-Protocol for a function result, including Failed', async () => {
    const r = await post(sim, 'releaseProfile', { header: header(), iccid: iccid(5) });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(r.headers.get('x-admin-protocol'), 'gsma/rsp/v2.5.0');
    assert.deepEqual(statusOf(r.json), {
      status: 'Failed',
      statusCodeData: { subjectCode: '8.2.1', reasonCode: '3.9', subjectIdentifier: iccid(5), message: 'Unknown ICCID' },
    });
  });

  it('a missing mandatory element is <subject>/2.2, for each function', async () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['confirmOrder', { releaseFlag: true }, '8.2.1'],
      ['confirmOrder', { iccid: iccid(1) }, '8.8.5'],
      ['cancelOrder', { iccid: iccid(1) }, '8.8.5'],
      ['releaseProfile', {}, '8.2.1'],
    ];
    for (const [fn, fields, subject] of cases) {
      const r = await post(sim, fn, { header: header(), ...fields });
      assert.equal(r.status, 200);
      const s = statusOf(r.json);
      assert.equal(s.status, 'Failed', `${fn} ${JSON.stringify(fields)}`);
      assert.equal(`${s.statusCodeData.subjectCode}/${s.statusCodeData.reasonCode}`, `${subject}/2.2`, fn);
    }
  });

  it('an EID with wrong check digits is 8.1.1/2.1', async () => {
    sim.setProfile(iccid(1), { state: 'Available' });
    const badEid = `${EID_A.slice(0, 30)}${EID_A.endsWith('00') ? '01' : '00'}`;
    assert.equal(isValidEid(badEid), false);
    assert.equal(isValidEid(EID_A), true);
    const r = await post(sim, 'downloadOrder', { header: header(), iccid: iccid(1), eid: badEid });
    assert.equal(statusOf(r.json).statusCodeData.subjectCode, '8.1.1');
    assert.equal(statusOf(r.json).statusCodeData.reasonCode, '2.1');
    assert.equal(sim.profiles.get(iccid(1))!.state, 'Available');
  });

  it('refuses requests it cannot identify: no X-Admin-Protocol, no header, unknown function', async () => {
    assert.equal((await post(sim, 'releaseProfile', { header: header(), iccid: iccid(1) }, { 'x-admin-protocol': 'bogus' })).status, 400);
    assert.equal((await post(sim, 'releaseProfile', { iccid: iccid(1) })).status, 400);
    assert.equal((await post(sim, 'deleteEverything', { header: header() })).status, 404);
  });

  it('downloadOrder without ICCID picks an Available profile of the type, and says when there is none', async () => {
    sim.setProfile(iccid(1), { state: 'Available', profileType: 'watch' });
    sim.setProfile(iccid(2), { state: 'Available', profileType: 'phone' });
    const r = await post(sim, 'downloadOrder', { header: header(), profileType: 'phone' });
    assert.equal(r.json?.['iccid'], iccid(2));
    const none = await post(sim, 'downloadOrder', { header: header(), profileType: 'phone' });
    assert.deepEqual([statusOf(none.json).statusCodeData.subjectCode, statusOf(none.json).statusCodeData.reasonCode], ['8.2.5', '3.7']);
    const unknown = await post(sim, 'downloadOrder', { header: header(), profileType: 'tablet' });
    assert.equal(statusOf(unknown.json).statusCodeData.reasonCode, '3.9');
    const inUse = await post(sim, 'downloadOrder', { header: header(), iccid: iccid(2) });
    assert.equal(statusOf(inUse.json).statusCodeData.reasonCode, '3.3');
  });

  it('cancelOrder(Available) returns the profile to stock, unbound, so it can be ordered again', async () => {
    sim.setProfile(iccid(1), { state: 'Confirmed', eid: EID_A, matchingId: 'M-1' });
    const r = await post(sim, 'cancelOrder', { header: header(), iccid: iccid(1), finalProfileStatusIndicator: 'Available' });
    assert.equal(statusOf(r.json).status, 'Executed-Success');
    assert.deepEqual(sim.profiles.get(iccid(1)), { iccid: iccid(1), state: 'Available', profileType: 'zhuxiao-consumer' });
    const again = await post(sim, 'downloadOrder', { header: header(), iccid: iccid(1) });
    assert.equal(statusOf(again.json).status, 'Executed-Success');
  });

  it('cancelOrder is allowed for every not-yet-installed state and refused for the others', async () => {
    const allowed = ['Allocated', 'Linked', 'Confirmed', 'Released', 'Error'] as const;
    const refused = ['Available', 'Downloaded', 'Installed'] as const;
    for (const state of [...allowed, ...refused]) {
      sim.setProfile(iccid(1), { state });
      const r = await post(sim, 'cancelOrder', { header: header(), iccid: iccid(1), finalProfileStatusIndicator: 'Unavailable' });
      const s = statusOf(r.json);
      if ((allowed as readonly string[]).includes(state)) {
        assert.equal(s.status, 'Executed-Success', state);
        assert.equal(sim.profiles.get(iccid(1))!.state, 'Unavailable', state);
      } else {
        assert.equal(`${s.status} ${s.statusCodeData.subjectCode}/${s.statusCodeData.reasonCode}`, 'Failed 8.2.1/3.5', state);
        assert.equal(sim.profiles.get(iccid(1))!.state, state);
      }
    }
  });

  it('a matching ID that does not belong to the ICCID is 8.2.6/3.10', async () => {
    sim.setProfile(iccid(1), { state: 'Released', matchingId: 'M-1' });
    const r = await post(sim, 'cancelOrder', {
      header: header(),
      iccid: iccid(1),
      finalProfileStatusIndicator: 'Unavailable',
      matchingId: 'M-2',
    });
    assert.equal(`${statusOf(r.json).statusCodeData.subjectCode}/${statusOf(r.json).statusCodeData.reasonCode}`, '8.2.6/3.10');
  });

  it('call ids are remembered per requester: another requester with the same id is a new call', async () => {
    sim.setProfile(iccid(1), { state: 'Available' });
    sim.setProfile(iccid(2), { state: 'Available' });
    const h = { functionRequesterIdentifier: 'op-a', functionCallIdentifier: 'same' };
    const a = await post(sim, 'downloadOrder', { header: h });
    const b = await post(sim, 'downloadOrder', { header: { ...h, functionRequesterIdentifier: 'op-b' } });
    assert.notEqual(a.json?.['iccid'], b.json?.['iccid']);
  });

  it('plays the device: downloaded, installed, deleted, each notified to the operator', async () => {
    sim.setProfile(iccid(1), { state: 'Released', eid: EID_A, profileType: 'phone' });
    for (const event of ['downloaded', 'installed', 'deleted'] as const) {
      const n = await sim.deviceEvent(iccid(1), event, { notifyUrl: operatorUrl });
      assert.equal(n.delivered, true, event);
    }
    assert.equal(sim.profiles.get(iccid(1))!.state, 'Unavailable');
    assert.equal(received.length, 3);
    const parsed = received.map((body) => parseDownloadProgressInfo(body));
    assert.deepEqual(
      parsed.map((p) => (p.ok ? p.value.notificationPointId : p.errors)),
      [3, 4, 5],
    );
    const first = parsed[0]!;
    assert.ok(first.ok);
    assert.equal(first.value.iccid, iccid(1));
    assert.equal(first.value.eid, EID_A);
    assert.equal(first.value.profileType, 'phone');
    assert.equal(first.value.header.functionRequesterIdentifier, 'zhuxiao-smdp-simulator');
    assert.match(first.value.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.deepEqual(sim.notifications.map((n) => n.request), received);
  });

  it('a lost or undeliverable notification is recorded as not delivered; the state still changes', async () => {
    sim.setProfile(iccid(1), { state: 'Installed' });
    const lost = await sim.deviceEvent(iccid(1), 'deleted', { notifyUrl: operatorUrl, deliver: false });
    assert.equal(lost.delivered, false);
    assert.equal(received.length, 0);
    assert.equal(sim.profiles.get(iccid(1))!.state, 'Unavailable');

    sim.setProfile(iccid(2), { state: 'Installed' });
    const failed = await sim.deviceEvent(iccid(2), 'deleted', { notifyUrl: `${operatorUrl}/nowhere` });
    assert.equal(failed.delivered, false);
    assert.match(failed.error ?? '', /HTTP 404/);
  });

  it('refuses an impossible device event', async () => {
    sim.setProfile(iccid(1), { state: 'Confirmed' });
    await assert.rejects(sim.deviceEvent(iccid(1), 'installed'), /needs state Downloaded/);
    assert.equal(sim.profiles.get(iccid(1))!.state, 'Confirmed');
  });
});
