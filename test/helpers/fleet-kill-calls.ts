// The outside systems of the fleet kill test, shared by every process it starts and kills. Each
// process has its own in-memory simulators, which a kill -9 wipes; a real network, SM-DP+ or payout
// system outlives our processes and answers a key it has seen with its first answer. So the calls the
// execution steps make are written to one append-only file (a line per call, with the process id):
// a key already answered there is answered again from the file (a "replay"), a new key goes to the
// process's simulator (an "effect") and its answer is appended. The test reads the file to count,
// per key and per line, what the outside world was asked to do and by which process.
//
// Each record is one write(2) with O_APPEND: it is in the kernel once appendFileSync returns, so a
// SIGKILL right after loses nothing. A kill between the simulator's effect and the append (no I/O
// between them) would lose that one effect: a window of microseconds, against calls that take 100s of ms.
import fs from 'node:fs';
import type { Adapters } from '../../src/adapters/index.ts';

export type OutsideOp = 'network.deprovisionSubscriber' | 'network.stopCompanion' | 'payouts.payout' | 'es2plus.cancelOrder' | 'payments.charge';

export interface OutsideCall {
  pid: number;
  op: OutsideOp;
  /** The idempotency key the platform sent (`<requestId>:<step>`, or with a companion's id after it). */
  key: string;
  /** What the call acts on: the IMSI, the companion or profile ICCID, the payout's reference. */
  subject: string;
  /** effect: the outside system acted; replay: it answered a key it had answered before. */
  outcome: 'effect' | 'replay';
  amountFen?: number;
  result: unknown;
}

export function readCalls(file: string): OutsideCall[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as OutsideCall);
}

/**
 * Wraps the adapters the execution steps call so that every successful call is recorded in `file` and
 * a key answered before, by any process, gets that answer again without a second effect.
 */
export function recordOutsideCalls<A extends Adapters>(adapters: A, file: string): A {
  const call = async <R>(op: OutsideOp, key: string, subject: string, amountFen: number | undefined, effect: () => Promise<R>): Promise<R> => {
    const seen = readCalls(file).find((c) => c.key === key && c.op === op && c.outcome === 'effect');
    const record = (outcome: OutsideCall['outcome'], result: unknown) => {
      const row: OutsideCall = { pid: process.pid, op, key, subject, outcome, ...(amountFen !== undefined ? { amountFen } : {}), result };
      fs.appendFileSync(file, `${JSON.stringify(row)}\n`);
    };
    if (seen) {
      record('replay', seen.result);
      return structuredClone(seen.result) as R;
    }
    const result = await effect();
    record('effect', result);
    return result;
  };
  const { network, payouts, payments, es2plus } = adapters;
  return {
    ...adapters,
    network: {
      ...network,
      deprovisionSubscriber: (input) => call('network.deprovisionSubscriber', input.idempotencyKey, input.imsi, undefined, () => network.deprovisionSubscriber(input)),
      stopCompanion: (input) => call('network.stopCompanion', input.idempotencyKey, input.companionIccid, undefined, () => network.stopCompanion(input)),
    },
    payouts: {
      ...payouts,
      payout: (input) => call('payouts.payout', input.idempotencyKey, input.reference, input.amountFen, () => payouts.payout(input)),
    },
    payments: {
      ...payments,
      charge: (input) => call('payments.charge', input.idempotencyKey, input.reference, input.amountFen, () => payments.charge(input)),
    },
    es2plus: {
      ...es2plus,
      cancelOrder: (input, opts) => call('es2plus.cancelOrder', opts.callId, input.iccid, undefined, () => es2plus.cancelOrder(input, opts)),
    },
    // The simulators' own methods (es2plusSimulator, close) stay bound to the original object.
    close: () => adapters.close(),
  } as A;
}
