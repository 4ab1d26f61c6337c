// Words for a fleet job's codes (row states, reasons, blockers, job status) and its ETA. Pure: the
// catalogue's `fleet.*` messages through `t`; a code the catalogue does not know yet is shown as
// "Other reason (code)" rather than as a bare key.
import type { TFunction } from '../../i18n.tsx';
import type { FleetLine } from './fleet-hooks.ts';

export const rowStateLabel = (state: string, t: TFunction) => t.dyn(`fleet.state.${state}`, state);
export const jobStatusLabel = (status: string, t: TFunction) => t.dyn(`fleet.status.${status}`, status);
export const carrierLabel = (carrier: string | null, t: TFunction) => (carrier ? t.dyn(`carrier.${carrier}`, carrier.toUpperCase()) : '—');

export function reasonLabel(code: string, t: TFunction): string {
  return t.dyn(`fleet.reason.${code}`, '') || t('fleet.reason.other', { code });
}

/** A row's reason in words: a blocked line names its blockers (arrears, bundle…), any other row its reason. */
export function rowReason(line: Pick<FleetLine, 'reason' | 'blockers'>, t: TFunction): string {
  if (line.blockers.length > 0 && (line.reason === 'blocked' || line.reason === 'blocked_since_dry_run')) {
    const names = line.blockers.map((b) => t.dyn(`blocker.${b}`, b)).join(t.lang === 'en' ? ', ' : '、');
    return line.reason === 'blocked' ? names : `${reasonLabel(line.reason, t)}${t.lang === 'en' ? ': ' : '：'}${names}`;
  }
  return line.reason ? reasonLabel(line.reason, t) : '';
}

/** Seconds left in the largest unit that reads well: 45 s, 3 min (rounded up), 2 h. */
export function etaText(seconds: number, t: TFunction): string {
  if (seconds < 90) return t('fleet.eta.seconds', { n: Math.max(1, Math.round(seconds)) });
  if (seconds < 90 * 60) return t('fleet.eta.minutes', { n: Math.ceil(seconds / 60) });
  return t('fleet.eta.hours', { n: Math.round(seconds / 3600) });
}

/** The rows a list box holds as typed: one identifier per line, the last empty line (from a final Enter) dropped. */
export function pastedRows(text: string): string[] {
  const rows = text.replace(/\r\n?/g, '\n').split('\n');
  while (rows.length > 0 && rows[rows.length - 1].trim() === '') rows.pop();
  return rows;
}
