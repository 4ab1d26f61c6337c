// Finding the customer at the counter, by the ID document presented or by a mobile number: the
// real-name record (masked) and every line registered under that ID document, at every carrier and
// in every province (一证通查), each marked with whether this store can cancel it. ID numbers are
// looked up by blind index, never in clear. Every lookup is audited (who looked at whom).
import type { AppContext } from '../context.ts';
import type { Customer } from '../db/schema.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { checkMsisdn, checkResidentId } from '../identifiers/index.ts';
import { maskName } from '../identity/confirm-real-name.ts';
import { normaliseIdNumber } from '../identity/pii.ts';
import { loadLineViews, type LineView } from '../lines/list-my-lines.ts';
import { maskIdNumber, maskMsisdn } from '../lines/mask.ts';
import { AppError } from '../shared/errors.ts';
import { loadStore, type Clerk } from './clerk-store.ts';
import { looksLikeResidentId } from './verify-store-checks.ts';

export type IdType = Customer['id_type'];
export interface LookupQuery { idNumber?: string; idType?: IdType; msisdn?: string }

export type StoreLineView = Omit<LineView, 'msisdn'> & { maskedMsisdn: string; outOfProvince: boolean; cancellableHere: boolean };

export interface LookupResult {
  customer: { id: string; maskedName: string; maskedIdNumber: string; idType: IdType; kind: 'person' | 'company'; deceased: boolean };
  lines: StoreLineView[];
}

const FIELDS = ['id', 'kind', 'name_enc', 'id_type', 'id_number_enc', 'deceased', 'created_at'] as const;

export async function lookupCustomer(ctx: AppContext, clerk: Clerk, q: LookupQuery): Promise<LookupResult> {
  const idNumber = q.idNumber ? normaliseIdNumber(q.idNumber) : '';
  const msisdn = q.msisdn?.trim() ?? '';
  if (!idNumber === !msisdn) throw new AppError('validation_failed', 'Give either the ID document number (idNumber) or a mobile number (msisdn).');

  let blind: string;
  if (idNumber) {
    if ((q.idType ?? 'resident_id') === 'resident_id' && looksLikeResidentId(idNumber)) {
      const r = checkResidentId(idNumber, ctx.now());
      if (!r.valid) throw new AppError('invalid_identifier', r.errors[0]?.message ?? 'Not a valid resident ID number.', { kind: 'resident-id', errors: r.errors });
    }
    blind = ctx.vault.blindIndex(idNumber, 'id');
  } else {
    const r = checkMsisdn(msisdn);
    if (!r.valid || !r.normalized) throw new AppError('invalid_identifier', r.errors[0]?.message ?? 'Not a mobile number.', { kind: 'msisdn', errors: r.errors });
    const owner = await ctx.db.selectFrom('lines as l').innerJoin('customers as c', 'c.id', 'l.customer_id').select('c.id_blind')
      .where('l.msisdn', '=', r.normalized).where('l.status', '<>', 'cancelled').executeTakeFirst();
    if (!owner) throw new AppError('not_found', 'No live line has that number.');
    blind = owner.id_blind;
  }

  const customers = await ctx.db.selectFrom('customers').select([...FIELDS]).where('id_blind', '=', blind).orderBy('created_at').execute();
  if (!customers.length) throw new AppError('not_found', 'No customer is registered under that ID document.');
  const store = await loadStore(ctx.db, clerk.storeId);
  const ids = customers.map((c) => c.id);
  const [views, owners] = await Promise.all([
    loadLineViews(ctx.db, { customerIds: ids }),
    ctx.db.selectFrom('lines').select(['id', 'customer_id', 'carrier']).where('customer_id', 'in', ids).execute(),
  ]);
  // The record shown: the one registered with this store's carrier, if there is one.
  const atThisCarrier = owners.find((l) => l.carrier === store.carrier)?.customer_id;
  const c = customers.find((x) => x.id === atThisCarrier) ?? customers[0];

  const lines: StoreLineView[] = views.map(({ msisdn: full, ...v }) => ({
    ...v,
    maskedMsisdn: maskMsisdn(full),
    outOfProvince: v.homeProvince !== store.province,
    cancellableHere: v.carrier === store.carrier && v.soldBy === 'carrier' && v.status !== 'cancelled' && !v.liveRequest,
  }));
  await appendAudit(ctx.db, {
    actorKind: 'staff', actorId: clerk.staffId, ip: clerk.ip, action: 'store.customer_lookup', subject: `customer:${c.id}`,
    details: { by: idNumber ? 'id_number' : 'msisdn', storeId: store.id, lines: lines.length },
  });
  return {
    customer: {
      id: c.id,
      maskedName: maskName(ctx.vault.decrypt(c.name_enc)),
      maskedIdNumber: maskIdNumber(normaliseIdNumber(ctx.vault.decrypt(c.id_number_enc))),
      idType: c.id_type,
      kind: c.kind,
      deceased: c.deceased,
    },
    lines,
  };
}
