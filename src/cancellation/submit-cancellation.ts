// The subscriber commits: the quote they saw must still be current, every reminder acknowledged,
// the last 4 digits typed, a refund route chosen. One live request per line; the same
// Idempotency-Key replays the first answer.
import type { AppContext } from '../context.ts';
import type { Kysely, Transaction } from 'kysely';
import type { CarrierSettings, DB } from '../db/schema.ts';
import { AppError } from '../shared/errors.ts';
import { idempotencyRecord, isUniqueViolation, storedResponse, withIdempotency, type IdempotencyRecord } from '../shared/idempotency.ts';
import { composeQuote, type Quote } from './compose-quote.ts';
import { loadQuoteFacts, type OwnerSession } from './load-quote-facts.ts';
import { openRequest, openRequestIfAccountUnchanged, type NewRequest } from './open-request.ts';
import { acceptRefundRoute, type RefundRouteInput } from './refund-route.ts';
import { LIVE_STATUSES, type Actor } from './transitions.ts';
import type { Lang } from './messages.ts';
import { acceptContactEmail } from './contact-email.ts';

export interface SubmitInput {
  lineId: string;
  quoteVersion: string;
  acknowledgements: string[];
  confirmLast4: string;
  refundRoute: RefundRouteInput;
  acceptPenalty?: boolean;
  /** Optional address the certificate is e-mailed to once the line is cancelled. */
  email?: string;
}

export async function alreadyRequested(db: Kysely<DB> | Transaction<DB>, lineId: string): Promise<AppError> {
  const live = await db.selectFrom('cancellation_requests').select(['id', 'status'])
    .where('line_id', '=', lineId).where('status', 'in', [...LIVE_STATUSES, 'completed']).executeTakeFirst();
  return new AppError('already_requested', live?.status === 'completed'
    ? 'This line has already been cancelled.'
    : 'A cancellation request for this line is already open.', { requestId: live?.id ?? null, status: live?.status ?? null });
}

/** Recomputes the quote the user saw (with or without the penalty accepted) and checks it is unchanged. */
export function matchQuote(quotes: Quote[], version: string): Quote {
  const q = quotes.find((x) => x.version === version);
  if (!q) {
    throw new AppError('quote_stale', 'The figures changed since you saw them (balance, bill or conditions). Look at the new quote and confirm again.', { currentVersion: quotes[0].version });
  }
  return q;
}

export function assertConfirmations(quote: Quote, acknowledgements: string[], confirmLast4: string | null, msisdn: string): void {
  if (!quote.eligible) {
    throw new AppError('not_eligible', `This line cannot be cancelled yet; clear these first: ${quote.blockers.map((b) => b.code).join(', ')}.`, {
      blockers: quote.blockers.map((b) => ({ code: b.code, message: b.message, remedy: b.remedy })),
    });
  }
  const missing = quote.requiredAcknowledgements.filter((a) => !acknowledgements.includes(a));
  if (missing.length) {
    throw new AppError('acknowledgements_missing', `Please confirm: ${missing.join(', ')}.`, { missing });
  }
  if (confirmLast4 !== null && confirmLast4.trim() !== msisdn.slice(-4)) {
    throw new AppError('confirmation_mismatch', 'The last 4 digits you typed do not match this line\'s number. Check that this is the card you mean to cancel.');
  }
}

/** Whether a request skips review under the carrier's rules (online and TMF622 orders alike). */
export function startsApproved(s: CarrierSettings, quote: Quote): boolean {
  return !s.onlineReviewRequired
    || (s.autoApproveMaxRefundFen !== null && quote.warnings.length === 0 && quote.refund.refundableFen <= s.autoApproveMaxRefundFen);
}

/** The answer to a submission (201), stored with it for a replay. */
type Submitted = { id: string; status: string; reference: string };

