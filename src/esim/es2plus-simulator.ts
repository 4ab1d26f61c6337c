/**
 * An SM-DP+ stand-in speaking the real ES2+ JSON over HTTP (Fastify), for tests and dev.
 *
 * - Profile state machine: Available -> Allocated (downloadOrder) -> Linked (EID bound) -> Confirmed
 *   (confirmOrder, releaseFlag false) -> Released (releaseProfile, or releaseFlag true) -> Downloaded ->
 *   Installed; Error; Unavailable is terminal. Downloaded / Installed / deleted are driven by
 *   `deviceEvent`, which also sends handleDownloadProgressInfo to the operator.
 * - cancelOrder only for orders not yet installed (Allocated, Linked, Confirmed, Released, Error); the
 *   profile goes to finalProfileStatusIndicator. Installed (or Downloaded) -> Failed 8.2.1/3.5.
 *   Already Unavailable + cancelOrder(Unavailable) -> Executed-Success with an informational
 *   statusCodeData 8.2.1/3.7 "Profile is already Unavailable" (or, with
 *   `alreadyUnavailableAnswer: 'failed'`, Failed 8.2.1/3.5 with that message, as some SM-DP+ do).
 * - Unknown ICCID -> 8.2.1/3.9; EID differing from the bound one -> 8.1.1/3.10; matchingId differing ->
 *   8.2.6/3.10; missing mandatory field -> <subject>/2.2, malformed field -> <subject>/2.1, where subject
 *   is 8.2.1 iccid, 8.1.1 eid, 8.2.5 profileType, 8.2.6 matchingId, 8.2.7 confirmationCode and, for
 *   fields without their own subject code (releaseFlag, finalProfileStatusIndicator, smdsAddress),
 *   8.8.5 (download order): that last choice is the simulator's, not the standard's.
 * - The same functionCallIdentifier (per requester and function) gets the stored first response.
 * - SimulatorControl: latency on every request; retryable failures answer HTTP 503 (nothing executed,
 *   nothing stored); permanent failures answer Failed 8.8.5/3.8 (refused).
 * - Requests without a usable ES2+ header or X-Admin-Protocol get HTTP 400 (no call to identify).
 */
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import { Value } from 'typebox/value';
import { PermanentAdapterError, RetryableAdapterError } from '../adapters/errors.ts';
import { applyControl, simulatorControl, type SimulatorControl } from '../adapters/simulator-control.ts';
import { buildDownloadProgressInfo, sendDownloadProgressInfo } from './es2plus-notification.ts';
import {
  CancelOrderRequestSchema,
  ConfirmOrderRequestSchema,
  DownloadOrderRequestSchema,
  ES2PLUS_PATH,
  Es2PlusFunctionNames,
  NotificationPoint,
  ReleaseProfileRequestSchema,
  type CancelOrderRequest,
  type ConfirmOrderRequest,
  type DownloadOrderRequest,
  type Es2PlusFunctionName,
  type ExecutionStatus,
  type FunctionExecutionStatus,
  type HandleDownloadProgressInfoRequest,
  type ProfileState,
  type ReleaseProfileRequest,
  type StatusCodeData,
} from './es2plus-types.ts';

export { sendDownloadProgressInfo } from './es2plus-notification.ts';

export interface SimProfile {
  iccid: string;
  state: ProfileState;
  profileType: string;
  eid?: string;
  matchingId?: string;
}

export interface SentNotification {
  /** Where it was sent; undefined when no operator address was configured (not delivered). */
  url: string | undefined;
  request: HandleDownloadProgressInfoRequest;
  delivered: boolean;
  error?: string;
}

export interface SimulatorRequestRecord {
  function: string;
  functionCallIdentifier: string | undefined;
  /** True when the stored first response was returned again. */
  replayed: boolean;
  /** ES2+ status answered, or the HTTP status when the answer was not an ES2+ response. */
  outcome: ExecutionStatus | 'HTTP 400' | 'HTTP 503';
}

export type DeviceEvent = 'downloaded' | 'installed' | 'deleted';

