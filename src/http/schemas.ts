// Shared TypeBox schemas for the OpenAPI document and request validation.
import { Type } from 'typebox';

export const ErrorBody = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Any()) }),
}, { $id: 'Error' });

export const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, ErrorBody]));
export const Uuid = Type.String({ format: 'uuid' });
/** `T | null` (the answers' optional facts are null, never absent). */
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([Type.Null(), t]);
export const IdParams = Type.Object({ id: Uuid });
