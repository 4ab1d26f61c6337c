// A subscription's callback URL, checked when it is registered: http(s), no credentials, at most
// 2,000 characters, and outside dev mode not an IP literal of a private, loopback or link-local
// network (names are checked at every delivery, when they are resolved: address-guard.ts).
import { AppError } from '../shared/errors.ts';
import { assertPublicHost, RefusedAddressError } from './address-guard.ts';

export const MAX_CALLBACK_LENGTH = 2000;

export function checkCallbackUrl(raw: string, opts: { dev: boolean }): string {
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AppError('validation_failed', 'The callback is not an absolute URL.', { field: 'callback' });
  }
  if (text.length > MAX_CALLBACK_LENGTH) throw new AppError('validation_failed', `The callback is longer than ${MAX_CALLBACK_LENGTH} characters.`, { field: 'callback' });
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new AppError('validation_failed', 'The callback must be an http or https URL.', { field: 'callback' });
  if (url.username || url.password) throw new AppError('validation_failed', 'The callback must not carry credentials; deliveries are signed instead.', { field: 'callback' });
  if (!opts.dev) {
    try {
      assertPublicHost(url.hostname);
    } catch (err) {
      if (err instanceof RefusedAddressError) throw new AppError('validation_failed', `The callback's address is not public (${err.range}); events are only delivered to public addresses.`, { field: 'callback' });
      throw err;
    }
  }
  return url.toString();
}
