// Where the counter is, kept across Back, Forward and reload: the line and the step live in the URL
// (?line=…&step=…, ids and numbers only, no personal data), what the clerk typed in sessionStorage
// (this tab only, gone when it closes). Never kept: the scanned documents, the signature, a bank
// account number. Pure helpers plus the storage access.

const LOOKUP_KEY = 'zhuxiao.counter.lookup';
const FLOW_KEY = (lineId: string) => `zhuxiao.counter.flow.${lineId}`;

export interface SavedLookup { by: 'idNumber' | 'msisdn'; value: string }

function read<T>(key: string): T | null {
  try {
    const raw = sessionStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

function write(key: string, value: unknown): void {
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, JSON.stringify(value));
  } catch {
    // storage unavailable (private mode, quota): progress just won't survive a reload
  }
}

export const loadLookup = () => read<SavedLookup>(LOOKUP_KEY);
export const saveLookup = (v: SavedLookup | null) => write(LOOKUP_KEY, v);

/** The step in the URL, as a whole number from 0 to last (anything else: 0). */
export function stepFromParam(raw: string | null, last: number): number {
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 && n <= last ? n : 0;
}

/**
 * The step to show: the one asked for, but never past the first step whose input is incomplete
 * (a reload restores what was typed; what was not kept, the clerk does again).
 */
export function reachableStep(asked: number, done: { checks: boolean; quote: boolean; acks: boolean }): number {
  const max = !done.checks ? 0 : !done.quote ? 1 : !done.acks ? 2 : 3;
  return Math.min(asked, max);
}

/** Everything of the flow that may be kept: the caller passes the state, secrets are dropped here. */
export interface FlowDraft {
  checks: Record<string, unknown>;
  acceptPenalty: boolean;
  route: { type: string | null; accountName: string; bankName: string };
  acks: string[];
  agreementLang: string;
  email: string;
}

export const loadFlow = (lineId: string) => read<FlowDraft>(FLOW_KEY(lineId));

export function saveFlow(lineId: string, d: FlowDraft | null): void {
  if (!d) return write(FLOW_KEY(lineId), null);
  const { documents: _documents, ...checks } = d.checks;
  void _documents;
  write(FLOW_KEY(lineId), { ...d, checks });
}
