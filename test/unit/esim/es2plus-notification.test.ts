import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { RetryableAdapterError } from '../../../src/adapters/errors.ts';
import {
  formatEs2PlusTimestamp,
  parseDownloadProgressInfo,
  sendDownloadProgressInfo,
} from '../../../src/esim/es2plus-notification.ts';
import { EID_A, iccid } from './fixtures.ts';

describe('handleDownloadProgressInfo (SM-DP+ -> operator)', () => {
  let operator: FastifyInstance;
  let base: string;
  const received: Array<{ body: unknown; protocol: unknown }> = [];
  let answer = 204;

  before(async () => {
    operator = Fastify({ forceCloseConnections: true });
    operator.post('/gsma/rsp2/es2plus/handleDownloadProgressInfo', async (request, reply) => {
      received.push({ body: request.body, protocol: request.headers['x-admin-protocol'] });
      return reply.code(answer).send();
    });
    base = await operator.listen({ port: 0, host: '127.0.0.1' });
  });
  after(() => operator.close());
  beforeEach(() => {
    received.length = 0;
    answer = 204;
  });

  it('POSTs the notification the operator can parse', async () => {
    const sent = await sendDownloadProgressInfo(base, {
      functionRequesterIdentifier: 'smdp-1',
      functionCallIdentifier: 'n-1',
      iccid: iccid(1),
      eid: EID_A,
      profileType: 'phone',
      notificationPointId: 5,
      timestamp: new Date('2025-10-20T08:30:15.123Z'),
    });
    assert.equal(received.length, 1);
    assert.equal(received[0]!.protocol, 'gsma/rsp/v2.5.0');
    assert.deepEqual(received[0]!.body, sent);
    const parsed = parseDownloadProgressInfo(received[0]!.body);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value, {
      header: { functionRequesterIdentifier: 'smdp-1', functionCallIdentifier: 'n-1' },
      eid: EID_A,
      iccid: iccid(1),
      profileType: 'phone',
      timestamp: '2025-10-20T08:30:15Z',
      notificationPointId: 5,
      notificationPointStatus: { status: 'Executed-Success' },
    });
  });

  it('accepts a full URL ending in the function name', async () => {
    await sendDownloadProgressInfo(`${base}/gsma/rsp2/es2plus/handleDownloadProgressInfo`, {
      functionRequesterIdentifier: 'smdp-1',
      iccid: iccid(1),
      profileType: 'phone',
      notificationPointId: 3,
    });
    assert.equal(received.length, 1);
  });

  it('a non-2xx answer or an unreachable operator is retryable', async () => {
    answer = 500;
    const info = { functionRequesterIdentifier: 'smdp-1', iccid: iccid(1), profileType: 'phone', notificationPointId: 4 };
    await assert.rejects(sendDownloadProgressInfo(base, info), RetryableAdapterError);
    await assert.rejects(sendDownloadProgressInfo('http://127.0.0.1:1', info), RetryableAdapterError);
  });

  it('parse rejects a body missing mandatory fields and names them, not their values', () => {
    const result = parseDownloadProgressInfo({
      header: { functionRequesterIdentifier: 'smdp-1', functionCallIdentifier: 'n-1' },
      iccid: iccid(1),
      profileType: 'phone',
      timestamp: '2025-10-20 08:30',
      notificationPointStatus: { status: 'Executed-Success' },
    });
    assert.equal(result.ok, false);
    assert.ok(!result.ok);
    assert.ok(result.errors.some((e) => e.includes('notificationPointId')));
    assert.ok(result.errors.some((e) => e.startsWith('/timestamp')));
    assert.ok(result.errors.every((e) => !e.includes(iccid(1))));
  });

  it('accepts any integer notification point, including vendor ones', () => {
    const body = {
      header: { functionRequesterIdentifier: 's', functionCallIdentifier: 'c' },
      iccid: iccid(1),
      profileType: 'p',
      timestamp: '2025-10-20T08:30:15+08:00',
      notificationPointId: 101,
      notificationPointStatus: { status: 'Failed', statusCodeData: { subjectCode: '8.1', reasonCode: '1.2' } },
    };
    assert.equal(parseDownloadProgressInfo(body).ok, true);
    assert.equal(parseDownloadProgressInfo({ ...body, notificationPointId: 1.5 }).ok, false);
  });

  it('formats timestamps without fractions of a second', () => {
    assert.equal(formatEs2PlusTimestamp(new Date('2025-01-02T03:04:05.678Z')), '2025-01-02T03:04:05Z');
  });
});
