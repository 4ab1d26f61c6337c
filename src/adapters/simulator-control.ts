/**
 * Knobs that make a simulator slow or failing, and a registry of the live knobs per simulator so the
 * HTTP layer can expose `GET/PUT /api/v1/dev/simulators/:name`.
 *
 * A control object is mutable and read on every call: simulators keep a reference to it, so a change made
 * through `setSimulatorControl` applies to the next call without restarting anything.
 *
 * Env defaults (read when a simulator's control is first created):
 *   ZHUXIAO_SIM_<NAME>_FAIL_RATE   number in [0, 1]
 *   ZHUXIAO_SIM_<NAME>_LATENCY_MS  non-negative integer
 * where <NAME> is the simulator name upper-cased with non-alphanumerics as `_` (es2plus -> ES2PLUS).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { PermanentAdapterError, RateLimitedAdapterError, RetryableAdapterError } from './errors.ts';

export interface SimulatorControl {
  /** Delay added to every call, in milliseconds. */
  latencyMs: number;
  /** Probability in [0, 1] that a call fails with a RetryableAdapterError. */
  failRate: number;
  /** Deterministic: the next N calls fail with a RetryableAdapterError (counts down). */
  failNext: number;
  /** Deterministic: the next N calls are refused with a PermanentAdapterError (counts down). */
  permanentFailNext: number;
  /**
   * Deterministic: the next N calls are answered "429 Too Many Requests" (RateLimitedAdapterError)
   * with Retry-After `retryAfterMs` (counts down). Absent means 0, so the default control keeps its shape.
   */
  rateLimitNext?: number;
  /** The Retry-After of those answers, in milliseconds (default 1000). */
  retryAfterMs?: number;
}

/** The simulators the platform ships with. */
export const SIMULATOR_NAMES = ['network', 'payments', 'payouts', 'sms', 'email', 'es2plus'] as const;
export type SimulatorName = (typeof SIMULATOR_NAMES)[number];

export function defaultSimulatorControl(): SimulatorControl {
  return { latencyMs: 0, failRate: 0, failNext: 0, permanentFailNext: 0 };
}

export class InvalidSimulatorControlError extends Error {
  override readonly name = 'InvalidSimulatorControlError';
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

const KEYS: readonly (keyof SimulatorControl)[] = ['latencyMs', 'failRate', 'failNext', 'permanentFailNext', 'rateLimitNext', 'retryAfterMs'];

/** Validates a partial control; throws InvalidSimulatorControlError naming the first bad field. */
export function validateSimulatorControl(partial: Partial<Record<keyof SimulatorControl, unknown>>): Partial<SimulatorControl> {
  const out: Partial<SimulatorControl> = {};
  for (const [key, value] of Object.entries(partial)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      throw new InvalidSimulatorControlError(key, `unknown simulator control field "${key}"`);
    }
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new InvalidSimulatorControlError(key, `${key} must be a finite number`);
    }
    if (key === 'failRate') {
      if (value < 0 || value > 1) throw new InvalidSimulatorControlError(key, 'failRate must be between 0 and 1');
    } else if (!Number.isSafeInteger(value) || value < 0) {
      throw new InvalidSimulatorControlError(key, `${key} must be a non-negative integer`);
    }
    out[key as keyof SimulatorControl] = value;
  }
  return out;
}

export function envVarPrefix(name: string): string {
  return `ZHUXIAO_SIM_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`;
}

/** Control for `name` from env defaults. Throws (naming the variable) on an invalid value. */
export function simulatorControlFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): SimulatorControl {
  const prefix = envVarPrefix(name);
  const control = defaultSimulatorControl();
  const read = (suffix: string, key: 'failRate' | 'latencyMs'): void => {
    const raw = env[prefix + suffix];
    if (raw === undefined || raw.trim() === '') return;
    try {
      Object.assign(control, validateSimulatorControl({ [key]: Number(raw) }));
    } catch (err) {
      throw new Error(`${prefix + suffix}=${JSON.stringify(raw)} is invalid: ${(err as Error).message}`, { cause: err });
    }
  };
  read('FAIL_RATE', 'failRate');
  read('LATENCY_MS', 'latencyMs');
  return control;
}