export async function submitCancellation(
  ctx: AppContext,
  who: { session: OwnerSession; ip: string },
  input: SubmitInput,
  idempotencyKey: string,
  lang: Lang,
): Promise<{ statusCode: number; body: Submitted; replayed: boolean }> {
  // Whose submission this is comes from the session, read in the facts' statement (no statement of
  // its own). Stored answers are kept per customer, so their scope is known only once that statement
  // has run: the answer is written under it, and looked up under it when the run fails.
  let customerId: string | null = null;
  const session: OwnerSession = {
    ...who.session,
    admit: (s) => {
      who.session.admit(s);
      customerId = s!.customerId;
    },
  };
  const unresolved = idempotencyRecord(UNRESOLVED_SCOPE, idempotencyKey, input);
  const run = (db: Kysely<DB> | Transaction<DB>, lock: boolean) =>
    submitOnce(ctx, db, { session, ip: who.ip, customerId: () => customerId!, lock }, input, unresolved, lang);
  try {
    // First without a transaction or a lock: the facts with the session (one statement, as the
    // quote's), then one statement that writes the request with its event, audit entry, stored
    // answer and jobs, only if the billing account is still the row version the facts were read
    // with. Two statements in all. Every effect is in that one statement, so the stored answer is
    // looked up only when this fails: a replay fails (the line is taken, or the stored answer's key
    // is) and then gets the answer stored under its key.
    const optimistic = await run(ctx.db, false);
    if (optimistic) return { ...optimistic, replayed: false };
    // The account moved meanwhile (another request on it, a payment): again, holding the account
    // (FOR UPDATE), so that a busy account cannot keep this submission retrying. Four statements
    // between BEGIN and COMMIT: the lock (with the session and the ownership check), the facts, the write.
    return await withIdempotency(ctx.db, UNRESOLVED_SCOPE, idempotencyKey, input, async (trx) => {
      try {
        return (await run(trx, true))!;
      } catch (e) {
        throw new Refusal(e); // past withIdempotency's own lookup, which knows only UNRESOLVED_SCOPE
      }
    }, { lookup: 'on_failure' });
  } catch (thrown) {
    const e = thrown instanceof Refusal ? thrown.error : thrown;
    // Another request holds the line, or this key's answer is stored: if it was this very submission
    // (a double click, a client retrying after a timeout), its stored answer; otherwise the refusal.
    if (customerId && (isUniqueViolation(e) || e instanceof AppError)) {
      const stored = await storedResponse<Submitted>(ctx.db, { ...unresolved, scope: scopeOf(customerId) });
      if (stored) return stored;
    }
    throw isUniqueViolation(e) ? await alreadyRequested(ctx.db, input.lineId) : e;
  }
}

const scopeOf = (customerId: string) => `subscriber:${customerId}:submit`;
/** What withIdempotency is given before the customer is known; no answer is ever stored under it. */
const UNRESOLVED_SCOPE = 'subscriber:(from the session):submit';

/** A failure inside the run, carried through withIdempotency untouched (it would look up a stored answer under the unresolved scope). */
class Refusal extends Error {
  constructor(readonly error: unknown) {
    super('submission refused');
  }
}

/**
 * One attempt: `lock` in a transaction holding the account, otherwise without either (null: the
 * account changed after its facts were read, nothing was written).
 */
async function submitOnce(
  ctx: AppContext,
  db: Kysely<DB> | Transaction<DB>,
  who: { session: OwnerSession; ip: string; customerId: () => string; lock: boolean },
  input: SubmitInput,
  unresolved: IdempotencyRecord,
  lang: Lang,
): Promise<{ statusCode: number; body: Submitted; stored: true } | null> {
  const now = ctx.now();
  const facts = await loadQuoteFacts(db, { lineId: input.lineId, channel: 'online', acceptPenalty: false, now, lockAccount: who.lock, ownerSession: who.session });
  const customerId = who.customerId(); // admitted with the facts (or the lock)
  const record: IdempotencyRecord = { ...unresolved, scope: scopeOf(customerId) };
  if (facts.liveRequestId) throw await alreadyRequested(db, input.lineId);
  // The quote the user says they saw first; the other one only when that one has changed.
  const seen = composeQuote({ ...facts, acceptPenalty: !!input.acceptPenalty }, lang);
  const quote = seen.version === input.quoteVersion ? seen
    : matchQuote([seen, composeQuote({ ...facts, acceptPenalty: !input.acceptPenalty }, lang)], input.quoteVersion);
  assertConfirmations(quote, input.acknowledgements, input.confirmLast4, facts.line.msisdn);
  const route = acceptRefundRoute(quote, input.refundRoute, ctx.vault);
  const s: CarrierSettings = facts.carrier.settings;
  const autoApprove = startsApproved(s, quote);
  const actor: Actor = { kind: 'subscriber', id: customerId, ip: who.ip };
  const email = acceptContactEmail(input.email);
  const status = autoApprove ? 'approved' : 'pending_review';
  const request: NewRequest = {
    lineId: facts.line.id,
    customerId: facts.line.customer_id,
    carrier: facts.line.carrier,
    msisdn: facts.line.msisdn,
    channel: 'online',
    status,
    quote,
    acknowledgements: input.acknowledgements,
    refundRoute: route.route,
    refundRouteSecretEnc: route.secretEnc,
    slaDueAt: autoApprove ? null : new Date(now.getTime() + s.reviewSlaHours * 3600_000),
    actor,
    note: autoApprove ? 'auto-approved by carrier rule' : undefined,
    contactEmail: email,
    response: { record, statusCode: 201, body: (r) => ({ id: r.id, status, reference: r.reference }) },
  };
  const opened = db.isTransaction ? await openRequest(ctx, db as Transaction<DB>, request) : await openRequestIfAccountUnchanged(ctx, db, request, facts.accountToken);
  if (!opened) return null;
  return { statusCode: 201, body: { id: opened.id, status, reference: opened.reference }, stored: true };
}
