// A fleet job's quotes are computed in bulk (src/fleet/quote-fleet-lines.ts: a thousand lines a
// statement, each account's lines once) so that a company's account of thousands of lines is not
// read once per line. They must say what quoting each line alone says (loadQuoteFacts, as a single
// cancellation reads it) with the job's earlier lines of the account counted as leaving: the same
// blockers, bill, refund, hold and settling line; the same lines keeping the balance, the first ten
// by name and the rest counted; the same quote version where every such line is listed.
// Two of the company's lines have live requests of their own (a first job, confirmed, not run), so
// holds and lines already leaving are part of what is compared.
// Runs on PGlite, and on PostgreSQL when DATABASE_URL is set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testAppForFile, type TestApp } from '../helpers/context.ts';
import { DEMO_COMPANY } from '../../src/db/seed/companies.ts';
import { composeQuote, type Quote } from '../../src/cancellation/compose-quote.ts';
import { loadQuoteFacts } from '../../src/cancellation/load-quote-facts.ts';
import { LISTED_KEEPING_LINES, quoteFleetLines } from '../../src/fleet/quote-fleet-lines.ts';
import { planFleetJob } from '../../src/fleet/plan-fleet-job.ts';
import { confirmFleetJob } from '../../src/fleet/confirm-fleet-job.ts';

let t: TestApp;
testAppForFile({ workers: false }, (app) => (t = app));

/** Each line quoted alone, in order, the earlier eligible lines of its account marked as leaving. */
async function quotedOneByOne(lineIds: string[], now: Date): Promise<Map<string, { quote: Quote; keepingTails: string[] }>> {
  const out = new Map<string, { quote: Quote; keepingTails: string[] }>();
  const leaving = new Map<string, { ids: Set<string>; heldFen: number }>();
  for (const lineId of lineIds) {
    const f = await loadQuoteFacts(t.ctx.db, { lineId, channel: 'fleet', acceptPenalty: true, now });
    const acc = leaving.get(f.line.account_id) ?? { ids: new Set<string>(), heldFen: 0 };
    leaving.set(f.line.account_id, acc);
    const share = {
      otherLines: f.share!.otherLines.map((o) => (o.liveRequestId === null && acc.ids.has(o.id) ? { ...o, liveRequestId: 'leaving' } : o)),
      reservedFen: f.share!.reservedFen + acc.heldFen,
    };
    const quote = composeQuote({ ...f, share }, 'en');
    out.set(lineId, { quote, keepingTails: share.otherLines.filter((o) => o.liveRequestId === null).map((o) => o.msisdn.slice(-4)) });
    if (quote.eligible) {
      acc.ids.add(lineId);
      acc.heldFen += quote.bill.totalFen + quote.refund.refundableFen;
    }
  }
  return out;
}

test('the bulk quotes of a job say what each line quoted alone says, with the job\'s earlier lines of its account leaving', async () => {
  const db = t.ctx.db;
  const lines = await db.selectFrom('lines').select(['id', 'iccid', 'account_id']).where('company_id', '=', DEMO_COMPANY.id)
    .where('status', '<>', 'cancelled').orderBy('iccid').execute();
  assert.ok(lines.length >= 40, `the demo company has its lines (${lines.length})`);

  // Two lines get live requests first: a job of their own, confirmed, left unexecuted (no workers here).
  const admin = await db.selectFrom('staff').select('id').where('username', '=', DEMO_COMPANY.admin.username).executeTakeFirstOrThrow();
  const actor = { kind: 'company_admin' as const, id: admin.id };
  const firstTwo = lines.filter((l) => l.iccid).slice(0, 2);
  const first = await planFleetJob(t.ctx, { companyId: DEMO_COMPANY.id, actor, rows: firstTwo.map((l) => l.iccid), source: 'json' });
  const confirmed = await confirmFleetJob(t.ctx, DEMO_COMPANY.id, first.jobId, actor);
  assert.equal(confirmed.queued, 2, 'the first job opened two requests');

  const rest = lines.slice(2).map((l) => l.id);
  const now = t.ctx.now();
  const bulk = new Map<string, Quote>();
  let rounds = 0;
  await quoteFleetLines(db, rest, now, (quotes) => {
    rounds++;
    for (const [id, q] of quotes) bulk.set(id, q);
  });
  assert.ok(rounds >= 1 && bulk.size === rest.length, 'every line quoted once, round by round');
  const alone = await quotedOneByOne(rest, now);

  let listedInFull = 0, counted = 0, settling = 0, held = 0;
  for (const id of rest) {
    const b = bulk.get(id)!;
    const { quote: a, keepingTails } = alone.get(id)!;
    const what = `line ${id}`;
    assert.deepEqual(b.blockers.map((x) => x.code), a.blockers.map((x) => x.code), `${what}: blockers`);
    assert.equal(b.eligible, a.eligible, `${what}: eligible`);
    assert.equal(b.bill.totalFen, a.bill.totalFen, `${what}: bill`);
    assert.equal(b.refund.refundableFen, a.refund.refundableFen, `${what}: refund`);
    assert.equal(b.refund.settlesAccount, a.refund.settlesAccount, `${what}: settles the account`);
    assert.equal(b.refund.reservedByOtherRequestsFen, a.refund.reservedByOtherRequestsFen, `${what}: what other requests hold`);
    assert.equal(b.refund.availableFen, a.refund.availableFen, `${what}: cash available`);
    const stays = b.refund.staysOnAccount;
    if (a.refund.settlesAccount) {
      assert.equal(stays, null, `${what}: nothing stays on a settled account`);
      settling++;
    } else {
      assert.ok(stays, `${what}: the balance stays for the other lines`);
      assert.deepEqual(stays.lines, keepingTails.slice(0, LISTED_KEEPING_LINES), `${what}: the first lines keeping the balance, by tail`);
      assert.equal(stays.lines.length + (stays.moreLines ?? 0), keepingTails.length, `${what}: every line keeping the balance, counted`);
      assert.equal(stays.amountFen, a.refund.staysOnAccount!.amountFen, `${what}: what stays`);
      if (stays.moreLines) {
        counted++;
        assert.match(b.refund.note, new RegExp(`and ${stays.moreLines} more`), `${what}: the note counts the lines not listed`);
      }
    }
    if (keepingTails.length <= LISTED_KEEPING_LINES) {
      assert.equal(b.version, a.version, `${what}: the same quote version`);
      listedInFull++;
    }
    if (a.refund.reservedByOtherRequestsFen > 0) held++;
    assert.deepEqual(b.refundRoutes.map((r) => r.type), ['original'], `${what}: a fleet refund goes back the way the account pays`);
  }
  // The comparison reached each case it is about.
  assert.ok(settling >= 1, 'some line settles its account');
  assert.ok(counted >= 1, `some line's account keeps more than ${LISTED_KEEPING_LINES} lines (counted, not listed)`);
  assert.ok(listedInFull >= 1, 'some line lists every line keeping the balance');
  assert.ok(held >= 1, 'some line shares its account with a live request that holds money');
});
