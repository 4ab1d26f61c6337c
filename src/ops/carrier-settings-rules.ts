// What a carrier's settings may be: every field of CarrierSettings with its type and its sensible
// range, checked the same way by the HTTP schema and by the use case. Pure.
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import type { CarrierSettings } from '../db/schema.ts';
import { AppError } from '../shared/errors.ts';

/** Conditions a carrier may send to a store (the quote turns them into a "visit a store" remedy online). */
export const STORE_ONLY_CONDITIONS = ['arrears', 'contract_lock_in', 'bundle_primary', 'port_out_pending', 'lost_or_suspended', 'store_only_number'] as const;
export const REFUND_ROUTES = ['original', 'bank', 'line'] as const;

export const CarrierSettingsSchema = Type.Object({
  freezeDays: Type.Integer({ minimum: 1, maximum: 365, description: 'Days a cancelled number stays frozen before re-issue' }),
  reviewSlaHours: Type.Integer({ minimum: 1, maximum: 720, description: 'Hours a reviewer has to decide an online request' }),
  onlineReviewRequired: Type.Boolean(),
  autoApproveMaxRefundFen: Type.Union([Type.Null(), Type.Integer({ minimum: 0, maximum: 10_000_000 })], { description: 'null: never auto-approve' }),
  storeOnlyConditions: Type.Array(Type.Union([
    Type.Literal('arrears'), Type.Literal('contract_lock_in'), Type.Literal('bundle_primary'), Type.Literal('port_out_pending'),
    Type.Literal('lost_or_suspended'), Type.Literal('store_only_number'),
  ]), { maxItems: STORE_ONLY_CONDITIONS.length, uniqueItems: true }),
  outOfProvince: Type.Union([Type.Literal('local'), Type.Literal('forward')]),
  outOfProvinceSlaDays: Type.Integer({ minimum: 1, maximum: 60 }),
  penaltyRemainingFeePercent: Type.Integer({ minimum: 0, maximum: 100 }),
  arrearsDailyPerMille: Type.Number({ minimum: 0, maximum: 10 }),
  refundRoutes: Type.Array(Type.Union([Type.Literal('original'), Type.Literal('bank'), Type.Literal('line')]), { minItems: 1, maxItems: REFUND_ROUTES.length, uniqueItems: true }),
  // Optional: carriers saved before these existed (and a console form that does not show them yet) keep the defaults.
  fleetRatePerSecond: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, description: 'Fleet jobs: outside calls per second per process' })),
  fleetConcurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Fleet jobs: outside calls in flight at once per process' })),
}, { additionalProperties: false });

// Compile-time guard: a field added to CarrierSettings without a rule here (or the reverse), or a
// rule that allows what the type does not, fails the typecheck.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Checked = Static<typeof CarrierSettingsSchema>;
const _sameFields: Same<keyof Checked, keyof CarrierSettings> = true;
const _fitsType: Checked extends CarrierSettings ? true : false = true;
void _sameFields;
void _fitsType;

/** The settings, or validation_failed naming every field that is wrong. */
export function validateCarrierSettings(input: unknown): CarrierSettings {
  if (Value.Check(CarrierSettingsSchema, input)) return input as CarrierSettings;
  const issues = [...Value.Errors(CarrierSettingsSchema, input)].map((e) => ({
    field: e.instancePath.replace(/^\//, '').split('/')[0] || (e.keyword === 'required' ? String((e.params as { requiredProperties?: string[] }).requiredProperties?.[0] ?? '') : ''),
    message: e.message,
  }));
  const fields = [...new Set(issues.map((i) => i.field).filter(Boolean))];
  throw new AppError('validation_failed', `Invalid carrier settings${fields.length ? `: ${fields.join(', ')}` : ''}.`, { issues });
}

/** Field → { from, to } for every field that changes. */
export function settingsChanges(before: CarrierSettings, after: CarrierSettings): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(after) as Array<keyof CarrierSettings>) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) out[key] = { from: before[key] ?? null, to: after[key] };
  }
  return out;
}
