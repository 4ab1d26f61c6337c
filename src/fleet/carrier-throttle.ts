/**
 * How fast a fleet job talks to one carrier's outside systems, per process: a token bucket of
 * `fleetRatePerSecond` calls a second (bursting at most a twentieth of a second's worth) and at most
 * `fleetConcurrency` calls in flight, both carrier settings. A "429 Too Many Requests" from an adapter
 * (RateLimitedAdapterError) pauses that carrier's bucket for its Retry-After, and the call is made
 * again with the same idempotency key once the pause is over: it is not a failed attempt, since the
 * far side did nothing. The bucket lives as long as its context (one per process in production).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CarrierSettings } from '../db/schema.ts';
import { RateLimitedAdapterError } from '../adapters/errors.ts';

/** Used when a carrier's settings do not say (carriers saved before the settings existed). */
export const FLEET_THROTTLE_DEFAULTS = { ratePerSecond: 2000, concurrency: 64 } as const;

/** A far side that answers 429 more often than this for one call is failing, not busy: the call fails as retryable. */
export const MAX_RATE_LIMITED_RETRIES = 20;

export class CarrierBucket {
  private ratePerSecond: number = FLEET_THROTTLE_DEFAULTS.ratePerSecond;
  private concurrency: number = FLEET_THROTTLE_DEFAULTS.concurrency;
  private tokens = 1;
  private refilledAt = Date.now();
  private pausedUntil = 0;
  private inFlight = 0;
  private readonly slotWaiters: Array<() => void> = [];

  constructor(settings?: Pick<CarrierSettings, 'fleetRatePerSecond' | 'fleetConcurrency'>) {
    if (settings) this.configure(settings);
  }

  /** Follows the carrier's current settings (read by each chunk), keeping the tokens already earned. */
  configure(settings: Pick<CarrierSettings, 'fleetRatePerSecond' | 'fleetConcurrency'>): void {
    this.ratePerSecond = settings.fleetRatePerSecond ?? FLEET_THROTTLE_DEFAULTS.ratePerSecond;
    this.concurrency = settings.fleetConcurrency ?? FLEET_THROTTLE_DEFAULTS.concurrency;
    this.tokens = Math.min(this.tokens, this.capacity());
  }

  private capacity(): number {
    return Math.max(1, Math.floor(this.ratePerSecond / 20));
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.capacity(), this.tokens + ((now - this.refilledAt) * this.ratePerSecond) / 1000);
    this.refilledAt = now;
  }

  /** Waits for a free slot and a token (and for the end of a pause), then holds the slot. */
  async acquire(): Promise<void> {
    for (;;) {
      if (this.inFlight >= this.concurrency) {
        await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
        continue;
      }
      const now = Date.now();
      if (now < this.pausedUntil) {
        await sleep(this.pausedUntil - now);
        continue;
      }
      this.refill(now);
      if (this.tokens >= 1) {
        this.tokens -= 1;
        this.inFlight += 1;
        return;
      }
      await sleep(Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond)));
    }
  }

  release(): void {
    this.inFlight -= 1;
    this.slotWaiters.shift()?.();
  }

  /** The far side asked for a pause: nobody calls this carrier before it ends, and no tokens pile up meanwhile. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
    this.tokens = 0;
    this.refilledAt = this.pausedUntil;
  }

  /** Runs one outside call under the bucket; a 429 pauses the bucket and repeats the call (same key). */
  async run<T>(call: () => Promise<T>): Promise<T> {
    for (let rateLimited = 0; ; rateLimited++) {
      await this.acquire();
      try {
        return await call();
      } catch (err) {
        if (!(err instanceof RateLimitedAdapterError) || rateLimited >= MAX_RATE_LIMITED_RETRIES) throw err;
        this.pause(err.retryAfterMs);
      } finally {
        this.release();
      }
    }
  }
}

const buckets = new WeakMap<object, Map<string, CarrierBucket>>();

/** The bucket of `carrier` for this context (this process), following the carrier's settings. */
export function carrierBucket(owner: object, carrier: string, settings: CarrierSettings): CarrierBucket {
  let byCarrier = buckets.get(owner);
  if (!byCarrier) buckets.set(owner, (byCarrier = new Map()));
  let bucket = byCarrier.get(carrier);
  if (!bucket) byCarrier.set(carrier, (bucket = new CarrierBucket()));
  bucket.configure(settings);
  return bucket;
}
