// Where the cancellation wizard is, and what the subscriber typed, so that Back, Forward and reload
// keep it: the step lives in the URL (?step=bill), the answers in sessionStorage for this tab only
// (the bank details are personal data: never in the URL; the typed last 4 digits are not kept).
import { useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import type { RouteDraft } from '../refund-route.ts';
import { newUuid } from '../format.ts';

export const WIZARD_STEPS = ['facts', 'checks', 'bill', 'confirm', 'submit'] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];

/** The step index from the URL: ?step=checks → 1; anything else → 0. */
export function stepFromParam(value: string | null): number {
  const i = WIZARD_STEPS.indexOf((value ?? '') as WizardStep);
  return i < 0 ? 0 : i;
}

export function useWizardStep(): [number, (to: number, opts?: { replace?: boolean }) => void] {
  const [params, setParams] = useSearchParams();
  const step = stepFromParam(params.get('step'));
  const go = useCallback(
    (to: number, opts: { replace?: boolean } = {}) => {
      const next = new URLSearchParams(params);
      if (to <= 0) next.delete('step');
      else next.set('step', WIZARD_STEPS[Math.min(to, WIZARD_STEPS.length - 1)]);
      setParams(next, { replace: opts.replace ?? false });
    },
    [params, setParams],
  );
  return [step, go];
}

export interface WizardAnswers {
  idempotencyKey: string;
  acceptPenalty: boolean;
  acks: string[];
  draft: RouteDraft;
  email: string;
}

const EMPTY_DRAFT: RouteDraft = { type: null, accountName: '', bankAccount: '', bankName: '' };
const storageKey = (lineId: string) => `zhuxiao.wizard.${lineId}`;

function fresh(): WizardAnswers {
  return { idempotencyKey: newUuid(), acceptPenalty: false, acks: [], draft: EMPTY_DRAFT, email: '' };
}

/** The answers saved for this line in this tab, or fresh ones; a damaged entry counts as none. */
export function loadAnswers(lineId: string, storage: Pick<Storage, 'getItem'> | undefined = globalThis.sessionStorage): WizardAnswers {
  try {
    const raw = storage?.getItem(storageKey(lineId));
    if (!raw) return fresh();
    const v = JSON.parse(raw) as Partial<WizardAnswers>;
    return {
      idempotencyKey: typeof v.idempotencyKey === 'string' && v.idempotencyKey ? v.idempotencyKey : newUuid(),
      acceptPenalty: v.acceptPenalty === true,
      acks: Array.isArray(v.acks) ? v.acks.filter((a): a is string => typeof a === 'string') : [],
      draft: { ...EMPTY_DRAFT, ...(v.draft && typeof v.draft === 'object' ? v.draft : {}) },
      email: typeof v.email === 'string' ? v.email : '',
    };
  } catch {
    return fresh();
  }
}

export function clearAnswers(lineId: string): void {
  try {
    sessionStorage.removeItem(storageKey(lineId));
  } catch {
    /* storage unavailable: nothing was kept */
  }
}

/** The wizard's answers for a line, saved to sessionStorage on every change. */
export function useWizardAnswers(lineId: string): [WizardAnswers, (patch: Partial<WizardAnswers>) => void] {
  const [answers, setAnswers] = useState(() => loadAnswers(lineId));
  useEffect(() => {
    try {
      sessionStorage.setItem(storageKey(lineId), JSON.stringify(answers));
    } catch {
      /* private mode or full: the wizard still works, it only forgets on reload */
    }
  }, [lineId, answers]);
  const update = useCallback((patch: Partial<WizardAnswers>) => setAnswers((a) => ({ ...a, ...patch })), []);
  return [answers, update];
}
