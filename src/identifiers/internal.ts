/** Helpers shared by the checks in this folder. Not re-exported from index.ts. */
import type { CheckResult, IdentifierKind, Issue } from './types.ts';

/** The input as a string, whatever a JavaScript caller passed. */
export function asString(input: unknown): string {
  return typeof input === 'string' ? input : input === undefined || input === null ? '' : String(input);
}

/**
 * NFKC-normalised (full-width digits and letters become ASCII, as typed with Chinese IMEs), with
 * whitespace and hyphens removed: these are how identifiers are grouped when printed or read aloud.
 */
export function compact(input: string): string {
  return input.normalize('NFKC').replace(/[\s-]/g, '');
}

export function issue(code: string, message: string): Issue {
  return { code, message };
}

export function result(
  kind: IdentifierKind,
  input: string,
  normalized: string,
  errors: Issue[],
  warnings: Issue[],
  extra: Partial<CheckResult>,
): CheckResult {
  const valid = errors.length === 0;
  return { kind, input, valid, normalized: valid ? normalized : null, errors, warnings, ...extra };
}

/** "1 digit" / "17 digits". */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
