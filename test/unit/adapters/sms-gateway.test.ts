import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RetryableAdapterError } from '../../../src/adapters/errors.ts';
import { defaultSimulatorControl } from '../../../src/adapters/simulator-control.ts';
import { createSmsGatewaySimulator } from '../../../src/adapters/sms-gateway.ts';

describe('SMS gateway simulator', () => {
  const message = { to: '+8613800138000', text: '您的注销申请已受理。', idempotencyKey: 'req-1:sms_received' };

  it('sends once per key and records the message', async () => {
    const sms = createSmsGatewaySimulator(defaultSimulatorControl());
    const first = await sms.send(message);
    assert.deepEqual(await sms.send(message), first);
    assert.equal(sms.sent.length, 1);
    assert.equal(sms.sent[0]!.text, message.text);
    assert.equal(sms.sent[0]!.messageId, first.messageId);
  });

  it('refuses a recipient that is not a valid E.164 number, and empty or overlong text', async () => {
    const sms = createSmsGatewaySimulator(defaultSimulatorControl());
    await assert.rejects(sms.send({ ...message, to: '13800138000', idempotencyKey: 'a' }), { code: 'invalid_recipient' });
    await assert.rejects(sms.send({ ...message, to: '+8612345', idempotencyKey: 'b' }), { code: 'invalid_recipient' });
    await assert.rejects(sms.send({ ...message, text: '  ', idempotencyKey: 'c' }), { code: 'empty_text' });
    await assert.rejects(sms.send({ ...message, text: '长'.repeat(671), idempotencyKey: 'd' }), { code: 'text_too_long' });
    assert.equal(sms.sent.length, 0);
  });

  it('failNext: nothing is sent until the retry', async () => {
    const sms = createSmsGatewaySimulator({ ...defaultSimulatorControl(), failNext: 1 });
    await assert.rejects(sms.send(message), RetryableAdapterError);
    assert.equal(sms.sent.length, 0);
    await sms.send(message);
    assert.equal(sms.sent.length, 1);
  });
});
