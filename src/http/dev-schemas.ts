// The dev-mode answers (ZHUXIAO_DEV=1) as TypeBox schemas: the SMS and e-mail outboxes and the demo
// accounts the sign-in pages offer. The routes serialise with them and the web client takes its types
// from them (web/src/api-types.ts), like every other answer. Pure.
import { Type, type Static } from 'typebox';
import { Nullable } from './schemas.ts';
import { LocalizedSchema } from './staff-console-schemas.ts';

export const SmsOutboxSchema = Type.Object({
  messages: Type.Array(Type.Object({ to: Type.String(), text: Type.String(), sentAt: Type.String({ format: 'date-time' }) })),
});

export const EmailOutboxSchema = Type.Object({
  messages: Type.Array(Type.Object({
    to: Type.String({ description: 'Masked' }),
    subject: Type.String(),
    text: Type.String(),
    attachment: Nullable(Type.String()),
    requestId: Nullable(Type.String()),
    sentAt: Type.String({ format: 'date-time' }),
  })),
});

export const DemoAccountsSchema = Type.Object({
  subscribers: Type.Array(Type.Object({
    scenario: Type.String(),
    msisdn: Type.String(),
    idLast6: Type.String(),
    idNumber: Type.String(),
    carrier: Type.String(),
    description: LocalizedSchema,
    applicant: Type.Optional(Type.Object({ relation: Type.String(), idNumber: Type.String() })),
    lines: Type.Array(Type.Object({ id: Type.String(), msisdn: Type.String(), iccid: Type.String(), homeProvince: Type.String(), carrier: Type.String() })),
  })),
  staff: Type.Array(Type.Object({ username: Type.String(), password: Type.String(), role: Type.String(), storeId: Nullable(Type.String()) })),
});

export type SmsOutbox = Static<typeof SmsOutboxSchema>;
export type EmailOutbox = Static<typeof EmailOutboxSchema>;
export type DemoAccountsAnswer = Static<typeof DemoAccountsSchema>;