export interface Es2PlusSimulatorOptions {
  /** 0 = any free port. */
  port?: number;
  host?: string;
  /** Vendor prefix before `/gsma/rsp2/es2plus`. */
  pathPrefix?: string;
  control?: SimulatorControl;
  rng?: () => number;
  /** Answer to cancelOrder(Unavailable) of an already Unavailable profile (see file header). */
  alreadyUnavailableAnswer?: 'success' | 'failed';
  /** Returned by confirmOrder. */
  smdpAddress?: string;
  /** This SM-DP+'s identifier in notifications it sends. */
  smdpIdentifier?: string;
  /** Default address for handleDownloadProgressInfo (operator base URL). */
  operatorNotificationUrl?: string;
  /** Profile type for profiles created with setProfile without one. */
  defaultProfileType?: string;
}

export interface Es2PlusSimulator {
  /** Origin, e.g. `http://127.0.0.1:40123`; give it to the client as baseUrl with `pathPrefix`. */
  url: string;
  pathPrefix: string;
  control: SimulatorControl;
  profiles: Map<string, SimProfile>;
  /** Creates or overwrites a profile (test set-up). */
  setProfile(iccid: string, profile: { state: ProfileState; eid?: string; profileType?: string; matchingId?: string }): SimProfile;
  /** Notifications this SM-DP+ sent (or tried to send) to the operator. */
  notifications: SentNotification[];
  /** Every request received, in order. */
  requests: SimulatorRequestRecord[];
  /**
   * The next execution of `fn` is answered with this status instead of the normal outcome:
   * Failed / Expired -> nothing executed; Executed-WithWarning -> executed normally, answered with the
   * warning (if the function would have failed anyway, its own failure is answered).
   */
  injectNext(fn: Es2PlusFunctionName, status: FunctionExecutionStatus): void;
  /**
   * Plays what the device does: `downloaded` (Released -> Downloaded, point 3), `installed` (Downloaded
   * -> Installed, point 4), `deleted` (Installed -> Unavailable, vendor point 5). Sends
   * handleDownloadProgressInfo to `notifyUrl` (or the configured operator address) unless
   * `deliver: false` (a device notification may never arrive). Throws on an impossible transition.
   */
  deviceEvent(iccid: string, event: DeviceEvent, options?: { notifyUrl?: string; deliver?: boolean }): Promise<SentNotification>;
  close(): Promise<void>;
}

type Es2PlusResponse = { header: { functionExecutionStatus: FunctionExecutionStatus } } & Record<string, unknown>;

const FIELD_SUBJECT: Record<string, string> = {
  iccid: '8.2.1',
  eid: '8.1.1',
  profileType: '8.2.5',
  matchingId: '8.2.6',
  confirmationCode: '8.2.7',
};
const subjectOf = (field: string): string => FIELD_SUBJECT[field] ?? '8.8.5';

const SCHEMAS = {
  downloadOrder: DownloadOrderRequestSchema,
  confirmOrder: ConfirmOrderRequestSchema,
  cancelOrder: CancelOrderRequestSchema,
  releaseProfile: ReleaseProfileRequestSchema,
} as const;

const CANCELLABLE: readonly ProfileState[] = ['Allocated', 'Linked', 'Confirmed', 'Released', 'Error'];

/** GSMA SGP.29 EID check: the 32-digit number mod 97 equals 1. */
export function isValidEid(eid: string): boolean {
  return /^[0-9]{32}$/.test(eid) && BigInt(eid) % 97n === 1n;
}

function success(fields: Record<string, unknown> = {}, statusCodeData?: StatusCodeData): Es2PlusResponse {
  return {
    header: { functionExecutionStatus: { status: 'Executed-Success', ...(statusCodeData ? { statusCodeData } : {}) } },
    ...fields,
  };
}

function failed(subjectCode: string, reasonCode: string, message: string, subjectIdentifier?: string): Es2PlusResponse {
  return {
    header: {
      functionExecutionStatus: {
        status: 'Failed',
        statusCodeData: { subjectCode, reasonCode, ...(subjectIdentifier ? { subjectIdentifier } : {}), message },
      },
    },
  };
}

function newMatchingId(): string {
  const hex = randomBytes(8).toString('hex').toUpperCase();
  return hex.match(/.{4}/g)!.join('-');
}

