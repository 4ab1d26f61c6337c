// The sizes a request body may reach, shared by the use cases that check uploads and the HTTP schemas that
// validate bodies (which the web client also reads for its types, so this file stays free of Node
// modules). Pure.

/** A scanned document at the counter, before base64. */
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;
/** Documents per store submission. */
export const MAX_DOCUMENTS = 8;
/** The customer's signature PNG, before base64. */
export const MAX_SIGNATURE_BYTES = 1024 * 1024;
/** A staff password (argon2 takes any length; this bounds the work a request can ask for). */
export const MAX_PASSWORD_LENGTH = 256;

/** The base64 length of `bytes` bytes, with room for line breaks. */
export const base64Length = (bytes: number) => Math.ceil(bytes / 3) * 4 + 64;
