/**
 * In-memory idempotency for simulators: the first successful result for a key is stored and returned
 * again for every later call with that key, without repeating the effect. Failures are not stored
 * (nothing happened, so trying again is safe). Reusing a key with a different input is a caller bug and
 * is refused with PermanentAdapterError `idempotency_key_reused`.
 */
import { PermanentAdapterError } from './errors.ts';

export interface IdempotencyStore<T> {
  /** Runs `effect` once per key; later calls with the key get the first result. */
  run(key: string, input: unknown, effect: () => Promise<T> | T): Promise<T>;
  /** Number of keys with a stored result. */
  readonly size: number;
}

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` fingerprint the same. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

export function createIdempotencyStore<T>(adapter: string): IdempotencyStore<T> {
  const done = new Map<string, { fingerprint: string; result: T }>();
  const inFlight = new Map<string, { fingerprint: string; promise: Promise<T> }>();

  const check = (key: string, stored: string, fingerprint: string): void => {
    if (stored !== fingerprint) {
      throw new PermanentAdapterError('idempotency_key_reused', `${adapter}: idempotency key reused with a different request`, {
        adapter,
        details: { idempotencyKey: key },
      });
    }
  };

  return {
    get size() {
      return done.size;
    },
    async run(key, input, effect) {
      if (typeof key !== 'string' || key.trim() === '') {
        throw new TypeError(`${adapter}: idempotencyKey must be a non-empty string`);
      }
      const fingerprint = stableStringify(input);
      const stored = done.get(key);
      if (stored) {
        check(key, stored.fingerprint, fingerprint);
        return structuredClone(stored.result);
      }
      const pending = inFlight.get(key);
      if (pending) {
        check(key, pending.fingerprint, fingerprint);
        return structuredClone(await pending.promise);
      }
      const promise = (async () => effect())();
      inFlight.set(key, { fingerprint, promise });
      try {
        const result = await promise;
        done.set(key, { fingerprint, result: structuredClone(result) });
        return result;
      } finally {
        inFlight.delete(key);
      }
    },
  };
}