export interface ApplyControlOptions {
  /** Adapter name put on the thrown error. */
  adapter?: string;
  /** Code of the PermanentAdapterError thrown for permanentFailNext. */
  permanentCode?: string;
}

/**
 * Applies a control to one call: sleeps `latencyMs`, then fails if due.
 * Order: rateLimitNext (a 429 is answered before any work), permanentFailNext, then failNext, then
 * failRate (drawn from `rng`, default Math.random).
 * Counters are decremented on the control object itself.
 */
export async function applyControl(
  control: SimulatorControl,
  rng: () => number = Math.random,
  options: ApplyControlOptions = {},
): Promise<void> {
  if (control.latencyMs > 0) await sleep(control.latencyMs);
  const adapter = options.adapter ?? 'simulator';
  if ((control.rateLimitNext ?? 0) > 0) {
    control.rateLimitNext = (control.rateLimitNext ?? 0) - 1;
    throw new RateLimitedAdapterError(`${adapter}: simulated 429 Too Many Requests`, control.retryAfterMs ?? 1000, { adapter });
  }
  if (control.permanentFailNext > 0) {
    control.permanentFailNext -= 1;
    throw new PermanentAdapterError(options.permanentCode ?? 'simulated_refusal', `${adapter}: simulated permanent refusal`, {
      adapter,
    });
  }
  if (control.failNext > 0) {
    control.failNext -= 1;
    throw new RetryableAdapterError(`${adapter}: simulated failure (failNext)`, { adapter });
  }
  if (control.failRate > 0 && rng() < control.failRate) {
    throw new RetryableAdapterError(`${adapter}: simulated failure (failRate)`, { adapter });
  }
}

// ---------------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------------

/** Live controls by simulator name. Prefer the functions below; exported for inspection. */
export const simulators = new Map<string, SimulatorControl>();

function isKnownName(name: string): boolean {
  return (SIMULATOR_NAMES as readonly string[]).includes(name);
}

/**
 * The LIVE control object for `name`, created from env defaults on first use. Simulators call this to
 * get the object they read on every call. Registers `name` if it is not one of SIMULATOR_NAMES.
 */
export function simulatorControl(name: string): SimulatorControl {
  let control = simulators.get(name);
  if (!control) {
    control = simulatorControlFromEnv(name);
    simulators.set(name, control);
  }
  return control;
}

/** A copy of the control for `name`, or undefined if no simulator of that name exists (-> 404). */
export function getSimulatorControl(name: string): SimulatorControl | undefined {
  if (!simulators.has(name) && !isKnownName(name)) return undefined;
  return { ...simulatorControl(name) };
}

/**
 * Updates the live control for `name` in place and returns a copy of the result; undefined if no
 * simulator of that name exists (-> 404). Throws InvalidSimulatorControlError on a bad field (-> 400).
 */
export function setSimulatorControl(
  name: string,
  partial: Partial<Record<keyof SimulatorControl, unknown>>,
): SimulatorControl | undefined {
  if (!simulators.has(name) && !isKnownName(name)) return undefined;
  const valid = validateSimulatorControl(partial);
  const control = simulatorControl(name);
  Object.assign(control, valid);
  return { ...control };
}

/** Every known or registered simulator with a copy of its control, sorted by name. */
export function listSimulators(): Array<{ name: string } & SimulatorControl> {
  const names = new Set<string>([...SIMULATOR_NAMES, ...simulators.keys()]);
  return [...names].sort().map((name) => ({ name, ...simulatorControl(name) }));
}

/** Resets every registered control (in place) to its env defaults. For tests and dev resets. */
export function resetSimulatorControls(): void {
  for (const [name, control] of simulators) {
    delete control.rateLimitNext;
    delete control.retryAfterMs;
    Object.assign(control, simulatorControlFromEnv(name));
  }
}
