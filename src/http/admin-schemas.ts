// The administration answers as TypeBox schemas: staff accounts (GET/POST /admin/staff…), the
// carriers and MVNO brands with their settings (GET /admin/carriers, /admin/mvno-brands) and the
// number pool ops and admins look at (GET /ops/numbers, POST /ops/numbers/search). The routes
// serialise with them, the OpenAPI document shows them, the web client takes its types from them
// (web/src/api-types.ts). Pure: no I/O.
import { Type, type Static } from 'typebox';
import { Nullable } from './schemas.ts';
import { LocalizedSchema } from './staff-console-schemas.ts';
import { CarrierSettingsSchema } from '../ops/carrier-settings-rules.ts';
import { MAX_PASSWORD_LENGTH } from '../shared/body-limits.ts';

export const StaffRoleSchema = Type.Union([
  Type.Literal('clerk'), Type.Literal('reviewer'), Type.Literal('ops'), Type.Literal('admin'), Type.Literal('company_admin'),
]);

export const StaffAccountSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  role: StaffRoleSchema,
  storeId: Nullable(Type.String()),
  disabled: Type.Boolean(),
  locked: Type.Boolean({ description: 'Locked out from at least one client address (too many wrong passwords from there)' }),
  lockedUntil: Nullable(Type.String({ description: 'The latest end of those locks' })),
  lockedAddresses: Type.Integer({ description: 'How many client addresses are locked out of this account right now' }),
  createdAt: Type.String(),
});
/** A row of the list: the account and its store's name. */
export const StaffListItemSchema = Type.Object({ ...StaffAccountSchema.properties, storeName: Nullable(LocalizedSchema) });
export const StaffListSchema = Type.Object({ items: Type.Array(StaffListItemSchema) });
export const StaffAnswerSchema = Type.Object({ staff: StaffAccountSchema });
/** A created account or a new password: the generated password comes once, here. */
export const StaffWithPasswordSchema = Type.Object({ staff: StaffAccountSchema, password: Type.Optional(Type.String()) });
export const StaffUnlockedSchema = Type.Object({ staff: StaffAccountSchema, unlockedAddresses: Type.Integer() });

export const CarrierAdminSchema = Type.Object({
  code: Type.String(), nameZh: Type.String(), nameEn: Type.String(), hotline: Type.String(), settings: CarrierSettingsSchema, updatedAt: Type.String(),
});
export const CarrierListSchema = Type.Object({ carriers: Type.Array(CarrierAdminSchema) });
export const MvnoBrandAdminSchema = Type.Object({
  code: Type.String(), nameZh: Type.String(), nameEn: Type.String(), hostCarrier: Type.String(), hotline: Type.String(), acceptsForwarded: Type.Boolean(),
});
export const MvnoBrandListSchema = Type.Object({ brands: Type.Array(MvnoBrandAdminSchema) });

export const PoolStateSchema = Type.Union([Type.Literal('assigned'), Type.Literal('frozen'), Type.Literal('recovered'), Type.Literal('available')]);
export const PoolNumberSchema = Type.Object({
  maskedMsisdn: Type.String(),
  carrier: Type.String(),
  state: PoolStateSchema,
  frozenUntil: Nullable(Type.String()),
  recoverable: Type.Boolean({ description: 'Frozen, and the freeze has not ended: the former owner may still recover it' }),
  releaseDue: Type.Boolean({ description: 'Frozen, but the freeze has ended: the next release run makes it available' }),
  updatedAt: Type.String(),
});
export const NumberPoolSchema = Type.Object({ items: Type.Array(PoolNumberSchema), counts: Type.Record(PoolStateSchema, Type.Integer()) });

export type StaffRole = Static<typeof StaffRoleSchema>;
export type StaffAccount = Static<typeof StaffAccountSchema>;
export type StaffListItem = Static<typeof StaffListItemSchema>;
export type StaffWithPassword = Static<typeof StaffWithPasswordSchema>;
export type StaffUnlocked = Static<typeof StaffUnlockedSchema>;
export type CarrierAdmin = Static<typeof CarrierAdminSchema>;
export type MvnoBrandAdmin = Static<typeof MvnoBrandAdminSchema>;
export type PoolState = Static<typeof PoolStateSchema>;
export type PoolNumber = Static<typeof PoolNumberSchema>;
export type NumberPool = Static<typeof NumberPoolSchema>;

// ---------------------------------------------------------------- request bodies

/** POST /admin/staff: a new account; without a password one is generated and shown once. */
export const CreateStaffBodySchema = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 64 }),
  role: Type.Union([Type.Literal('clerk'), Type.Literal('reviewer'), Type.Literal('ops'), Type.Literal('admin')]),
  storeId: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
  displayName: Type.Optional(Type.String({ maxLength: 100 })),
  password: Type.Optional(Type.String({ maxLength: MAX_PASSWORD_LENGTH })),
});

export type CreateStaffBody = Static<typeof CreateStaffBodySchema>;
