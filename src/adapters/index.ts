/**
 * The platform's outside systems, behind interfaces. `createSimulatedAdapters` wires every adapter to its
 * simulator (dev, tests, demos); a production wiring would build the same `Adapters` shape from real
 * clients (the ES2+ client is real already: point it at the SM-DP+).
 */
import { createEs2PlusClient, type Es2PlusClient } from '../esim/es2plus-client.ts';
import { startEs2PlusSimulator, type Es2PlusSimulator, type Es2PlusSimulatorOptions } from '../esim/es2plus-simulator.ts';
import { createNetworkSimulator, type NetworkAdapter, type NetworkSimulator } from './network.ts';
import {
  createPaymentSimulator,
  createPayoutSimulator,
  type PaymentAdapter,
  type PaymentSimulator,
  type Payout,
  type PayoutSimulator,
} from './payments.ts';
import { simulatorControl, type SimulatorControl, type SimulatorName } from './simulator-control.ts';
import { createSmsGatewaySimulator, type SmsGateway, type SmsGatewaySimulator } from './sms-gateway.ts';
import { createEmailSimulator, type EmailSender, type EmailSimulator } from './email.ts';
import { createTsaSimulator, type TimestampAuthority, type TsaSimulator } from './tsa.ts';

export * from './errors.ts';
export type { NetworkAdapter } from './network.ts';
export type { PaymentAdapter, Payout, PaymentMethod, PayoutRoute } from './payments.ts';
export type { SmsGateway } from './sms-gateway.ts';
export type { EmailSender } from './email.ts';
export type { TimestampAuthority } from './tsa.ts';
export type { Es2PlusClient } from '../esim/es2plus-client.ts';

/** What the rest of the platform depends on. */
export interface Adapters {
  network: NetworkAdapter;
  payments: PaymentAdapter;
  payouts: Payout;
  sms: SmsGateway;
  email: EmailSender;
  tsa: TimestampAuthority;
  es2plus: Es2PlusClient;
  close(): Promise<void>;
}

export interface SimulatedAdapters extends Adapters {
  network: NetworkSimulator;
  payments: PaymentSimulator;
  payouts: PayoutSimulator;
  sms: SmsGatewaySimulator;
  email: EmailSimulator;
  tsa: TsaSimulator;
  /** Client for an in-process SM-DP+ simulator, started on first use. */
  es2plus: Es2PlusClient;
  /** Starts the SM-DP+ simulator if needed and returns it (to seed profiles, play device events). */
  es2plusSimulator(): Promise<Es2PlusSimulator>;
}

export interface SimulatedAdaptersOptions {
  /** Per-simulator controls; default: the live registry controls (what `/api/v1/dev/simulators` edits). */
  controls?: Partial<Record<SimulatorName, SimulatorControl>>;
  es2plus?: Omit<Es2PlusSimulatorOptions, 'control' | 'rng'> & {
    functionRequesterIdentifier?: string;
    timeoutMs?: number;
  };
  now?: () => Date;
  rng?: () => number;
}

export function createSimulatedAdapters(options: SimulatedAdaptersOptions = {}): SimulatedAdapters {
  const control = (name: SimulatorName) => options.controls?.[name] ?? simulatorControl(name);
  const common = { ...(options.now ? { now: options.now } : {}), ...(options.rng ? { rng: options.rng } : {}) };
  const { functionRequesterIdentifier = 'zhuxiao-operator', timeoutMs = 10_000, ...simOptions } = options.es2plus ?? {};

  let started: Promise<{ simulator: Es2PlusSimulator; client: Es2PlusClient }> | undefined;
  let closed = false;
  const ensureStarted = () => {
    if (closed) return Promise.reject(new Error('adapters are closed'));
    started ??= startEs2PlusSimulator({ ...simOptions, control: control('es2plus'), ...(options.rng ? { rng: options.rng } : {}) })
      .then((simulator) => ({
        simulator,
        client: createEs2PlusClient({
          baseUrl: simulator.url,
          pathPrefix: simulator.pathPrefix,
          functionRequesterIdentifier,
          timeoutMs,
        }),
      }))
      .catch((err: unknown) => {
        started = undefined;
        throw err;
      });
    return started;
  };

  const es2plus: Es2PlusClient = {
    downloadOrder: async (input, opts) => (await ensureStarted()).client.downloadOrder(input, opts),
    confirmOrder: async (input, opts) => (await ensureStarted()).client.confirmOrder(input, opts),
    cancelOrder: async (input, opts) => (await ensureStarted()).client.cancelOrder(input, opts),
    releaseProfile: async (input, opts) => (await ensureStarted()).client.releaseProfile(input, opts),
  };

  return {
    network: createNetworkSimulator(control('network'), common),
    payments: createPaymentSimulator(control('payments'), common),
    payouts: createPayoutSimulator(control('payouts'), common),
    sms: createSmsGatewaySimulator(control('sms'), common),
    email: createEmailSimulator(control('email'), common),
    tsa: createTsaSimulator(options.now ? { now: options.now } : {}),
    es2plus,
    es2plusSimulator: async () => (await ensureStarted()).simulator,
    async close() {
      const pending = started;
      closed = true;
      started = undefined;
      if (pending) await (await pending.catch(() => undefined))?.simulator.close();
    },
  };
}
