/**
 * The eSIM part of cancelling a line: what to do with the line's profile on the SM-DP+.
 *
 * - Profile not installed on a device (as we recorded it): cancelOrder with finalProfileStatusIndicator
 *   `Unavailable`, so the ICCID is never handed out again -> `cancelled_on_smdp`, or `already_unavailable`
 *   when the SM-DP+ says it already was (idempotent success).
 * - Profile installed: no cancelOrder. Under SGP.22 v2 the operator cannot remove an installed profile;
 *   the line is cancelled on the network side and the profile on the device is dead until the user
 *   deletes it (the device's delete notification is best-effort; never wait for it)
 *   -> `installed_profile_dead_on_device`.
 *
 * Our record can be stale: the "installed" notification is best-effort too. If we believed the profile
 * was not installed but the SM-DP+ refuses with 8.2.1/3.5 saying it is installed or downloaded, the
 * outcome is `installed_profile_dead_on_device` with `recordWasStale: true` (update the line's record).
 * Any other refusal (unknown ICCID, EID mismatch, ...) is a data problem for a person: the
 * PermanentAdapterError propagates, as do RetryableAdapterErrors.
 */
import { PermanentAdapterError } from '../adapters/errors.ts';
import type { Es2PlusClient } from './es2plus-client.ts';
import type { StatusCodeData } from './es2plus-types.ts';

/** The line's profile state as recorded by the platform. */
export type RecordedProfileState = 'installed' | 'not_installed';

export type EsimProfileAction = 'cancel_order_unavailable' | 'leave_installed_profile';

export type CancelEsimProfileOutcome = 'cancelled_on_smdp' | 'installed_profile_dead_on_device' | 'already_unavailable';

export interface CancelEsimProfileInput {
  iccid: string;
  recordedState: RecordedProfileState;
  eid?: string;
  matchingId?: string;
  /** Stable per step, e.g. `${requestId}:esim_cancel_order`; sent as functionCallIdentifier. */
  idempotencyKey: string;
}

export interface CancelEsimProfileResult {
  outcome: CancelEsimProfileOutcome;
  /** True when we recorded not_installed but the SM-DP+ says the profile is on a device. */
  recordWasStale?: boolean;
  /** The SM-DP+'s refusal that revealed the stale record. */
  smdpRefusal?: { code: string; message: string };
  /** Executed-WithWarning detail, if any. */
  warning?: StatusCodeData;
}

/** Pure decision: which SM-DP+ action a recorded profile state calls for. */
export function decideEsimProfileAction(recordedState: RecordedProfileState): EsimProfileAction {
  return recordedState === 'installed' ? 'leave_installed_profile' : 'cancel_order_unavailable';
}

/** True for the refusal an SM-DP+ gives a cancelOrder of a profile that is on a device. */
function isOnDeviceRefusal(err: unknown): err is PermanentAdapterError {
  return err instanceof PermanentAdapterError && err.code === '8.2.1/3.5' && /install|download/i.test(err.message);
}

export async function cancelEsimProfile(
  client: Pick<Es2PlusClient, 'cancelOrder'>,
  input: CancelEsimProfileInput,
): Promise<CancelEsimProfileResult> {
  if (decideEsimProfileAction(input.recordedState) === 'leave_installed_profile') {
    return { outcome: 'installed_profile_dead_on_device' };
  }
  try {
    const result = await client.cancelOrder(
      {
        iccid: input.iccid,
        finalProfileStatusIndicator: 'Unavailable',
        ...(input.eid !== undefined ? { eid: input.eid } : {}),
        ...(input.matchingId !== undefined ? { matchingId: input.matchingId } : {}),
      },
      { callId: input.idempotencyKey },
    );
    return {
      outcome: result.alreadyUnavailable ? 'already_unavailable' : 'cancelled_on_smdp',
      ...(result.warning ? { warning: result.warning } : {}),
    };
  } catch (err) {
    if (isOnDeviceRefusal(err)) {
      return {
        outcome: 'installed_profile_dead_on_device',
        recordWasStale: true,
        smdpRefusal: { code: err.code, message: err.message },
      };
    }
    throw err;
  }
}
