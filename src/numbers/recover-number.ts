// Step 2 of recovering a frozen number (号码恢复), by its former owner during the freeze. Who may:
// a subscriber session that is signed in (SMS code to another live line of theirs) and real-name
// confirmed, whose ID document is the one the number was registered to; on top of that, for this
// action, the one-time code sent to that line (step 1) and the last 6 characters of the ID document
// checked against the former owner's record. Five answers (code or ID) spend the code; each is
// counted atomically before it is checked.
//
// What recovery makes: the number's pool entry becomes 'recovered' and a NEW line is opened for the
// former owner (same customer record, same billing account, same plan, same home province), on a
// replacement SIM whose ICCID the person gives (printed on the card; the old SIM was retired at
// cancellation). The IMSI of the new line is drawn for the carrier here: a stand-in for the SIM
// inventory lookup (ICCID → IMSI) a real deployment does. Provisioning the new subscriber on the
// network is not modelled by the network adapter; the line is recorded active.
import crypto from 'node:crypto';
import type { AppContext } from '../context.ts';
import type { CarrierCode } from '../db/schema.ts';
import type { Principal } from '../identity/sessions.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { chinaDate } from '../billing/final-bill.ts';
import { checkIccid, IMSI_MNCS, makeImsi } from '../identifiers/index.ts';
import { hitRateLimits } from '../identity/rate-limit.ts';
import { parseMsisdnOrThrow } from '../identity/request-sign-in-code.ts';
import { maskIccid, maskMsisdn } from '../lines/mask.ts';
import { AppError } from '../shared/errors.ts';
import { MAX_RECOVERY_ATTEMPTS, findRecoverableNumber, recoveryCodeHash } from './recoverable-number.ts';

type Subscriber = Extract<Principal, { kind: 'subscriber' }>;

export interface RecoverInput {
  msisdn: string;
  code: string;
  idLast6: string;
  /** ICCID of the replacement SIM. */
  iccid: string;
  ip: string;
}

