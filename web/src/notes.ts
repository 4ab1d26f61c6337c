// Timeline notes are stored as English sentences of a few known shapes; they are shown in the
// reader's language from the catalogue. A subscriber never sees a note meant for staff (an
// escalation's error text, a step key, an ops note): they see what happens, in words.
import type { TFunction } from './i18n.tsx';

export type Audience = 'subscriber' | 'staff';

const STORE = /^taken at store (\S+); (.*)$/;
const FORWARDED = /^forwarded to the home province \(([^)]*)\), due within (\d+) working days$/;

/** The note of a timeline entry in the reader's language, or null when this reader is not shown it. */
export function noteText(note: string | null | undefined, status: string, audience: Audience, t: TFunction): string | null {
  if (status === 'needs_attention') return audience === 'subscriber' ? t('note.attention') : note ?? null;
  if (!note) return null;
  if (note === 'auto-approved by carrier rule') return t('note.autoApproved');
  if (note === 'retried') return t('note.retried');
  const retried = /^retried from step (\w+)$/.exec(note);
  if (retried) return audience === 'subscriber' ? t('note.retried') : t('note.retriedFrom', { step: t.dyn(`step.${retried[1]}`, retried[1]) });
  const store = STORE.exec(note);
  if (store) {
    const [, id, rest] = store;
    if (rest === 'carried out on the spot') return t('note.storeOnTheSpot', { store: id });
    const fwd = FORWARDED.exec(rest);
    if (fwd) return t('note.storeForwarded', { store: id, province: t.dyn(`province.${fwd[1]}`, fwd[1]), days: Number(fwd[2]) });
    if (rest.startsWith('the death certificate')) return audience === 'subscriber' ? t('note.store', { store: id }) : t('note.storeDeathCertificate', { store: id });
    return t('note.store', { store: id });
  }
  if (status === 'completed') return audience === 'subscriber' ? t('note.resolvedByHand') : note; // resolved by hand: the ops note
  if (status === 'rejected') return note; // the reviewer's reason, written for the subscriber
  return audience === 'subscriber' ? null : note;
}
