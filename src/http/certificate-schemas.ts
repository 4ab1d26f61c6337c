// The public check of a certificate by serial (GET /certificates/{serial}/verify), as a TypeBox
// schema: the route validates and serialises its answer with it, the OpenAPI document shows it.
// What comes back grows with the access: 'none' (whether it exists), 'code' (validity, carrier,
// masked number, date), 'owner' / 'staff' (every fact, money and the signature). Pure.
import { Type, type Static } from 'typebox';
import { LocalizedSchema as Localized } from './staff-console-schemas.ts';

export const CertificateAccessSchema = Type.Union([Type.Literal('none'), Type.Literal('code'), Type.Literal('owner'), Type.Literal('staff')]);

export const CertificateCheckBySerialSchema = Type.Object({
  serial: Type.String(),
  exists: Type.Literal(true),
  access: CertificateAccessSchema,
  // from 'code' on
  valid: Type.Optional(Type.Boolean()),
  reason: Type.Optional(Type.String({ description: 'Why it is not valid: bad_signature, not_completed, certificate_revoked, …' })),
  carrier: Type.Optional(Type.String()),
  carrierName: Type.Optional(Localized),
  maskedMsisdn: Type.Optional(Type.String()),
  completedAt: Type.Optional(Type.String()),
  keyId: Type.Optional(Type.String()),
  // 'owner' and 'staff'
  maskedIccid: Type.Optional(Type.String()),
  formFactor: Type.Optional(Type.String()),
  channel: Type.Optional(Type.String()),
  refundFen: Type.Optional(Type.Integer()),
  refundRoute: Type.Optional(Type.String()),
  refundRouteLabel: Type.Optional(Localized),
  signature: Type.Optional(Type.String({ description: 'Ed25519 over the canonical JSON of the facts' })),
});
export type CertificateCheckBySerial = Static<typeof CertificateCheckBySerialSchema>;
