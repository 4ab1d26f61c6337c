// Error messages in English. A use case's own AppError sentence is the English text of its
// situation (CODE_STYLE: plain English saying what is wrong and what to do); the entries here are
// for answers that carry a value to format (a lock-out time in Beijing time).
import { beijingTime } from '../lang.ts';
import { str, type ErrorText, type MessageCode } from './types.ts';

export const en: Partial<Record<MessageCode, ErrorText>> = {
  claimed_by_other: (d) => {
    const who = str(d.claimedByName) ?? str(d.claimedBy) ?? 'another reviewer';
    const until = str(d.claimExpiresAt);
    return `This request is claimed by ${who}${until ? ` until ${beijingTime(until, 'en')}` : ''}; until the claim expires only they can decide it.`;
  },
  locked: (d) => {
    const until = str(d.lockedUntil);
    return `Too many wrong passwords from your address. Signing in to this account from here is locked${until ? ` until ${beijingTime(until, 'en')}` : ''}; an admin can unlock it.`;
  },
};
