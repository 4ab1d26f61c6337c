// An account as a fleet job's quoting goes through it: the lines listed as keeping the balance, and
// the count of the others, are those a plain reading of the account would give (every free line
// not yet leaving, in number order), whatever order the job's lines leave in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AccountInJob, LISTED_KEEPING_LINES } from '../../../src/fleet/quote-fleet-lines.ts';

function plainShare(lines: Array<{ id: string; msisdn: string; liveRequestId: string | null }>, leaving: Set<string>, lineId: string) {
  const keeping = lines.filter((l) => l.liveRequestId === null && !leaving.has(l.id) && l.id !== lineId);
  return { listed: keeping.slice(0, LISTED_KEEPING_LINES).map((l) => l.id), more: Math.max(0, keeping.length - LISTED_KEEPING_LINES) };
}

test('the first lines keeping the balance and the count of the rest match a plain reading, line after line, in a shuffled order', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const lines = Array.from({ length: 300 }, (_, i) => ({
    id: `line-${i}`, msisdn: `1440000${String(i).padStart(6, '0')}`, liveRequestId: i % 37 === 0 ? `req-${i}` : null,
  }));
  const account = new AccountInJob({ lines, heldFen: 1000, heldByLine: new Map([['line-0', 400]]) });
  const order = lines.filter((l) => l.liveRequestId === null).map((l) => l.id).sort(() => rnd() - 0.5);
  const leaving = new Set<string>();
  let held = 0;
  for (const [n, id] of order.entries()) {
    const share = account.shareOf(id);
    const plain = plainShare(lines, leaving, id);
    assert.deepEqual({ listed: share.otherLines.map((l) => l.id), more: share.moreKeeping ?? 0 }, plain, `line ${n} of the job (${id})`);
    assert.equal(share.reservedFen, 1000 + held);
    // Most lines leave; every fifth is blocked and keeps the balance.
    if (n % 5 !== 4) {
      account.leave(id, 10);
      leaving.add(id);
      held += 10;
    }
  }
  // A line with a live request of its own is never listed, nor counted as keeping.
  const last = account.shareOf('line-0');
  assert.deepEqual({ listed: last.otherLines.map((l) => l.id), more: last.moreKeeping ?? 0 }, plainShare(lines, leaving, 'line-0'));
  assert.equal(last.reservedFen, 1000 - 400 + held);
});