export async function recoverNumber(
  ctx: AppContext,
  who: Subscriber,
  input: RecoverInput,
): Promise<{ lineId: string; msisdn: string; carrier: string; status: 'active'; maskedIccid: string }> {
  const now = ctx.now();
  await hitRateLimits(ctx.db, [
    { bucket: `recover:${who.customerId}`, max: 10, windowSeconds: 3600, message: 'Too many recovery attempts. Please try again later.' },
  ], now);
  const msisdn = parseMsisdnOrThrow(input.msisdn);
  if (!/^\d{6}$/.test(input.code)) throw new AppError('invalid_code', 'The code is the 6 digits from the SMS.');
  const last6 = input.idLast6.replace(/\s+/g, '').toUpperCase();
  if (!/^[0-9A-Z]{6}$/.test(last6)) throw new AppError('validation_failed', 'Enter the last 6 characters of your ID document (digits, or X).', { field: 'idLast6' });
  const iccidCheck = checkIccid(input.iccid);
  if (!iccidCheck.valid || !iccidCheck.normalized) {
    throw new AppError('invalid_identifier', iccidCheck.errors[0]?.message ?? 'Not a valid ICCID.', { kind: 'iccid', errors: iccidCheck.errors });
  }
  const iccid = iccidCheck.normalized;

  const number = await findRecoverableNumber(ctx, who.customerId, msisdn);
  // What the code and the ID say nothing about is checked first, so a wrong SIM does not spend a try.
  if (iccidCheck.carrier && iccidCheck.carrier !== number.carrier) {
    throw new AppError('iccid_mismatch', 'This SIM card was issued by another carrier: use a SIM of the carrier the number belongs to.', { carrier: number.carrier });
  }
  if (await ctx.db.selectFrom('lines').select('id').where('iccid', '=', iccid).executeTakeFirst()) {
    throw new AppError('conflict', 'This SIM card is already in use. Use a new SIM card.');
  }
  const former = number.formerLineId
    ? await ctx.db.selectFrom('lines').selectAll().where('id', '=', number.formerLineId).executeTakeFirst()
    : undefined;
  if (!former) throw new AppError('not_found', 'The former line of this number was not found; recover it in a store.');

  // Count the try before checking it, in one conditional UPDATE: answers sent all at once are counted
  // one by one, so a code never gets more than MAX_RECOVERY_ATTEMPTS tries.
  const codeRow = await ctx.db.updateTable('number_recovery_codes').set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('msisdn', '=', msisdn).where('customer_id', '=', who.customerId).where('attempts', '<', MAX_RECOVERY_ATTEMPTS)
    .returning(['code_hash', 'attempts', 'expires_at']).executeTakeFirst();
  if (!codeRow) {
    const waiting = await ctx.db.selectFrom('number_recovery_codes').select('attempts').where('msisdn', '=', msisdn).where('customer_id', '=', who.customerId).executeTakeFirst();
    if (!waiting) throw new AppError('invalid_code', 'No recovery code is waiting for this number. Ask for one first.');
    throw new AppError('too_many_attempts', 'Too many wrong answers. Ask for a new code.');
  }
  if (new Date(codeRow.expires_at).getTime() < now.getTime()) throw new AppError('code_expired', 'The code has expired. Ask for a new one.');
  const triesLeft = Math.max(0, MAX_RECOVERY_ATTEMPTS - codeRow.attempts);
  const wrong = (action: string) => appendAudit(ctx.db, { actorKind: 'subscriber', actorId: who.customerId, ip: input.ip, action, subject: `msisdn:${maskMsisdn(msisdn)}` });
  const expected = Buffer.from(codeRow.code_hash);
  const given = Buffer.from(recoveryCodeHash(ctx, msisdn, who.customerId, input.code));
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) {
    await wrong('number.recover_wrong_code');
    throw new AppError('invalid_code', `That code is not right. ${triesLeft} tries left.`, { triesLeft });
  }
  const owner = await ctx.db.selectFrom('customers').select('id_last6_blind').where('id', '=', number.formerCustomerId).executeTakeFirstOrThrow();
  if (owner.id_last6_blind !== ctx.vault.blindIndex(last6, 'id6')) {
    await wrong('number.recover_identity_mismatch');
    throw new AppError('identity_mismatch', 'That does not match the ID document this number was registered to.', { triesLeft });
  }
  const imsi = await freshImsi(ctx, number.carrier as CarrierCode);

  const lineId = crypto.randomUUID();
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('lines').values({
      id: lineId,
      customer_id: former.customer_id,
      account_id: former.account_id,
      carrier: former.carrier,
      mvno_code: former.mvno_code,
      sold_by: former.sold_by,
      msisdn,
      imsi,
      iccid,
      form_factor: 'physical',
      eid: null,
      esim_profile_state: null,
      device_label: null,
      status: 'active',
      home_province: former.home_province,
      plan_name: former.plan_name,
      monthly_fee_fen: former.monthly_fee_fen,
      usage_to_date_fen: 0,
      contract_end: null,
      penalty_fen: 0,
      bundle_role: 'none',
      bundle_parent_id: null,
      has_broadband: false,
      port_out_status: 'none',
      store_only_reason: former.store_only_reason,
      activated_at: chinaDate(now),
      cancelled_at: null,
    }).execute();
    // The number goes to the new line only if it is still frozen; otherwise the whole transaction (new line included) rolls back.
    const taken = await trx.updateTable('number_pool').set({ state: 'recovered', line_id: lineId, updated_at: now })
      .where('msisdn', '=', msisdn).where('state', '=', 'frozen').where('frozen_until', '>', now).executeTakeFirst();
    if (Number(taken.numUpdatedRows) !== 1) throw new AppError('conflict', 'The number is no longer frozen: it was recovered or released meanwhile.');
    await trx.deleteFrom('number_recovery_codes').where('msisdn', '=', msisdn).execute();
    await appendAudit(trx, {
      actorKind: 'subscriber', actorId: who.customerId, ip: input.ip, action: 'number.recover', subject: `msisdn:${maskMsisdn(msisdn)}`,
      details: { carrier: number.carrier, lineId, formerLineId: former.id, maskedIccid: maskIccid(iccid) },
    });
  });
  return { lineId, msisdn, carrier: number.carrier, status: 'active', maskedIccid: maskIccid(iccid) };
}

/** An IMSI for the carrier's main network code that no line has. */
async function freshImsi(ctx: AppContext, carrier: CarrierCode): Promise<string> {
  const mnc = IMSI_MNCS.find((e) => e.carrier === carrier)!.mnc;
  for (let i = 0; i < 10; i++) {
    const imsi = makeImsi(mnc, String(crypto.randomInt(0, 10_000_000_000)).padStart(10, '0'));
    if (!(await ctx.db.selectFrom('lines').select('id').where('imsi', '=', imsi).executeTakeFirst())) return imsi;
  }
  throw new AppError('unavailable', 'Could not allocate a subscriber identity for the new SIM; try again.');
}
