// An SMS at each change of a request, enqueued in the same transaction as the change. The job carries
// the request id, not the phone number: the worker looks the number up when it sends (job rows are
// kept, and shown in queue tools, long after the message went out).
import type { Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { DB, RequestStatus } from '../db/schema.ts';
import { QUEUES } from '../jobs/queue.ts';
import { checkMsisdn } from '../identifiers/index.ts';

/**
 * Pure: whether a line's number is sent status SMS. A 13-digit IoT number (物联网号码, e.g. 1440…)
 * belongs to a data-only SIM in a device (a meter, a tracker, a vehicle unit): nobody reads a
 * message there, and a fleet of them would send thousands for nothing. Its company hears from the
 * fleet job instead (progress, the end e-mail or webhook). Every other number is sent them.
 */
export function receivesStatusSms(msisdn: string): boolean {
  // A stored number in E.164 with an 11-digit national number is no IoT number (those have 13):
  // answered without parsing it again (libphonenumber's parse is most of the cost of an SMS job here).
  if (E164_11_DIGITS.test(msisdn)) return true;
  return checkMsisdn(msisdn).iot !== true;
}

const E164_11_DIGITS = /^\+861[0-9]{10}$/;

const TEXT: Record<RequestStatus, (p: { tail: string; reason?: string; serial?: string }) => string> = {
  pending_review: (p) => `【注销服务】尾号${p.tail}的注销申请已受理，正在审核。Your cancellation request for the line ending ${p.tail} was received and is under review.`,
  approved: (p) => `【注销服务】尾号${p.tail}的注销申请已通过，正在办理。Your request for the line ending ${p.tail} was approved and is being carried out.`,
  executing: (p) => `【注销服务】尾号${p.tail}的号码正在注销。The line ending ${p.tail} is being cancelled.`,
  completed: (p) => `【注销服务】尾号${p.tail}的号码已注销，注销证明编号 ${p.serial}。The line ending ${p.tail} is cancelled; certificate ${p.serial}.`,
  rejected: (p) => `【注销服务】尾号${p.tail}的注销申请未通过：${p.reason}。Your request for the line ending ${p.tail} was rejected: ${p.reason}`,
  withdrawn: (p) => `【注销服务】尾号${p.tail}的注销申请已撤回。Your request for the line ending ${p.tail} was withdrawn.`,
  needs_attention: (p) => `【注销服务】尾号${p.tail}的注销办理遇到问题，工作人员正在处理，无需您操作。Cancelling the line ending ${p.tail} hit a problem; our staff are on it, nothing is needed from you.`,
};

export async function notifyStatus(
  ctx: AppContext,
  trx: Transaction<DB>,
  n: StatusNotice,
): Promise<void> {
  const job = statusSmsJob(n);
  if (job) await ctx.jobs.send(trx, QUEUES.sms, job.data, { key: job.key });
}

export interface StatusNotice { requestId: string; msisdn: string; status: RequestStatus; reason?: string; serial?: string }

/** Pure: the SMS job a change of status enqueues (null: that change sends none), for a caller that writes it itself (openRequest, in its statement). */
export function statusSmsJob(n: StatusNotice): { data: StatusSmsJob; key: string } | null {
  if (n.status === 'executing') return null; // the 'approved' message already says it is being carried out
  // A cancelled number receives nothing: its last notice went out before the network step, with the
  // reference and the retrieval link; the certificate itself goes by e-mail when an address was left.
  if (n.status === 'completed') return null;
  if (!receivesStatusSms(n.msisdn)) return null;
  const text = TEXT[n.status]({ tail: n.msisdn.slice(-4), reason: n.reason, serial: n.serial });
  const key = `${n.requestId}:${n.status}`;
  return { data: { requestId: n.requestId, text, idempotencyKey: key, queuedAt: Date.now() }, key };
}

/** The SMS job's payload; jobs queued by earlier versions carry `to` instead of `requestId`. */
export interface StatusSmsJob { requestId?: string; to?: string; text: string; idempotencyKey: string; queuedAt?: number }

/** The number a status SMS goes to: the line of its request (null when the request is gone, or the number gets none: a job queued before that rule). */
export async function statusSmsRecipient(ctx: AppContext, job: StatusSmsJob): Promise<string | null> {
  if (job.to) return receivesStatusSms(job.to) ? job.to : null;
  if (!job.requestId) return null;
  const row = await ctx.db.selectFrom('cancellation_requests as r').innerJoin('lines as l', 'l.id', 'r.line_id')
    .select('l.msisdn').where('r.id', '=', job.requestId).executeTakeFirst();
  return row && receivesStatusSms(row.msisdn) ? row.msisdn : null;
}
