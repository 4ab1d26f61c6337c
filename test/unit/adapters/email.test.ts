// The e-mail simulator: one message per key however often it is called, calls counted per key,
// refusals and failures as the other simulators have them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createEmailSimulator } from '../../../src/adapters/email.ts';
import { PermanentAdapterError, RetryableAdapterError } from '../../../src/adapters/errors.ts';
import { defaultSimulatorControl } from '../../../src/adapters/simulator-control.ts';

const pdf = { filename: 'ZX.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.7') };

describe('e-mail simulator', () => {
  it('sends once per idempotency key and counts every call', async () => {
    const mail = createEmailSimulator(defaultSimulatorControl());
    const msg = { to: 'a@example.com', subject: 'Certificate', text: 'attached', attachments: [pdf], idempotencyKey: 'r1:certificate-email' };
    const first = await mail.send(msg);
    const again = await mail.send(msg);
    assert.equal(first.messageId, again.messageId);
    assert.equal(mail.sent.length, 1);
    assert.equal(mail.callsPerKey.get('r1:certificate-email'), 2);
    assert.deepEqual(mail.sent[0].attachments, [{ filename: 'ZX.pdf', contentType: 'application/pdf', sizeBytes: 8 }]);
  });

  it('refuses an address that is not one, and a key reused for another message', async () => {
    const mail = createEmailSimulator(defaultSimulatorControl());
    await assert.rejects(mail.send({ to: 'nobody', subject: 's', text: 't', idempotencyKey: 'k1' }), (e) => e instanceof PermanentAdapterError && e.code === 'invalid_recipient');
    await mail.send({ to: 'a@example.com', subject: 's', text: 't', idempotencyKey: 'k2' });
    await assert.rejects(mail.send({ to: 'b@example.com', subject: 's', text: 't', idempotencyKey: 'k2' }), (e) => e instanceof PermanentAdapterError && e.code === 'idempotency_key_reused');
  });

  it('fails as its control says: retryable, then refused for good', async () => {
    const control = { ...defaultSimulatorControl(), failNext: 1, permanentFailNext: 0 };
    const mail = createEmailSimulator(control);
    const msg = { to: 'a@example.com', subject: 's', text: 't', idempotencyKey: 'k3' };
    await assert.rejects(mail.send(msg), (e) => e instanceof RetryableAdapterError);
    assert.equal((await mail.send(msg)).messageId, 'MAIL-00000001');
    control.permanentFailNext = 1;
    await assert.rejects(mail.send({ ...msg, idempotencyKey: 'k4' }), (e) => e instanceof PermanentAdapterError && e.code === 'email_rejected');
  });
});
