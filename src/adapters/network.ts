/**
 * Network provisioning: removing the subscriber from the HLR/HSS (and the companion eSIM service of a
 * watch sharing the number) when a line is cancelled.
 *
 * Only the interface and a simulator live here. A real client would implement NetworkAdapter against the
 * carrier's provisioning gateway (typically a SOAP/REST provisioning system in front of the HLR/HSS/UDM,
 * e.g. a "delete subscriber" command keyed by IMSI), mapping:
 *   - transport errors, timeouts, 5xx, "system busy"          -> RetryableAdapterError
 *   - definite refusals ("subscriber has pending port-out")   -> PermanentAdapterError(code, message)
 *   - "subscriber does not exist" for a delete we asked for    -> success (already in the desired state)
 * and passing idempotencyKey as the gateway's transaction / correlation id.
 */
import { PermanentAdapterError, RateLimitedAdapterError } from './errors.ts';
import { createIdempotencyStore } from './idempotency.ts';
import { applyControl, simulatorControl, type SimulatorControl } from './simulator-control.ts';

export interface DeprovisionSubscriberInput {
  /** 15 digits: MCC (3) + MNC (2) + MSIN (10). */
  imsi: string;
  /** E.164, e.g. +8613800138000. */
  msisdn: string;
  /** Stable per step, e.g. `${requestId}:network_deprovision`. */
  idempotencyKey: string;
}

export interface DeprovisionSubscriberResult {
  /** ISO 8601 instant at which the subscriber was removed. */
  deprovisionedAt: string;
  /** The network's reference for the operation. */
  ref: string;
}

export interface StopCompanionInput {
  /** The primary line's number shared by the companion device (一号双终端). */
  msisdn: string;
  /** ICCID of the companion device's eSIM profile. */
  companionIccid: string;
  idempotencyKey: string;
}

export interface StopCompanionResult {
  stoppedAt: string;
  ref: string;
}

export interface NetworkAdapter {
  deprovisionSubscriber(input: DeprovisionSubscriberInput): Promise<DeprovisionSubscriberResult>;
  stopCompanion(input: StopCompanionInput): Promise<StopCompanionResult>;
}

export interface NetworkSimulator extends NetworkAdapter {
  readonly control: SimulatorControl;
  /** Subscribers removed, by IMSI (each removal happens once). */
  readonly deprovisioned: ReadonlyMap<string, DeprovisionSubscriberResult>;
  /** Companion services stopped, by companion ICCID. */
  readonly companionsStopped: ReadonlyMap<string, StopCompanionResult>;
  /**
   * Every call as the far side saw it, in arrival order: its key, when it arrived and when it was
   * answered (ms since the epoch), and how (`ok`, `rate_limited` for a 429, `failed`). Tests read the
   * rate, the calls in flight at once, and how many times a key was served.
   */
  readonly calls: ReadonlyArray<NetworkCall>;
  /** Most calls in flight at once since the simulator started. */
  readonly maxInFlight: number;
}

export interface NetworkCall {
  key: string;
  at: number;
  endedAt: number;
  outcome: 'ok' | 'rate_limited' | 'failed';
}

export interface NetworkSimulatorOptions {
  now?: () => Date;
  rng?: () => number;
}

const IMSI = /^[0-9]{15}$/;
const ICCID = /^[0-9]{18}[0-9A-Za-z]{1,2}$/;

/**
 * In-memory HLR/HSS stand-in. Idempotent by key; removing an IMSI that is already removed (under another
 * key) returns the original removal, as a real "subscriber not found" on delete means "already done".
 * Permanent refusals (code `subscriber_refused`) come only from the control's permanentFailNext, or
 * `invalid_imsi` / `invalid_iccid` for malformed input.
 */
export function createNetworkSimulator(
  control: SimulatorControl = simulatorControl('network'),
  options: NetworkSimulatorOptions = {},
): NetworkSimulator {
  const now = options.now ?? (() => new Date());
  const deprovisioned = new Map<string, DeprovisionSubscriberResult>();
  const companionsStopped = new Map<string, StopCompanionResult>();
  const deprovisionStore = createIdempotencyStore<DeprovisionSubscriberResult>('network');
  const companionStore = createIdempotencyStore<StopCompanionResult>('network');
  let seq = 0;
  const calls: NetworkCall[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  /** One call as the far side sees it: counted in flight from arrival to answer, then logged. */
  const served = async <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const call: NetworkCall = { key, at: Date.now(), endedAt: 0, outcome: 'ok' };
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await applyControl(control, options.rng, { adapter: 'network', permanentCode: 'subscriber_refused' });
      return await work();
    } catch (err) {
      call.outcome = err instanceof RateLimitedAdapterError ? 'rate_limited' : 'failed';
      throw err;
    } finally {
      inFlight -= 1;
      call.endedAt = Date.now();
      calls.push(call);
    }
  };

  return {
    control,
    deprovisioned,
    companionsStopped,
    calls,
    get maxInFlight() {
      return maxInFlight;
    },
    async deprovisionSubscriber({ imsi, msisdn, idempotencyKey }) {
      return served(idempotencyKey, () => deprovisionStore.run(idempotencyKey, { imsi, msisdn }, () => {
        if (!IMSI.test(imsi)) throw new PermanentAdapterError('invalid_imsi', 'network: IMSI must be 15 digits', { adapter: 'network' });
        const existing = deprovisioned.get(imsi);
        if (existing) return existing;
        const result = { deprovisionedAt: now().toISOString(), ref: `HSS-DEL-${String(++seq).padStart(8, '0')}` };
        deprovisioned.set(imsi, result);
        return result;
      }));
    },
    async stopCompanion({ msisdn, companionIccid, idempotencyKey }) {
      return served(idempotencyKey, () => companionStore.run(idempotencyKey, { msisdn, companionIccid }, () => {
        if (!ICCID.test(companionIccid)) {
          throw new PermanentAdapterError('invalid_iccid', 'network: companion ICCID is malformed', { adapter: 'network' });
        }
        const existing = companionsStopped.get(companionIccid);
        if (existing) return existing;
        const result = { stoppedAt: now().toISOString(), ref: `HSS-CMP-${String(++seq).padStart(8, '0')}` };
        companionsStopped.set(companionIccid, result);
        return result;
      }));
    },
  };
}