export async function startEs2PlusSimulator(options: Es2PlusSimulatorOptions = {}): Promise<Es2PlusSimulator> {
  const {
    port = 0,
    host = '127.0.0.1',
    control = simulatorControl('es2plus'),
    rng,
    alreadyUnavailableAnswer = 'success',
    smdpAddress = 'smdp.simulator.zhuxiao.test',
    smdpIdentifier = 'zhuxiao-smdp-simulator',
    operatorNotificationUrl,
    defaultProfileType = 'zhuxiao-consumer',
  } = options;
  const pathPrefix = (options.pathPrefix ?? '').replace(/^\/*/, '/').replace(/\/+$/, '');
  const prefix = pathPrefix === '/' ? '' : pathPrefix;

  const profiles = new Map<string, SimProfile>();
  const notifications: SentNotification[] = [];
  const requests: SimulatorRequestRecord[] = [];
  const stored = new Map<string, Es2PlusResponse>();
  const injected = new Map<Es2PlusFunctionName, FunctionExecutionStatus[]>();

  // --- the functions --------------------------------------------------------------------------------

  function downloadOrder(req: DownloadOrderRequest): Es2PlusResponse {
    let profile: SimProfile | undefined;
    if (req.iccid !== undefined) {
      profile = profiles.get(req.iccid);
      if (!profile) return failed('8.2.1', '3.9', 'Unknown ICCID', req.iccid);
      if (req.profileType !== undefined && profile.profileType !== req.profileType) {
        return failed('8.2.5', '3.10', 'The ICCID does not belong to this profile type', req.profileType);
      }
      if (profile.state === 'Unavailable') return failed('8.2.1', '3.7', 'Profile is Unavailable', req.iccid);
      if (profile.state !== 'Available') return failed('8.2.1', '3.3', `Profile already in use (${profile.state})`, req.iccid);
    } else {
      const ofType = [...profiles.values()].filter((p) => req.profileType === undefined || p.profileType === req.profileType);
      if (req.profileType !== undefined && ofType.length === 0) return failed('8.2.5', '3.9', 'Unknown profile type', req.profileType);
      profile = ofType.find((p) => p.state === 'Available');
      if (!profile) return failed('8.2.5', '3.7', 'No profile available for this profile type', req.profileType);
    }
    if (req.eid !== undefined) {
      profile.eid = req.eid;
      profile.state = 'Linked';
    } else {
      profile.state = 'Allocated';
    }
    return success({ iccid: profile.iccid });
  }

  function confirmOrder(req: ConfirmOrderRequest): Es2PlusResponse {
    const profile = profiles.get(req.iccid);
    if (!profile) return failed('8.2.1', '3.9', 'Unknown ICCID', req.iccid);
    if (req.eid !== undefined && profile.eid !== undefined && req.eid !== profile.eid) {
      return failed('8.1.1', '3.10', 'A different EID is associated with this ICCID', req.iccid);
    }
    if (profile.state !== 'Allocated' && profile.state !== 'Linked') {
      return failed('8.2.1', '3.5', `Profile in state ${profile.state} cannot be confirmed`, req.iccid);
    }
    if (req.matchingId !== undefined) {
      for (const other of profiles.values()) {
        if (other !== profile && other.matchingId === req.matchingId) return failed('8.2.6', '3.3', 'Matching ID already in use');
      }
    }
    if (req.eid !== undefined) profile.eid = req.eid;
    profile.matchingId = req.matchingId ?? newMatchingId();
    profile.state = req.releaseFlag ? 'Released' : 'Confirmed';
    return success({ matchingId: profile.matchingId, ...(profile.eid ? { eid: profile.eid } : {}), smdpAddress });
  }

  function cancelOrder(req: CancelOrderRequest): Es2PlusResponse {
    const profile = profiles.get(req.iccid);
    if (!profile) return failed('8.2.1', '3.9', 'Unknown ICCID', req.iccid);
    if (req.eid !== undefined && profile.eid !== undefined && req.eid !== profile.eid) {
      return failed('8.1.1', '3.10', 'A different EID is associated with this ICCID', req.iccid);
    }
    if (req.matchingId !== undefined && profile.matchingId !== undefined && req.matchingId !== profile.matchingId) {
      return failed('8.2.6', '3.10', 'A different matching ID is associated with this ICCID', req.iccid);
    }
    if (profile.state === 'Unavailable' && req.finalProfileStatusIndicator === 'Unavailable') {
      return alreadyUnavailableAnswer === 'failed'
        ? failed('8.2.1', '3.5', 'Profile is already Unavailable', req.iccid)
        : success({}, { subjectCode: '8.2.1', reasonCode: '3.7', subjectIdentifier: req.iccid, message: 'Profile is already Unavailable' });
    }
    if (profile.state === 'Installed') {
      return failed(
        '8.2.1',
        '3.5',
        'Profile is Installed on the device; an installed profile cannot be cancelled by the operator',
        req.iccid,
      );
    }
    if (!CANCELLABLE.includes(profile.state)) {
      return failed('8.2.1', '3.5', `Profile in state ${profile.state} cannot be cancelled`, req.iccid);
    }
    profile.state = req.finalProfileStatusIndicator;
    if (req.finalProfileStatusIndicator === 'Available') {
      delete profile.eid;
      delete profile.matchingId;
    }
    return success();
  }

  function releaseProfile(req: ReleaseProfileRequest): Es2PlusResponse {
    const profile = profiles.get(req.iccid);
    if (!profile) return failed('8.2.1', '3.9', 'Unknown ICCID', req.iccid);
    if (profile.state !== 'Confirmed') return failed('8.2.1', '3.5', `Profile in state ${profile.state} cannot be released`, req.iccid);
    profile.state = 'Released';
    return success();
  }

  /** Maps schema errors to ES2+ codes: missing -> 2.2 first, otherwise invalid -> 2.1. */
  function validate(fn: Es2PlusFunctionName, body: unknown): Es2PlusResponse | undefined {
    const schema = SCHEMAS[fn];
    if (Value.Check(schema, body)) {
      const eid = (body as { eid?: string }).eid;
      if (eid !== undefined && !isValidEid(eid)) return failed('8.1.1', '2.1', 'Invalid EID (check digits)');
      return undefined;
    }
    const errors = [...Value.Errors(schema, body)];
    const missing = errors.find((e) => e.keyword === 'required');
    if (missing) {
      const field = (missing.params as { requiredProperties: string[] }).requiredProperties[0] ?? 'unknown';
      return failed(subjectOf(field), '2.2', `Mandatory element missing: ${field}`);
    }
    const field = errors[0]?.instancePath.split('/')[1] ?? 'unknown';
    return failed(subjectOf(field), '2.1', `Invalid element: ${field}`);
  }

  function execute(fn: Es2PlusFunctionName, body: unknown): Es2PlusResponse {
    const invalid = validate(fn, body);
    if (invalid) return invalid;
    switch (fn) {
      case 'downloadOrder':
        return downloadOrder(body as DownloadOrderRequest);
      case 'confirmOrder':
        return confirmOrder(body as ConfirmOrderRequest);
      case 'cancelOrder':
        return cancelOrder(body as CancelOrderRequest);
      case 'releaseProfile':
        return releaseProfile(body as ReleaseProfileRequest);
    }
  }

  // --- HTTP -----------------------------------------------------------------------------------------

  // forceCloseConnections: close() must not wait for clients' keep-alive sockets (tests open and close many).
  const app = Fastify({ logger: false, forceCloseConnections: true });

  app.post<{ Params: { fn: string } }>(`${prefix}${ES2PLUS_PATH}/:fn`, async (request, reply) => {
    const fnName = request.params.fn;
    const record = (callId: string | undefined, outcome: SimulatorRequestRecord['outcome'], replayed = false) =>
      requests.push({ function: fnName, functionCallIdentifier: callId, replayed, outcome });
    if (!(Es2PlusFunctionNames as readonly string[]).includes(fnName)) {
      return reply.code(404).send({ error: 'unknown ES2+ function' });
    }
    const fn = fnName as Es2PlusFunctionName;
    const protocol = request.headers['x-admin-protocol'];
    reply.header('x-admin-protocol', typeof protocol === 'string' ? protocol : 'gsma/rsp/v2.5.0');

    let refused = false;
    try {
      await applyControl(control, rng, { adapter: 'es2plus' });
    } catch (err) {
      if (err instanceof RetryableAdapterError) {
        record(undefined, 'HTTP 503');
        return reply.code(503).send({ error: 'simulated_unavailable' });
      }
      if (!(err instanceof PermanentAdapterError)) throw err;
      refused = true;
    }

    const body = request.body as { header?: { functionRequesterIdentifier?: unknown; functionCallIdentifier?: unknown } } | null;
    const requester = body?.header?.functionRequesterIdentifier;
    const callId = body?.header?.functionCallIdentifier;
    if (typeof protocol !== 'string' || !/^gsma\/rsp\/v2\.[0-9]+\.[0-9]+$/.test(protocol)) {
      record(undefined, 'HTTP 400');
      return reply.code(400).send({ error: 'missing or invalid X-Admin-Protocol header' });
    }
    if (typeof requester !== 'string' || !requester || typeof callId !== 'string' || !callId) {
      record(undefined, 'HTTP 400');
      return reply.code(400).send({ error: 'missing ES2+ request header (functionRequesterIdentifier, functionCallIdentifier)' });
    }

    const key = `${requester}\u0000${fn}\u0000${callId}`;
    const previous = stored.get(key);
    if (previous) {
      record(callId, previous.header.functionExecutionStatus.status, true);
      return reply.code(200).type('application/json;charset=UTF-8').send(previous);
    }

    let response: Es2PlusResponse;
    const inject = injected.get(fn)?.shift();
    if (refused) {
      response = failed('8.8.5', '3.8', 'Refused (simulated)');
    } else if (inject && inject.status !== 'Executed-WithWarning' && inject.status !== 'Executed-Success') {
      response = { header: { functionExecutionStatus: inject } };
    } else {
      response = execute(fn, body);
      if (inject && response.header.functionExecutionStatus.status !== 'Failed') {
        response = { ...response, header: { functionExecutionStatus: inject } };
      }
    }
    stored.set(key, response);
    record(callId, response.header.functionExecutionStatus.status);
    return reply.code(200).type('application/json;charset=UTF-8').send(response);
  });

  // exclusive: in a cluster worker, a port of its own (not one the primary shares between processes).
  await app.listen({ port, host, exclusive: true });
  const address = app.server.address();
  const url =
    address && typeof address === 'object'
      ? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`
      : String(address);

  // --- device side ----------------------------------------------------------------------------------

  const DEVICE: Record<DeviceEvent, { from: ProfileState; to: ProfileState; point: number }> = {
    downloaded: { from: 'Released', to: 'Downloaded', point: NotificationPoint.downloaded },
    installed: { from: 'Downloaded', to: 'Installed', point: NotificationPoint.installed },
    deleted: { from: 'Installed', to: 'Unavailable', point: NotificationPoint.deleted },
  };

  async function deviceEvent(
    iccid: string,
    event: DeviceEvent,
    opts: { notifyUrl?: string; deliver?: boolean } = {},
  ): Promise<SentNotification> {
    const profile = profiles.get(iccid);
    const step = DEVICE[event];
    if (!profile) throw new Error(`es2plus simulator: unknown ICCID for device event ${event}`);
    if (profile.state !== step.from) {
      throw new Error(`es2plus simulator: device event ${event} needs state ${step.from}, profile is ${profile.state}`);
    }
    profile.state = step.to;
    const target = opts.notifyUrl ?? operatorNotificationUrl;
    const request = buildDownloadProgressInfo({
      functionRequesterIdentifier: smdpIdentifier,
      functionCallIdentifier: `smdp-notification-${randomBytes(6).toString('hex')}`,
      iccid,
      profileType: profile.profileType,
      notificationPointId: step.point,
      ...(profile.eid ? { eid: profile.eid } : {}),
    });
    let entry: SentNotification;
    if (opts.deliver === false || target === undefined) {
      const error = target === undefined ? 'no operator notification address' : 'not delivered (simulated loss)';
      entry = { url: target, request, delivered: false, error };
    } else {
      try {
        await sendDownloadProgressInfo(target, request);
        entry = { url: target, request, delivered: true };
      } catch (err) {
        entry = { url: target, request, delivered: false, error: (err as Error).message };
      }
    }
    notifications.push(entry);
    return entry;
  }

  return {
    url,
    pathPrefix: prefix,
    control,
    profiles,
    notifications,
    requests,
    setProfile(iccid, p) {
      const profile: SimProfile = {
        iccid,
        state: p.state,
        profileType: p.profileType ?? defaultProfileType,
        ...(p.eid !== undefined ? { eid: p.eid } : {}),
        ...(p.matchingId !== undefined ? { matchingId: p.matchingId } : {}),
      };
      profiles.set(iccid, profile);
      return profile;
    },
    injectNext(fn, status) {
      const queue = injected.get(fn) ?? [];
      queue.push(status);
      injected.set(fn, queue);
    },
    deviceEvent,
    async close() {
      await app.close();
    },
  };
}
