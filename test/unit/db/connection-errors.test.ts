// Which errors mean "the database is not there" (503 unavailable, jobs wait) and which are ordinary
// failures of a statement (a bug or bad data: 500, or the step's own error handling).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorMessage, isConnectionError } from '../../../src/db/connection-errors.ts';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

test('connection losses, refusals and pool timeouts are connection errors', () => {
  for (const e of [
    withCode('57P01', 'terminating connection due to administrator command'),
    withCode('57P02'), withCode('57P03', 'the database system is starting up'), withCode('53300'),
    withCode('08006'), withCode('08001'), withCode('08P01'),
    withCode('ECONNREFUSED'), withCode('ECONNRESET'), withCode('ETIMEDOUT'),
    new Error('Connection terminated unexpectedly'),
    new Error('Connection terminated due to connection timeout'),
    new Error('timeout exceeded when trying to connect'),
    new Error('Client has encountered a connection error and is not queryable'),
    Object.assign(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], ''), {}),
    new Error('the job failed', { cause: withCode('57P01') }),
    withCode('57P01', 'terminating connection due to administrator command (Queue: notify-sms, Worker: 1)'),
  ]) assert.equal(isConnectionError(e), true, `${(e as any).code ?? ''} ${e.message}`);
});

test('errors in what was asked of the database are not', () => {
  for (const e of [
    withCode('23505', 'duplicate key value violates unique constraint'), withCode('42P01', 'relation does not exist'),
    withCode('40001', 'could not serialize access'), withCode('57014', 'canceling statement due to statement timeout'),
    withCode('0800'), new Error('Something else'), new TypeError('x is undefined'), 'a string', null, undefined, 42,
  ]) assert.equal(isConnectionError(e), false, String((e as any)?.code ?? e));
});

test('errorMessage reads whatever was thrown or emitted', () => {
  assert.equal(errorMessage(new Error('boom')), 'boom');
  assert.equal(errorMessage({ message: 'plain object' }), 'plain object');
  assert.equal(errorMessage({ code: 1 }), '{"code":1}');
  assert.equal(errorMessage('text'), 'text');
});
