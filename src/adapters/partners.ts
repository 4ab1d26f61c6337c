/**
 * MVNO partner forwarding: a line bought from an MVNO (虚拟运营商) is cancelled by that MVNO, so the base
 * carrier forwards the request. A real client would call each partner's ticket API, passing
 * idempotencyKey as the partner-side request id.
 */
import { PermanentAdapterError } from './errors.ts';
import { createIdempotencyStore } from './idempotency.ts';
import { applyControl, simulatorControl, type SimulatorControl } from './simulator-control.ts';

export interface ForwardCancellationInput {
  /** Our code for the partner, e.g. 'mvno-xyz'. */
  mvnoCode: string;
  /** E.164 number of the line. */
  msisdn: string;
  /** The partner's customer reference (or ours, if the partner has none). */
  customerRef: string;
  idempotencyKey: string;
}

export interface ForwardCancellationResult {
  /** The partner's ticket number, to show the customer and to chase. */
  partnerTicket: string;
  /** ISO 8601. */
  acceptedAt: string;
}

export interface PartnerAdapter {
  forwardCancellation(input: ForwardCancellationInput): Promise<ForwardCancellationResult>;
}

export interface PartnerSimulator extends PartnerAdapter {
  readonly control: SimulatorControl;
  /** Tickets opened, in order (each once). */
  readonly forwarded: ReadonlyArray<ForwardCancellationResult & { mvnoCode: string }>;
}

export interface PartnerSimulatorOptions {
  /** If given, any other mvnoCode is refused with `unknown_mvno`. */
  knownMvnoCodes?: readonly string[];
  now?: () => Date;
  rng?: () => number;
}

/** Simulated partner ticket API. Refusals (code `partner_refused`) come from permanentFailNext. */
export function createPartnerSimulator(
  control: SimulatorControl = simulatorControl('partners'),
  options: PartnerSimulatorOptions = {},
): PartnerSimulator {
  const now = options.now ?? (() => new Date());
  const forwarded: Array<ForwardCancellationResult & { mvnoCode: string }> = [];
  const store = createIdempotencyStore<ForwardCancellationResult>('partners');
  return {
    control,
    forwarded,
    async forwardCancellation({ mvnoCode, msisdn, customerRef, idempotencyKey }) {
      await applyControl(control, options.rng, { adapter: 'partners', permanentCode: 'partner_refused' });
      return store.run(idempotencyKey, { mvnoCode, msisdn, customerRef }, () => {
        if (!mvnoCode?.trim() || (options.knownMvnoCodes && !options.knownMvnoCodes.includes(mvnoCode))) {
          throw new PermanentAdapterError('unknown_mvno', 'partners: unknown MVNO partner', { adapter: 'partners', details: { mvnoCode } });
        }
        if (!/^\+[1-9][0-9]{6,14}$/.test(msisdn ?? '')) {
          throw new PermanentAdapterError('invalid_msisdn', 'partners: msisdn must be E.164', { adapter: 'partners' });
        }
        const result: ForwardCancellationResult = {
          partnerTicket: `${mvnoCode.toUpperCase()}-T${String(forwarded.length + 1).padStart(6, '0')}`,
          acceptedAt: now().toISOString(),
        };
        forwarded.push({ ...result, mvnoCode });
        return result;
      });
    },
  };
}
