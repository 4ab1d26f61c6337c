// The optional e-mail address a person leaves for the certificate: the phone number is about to stop
// receiving anything, so this is how the proof reaches them later. Checked for shape only.
import { AppError } from '../shared/errors.ts';

const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$/;

export function acceptContactEmail(input: string | undefined | null): string | null {
  const email = (input ?? '').trim();
  if (!email) return null;
  if (email.length > 254 || !EMAIL.test(email)) {
    throw new AppError('validation_failed', 'That e-mail address does not look right; check it or leave the field empty.', { field: 'email' });
  }
  return email;
}

/** a***@example.com */
export const maskEmail = (email: string): string => {
  const [local, domain] = email.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
};
