/**
 * Time-stamping (RFC 3161): the TSA vouches for when a signature existed, so a certificate's time
 * is not only the signer's word. The adapter speaks DER in both directions (TimeStampReq in,
 * TimeStampResp out), over HTTP (`application/timestamp-query`) for a real TSA, or in process for
 * the simulator, which signs TSTInfo with its own certificate issued by the deployment's root
 * (src/pki/pki-store.ts hands it that identity).
 */
import { randomBytes } from 'node:crypto';
import { PermanentAdapterError, RetryableAdapterError } from './errors.ts';
import { answerTimestampRequest } from '../pki/timestamp.ts';
import type { SignerIdentity } from '../pki/cms.ts';

export interface TimestampAuthority {
  /** Sends a TimeStampReq (DER), returns the TimeStampResp (DER). */
  timestamp(requestDer: Buffer): Promise<Buffer>;
}

export interface TsaSimulator extends TimestampAuthority {
  readonly simulated: true;
  /** The certificate and key the simulator signs tokens with. */
  useIdentity(identity: SignerIdentity): void;
  readonly hasIdentity: boolean;
  /** How many tokens it granted. */
  readonly granted: number;
}

export function createTsaSimulator(options: { now?: () => Date } = {}): TsaSimulator {
  let identity: SignerIdentity | undefined;
  let granted = 0;
  return {
    simulated: true,
    useIdentity(id) {
      identity = id;
    },
    get hasIdentity() {
      return identity !== undefined;
    },
    get granted() {
      return granted;
    },
    async timestamp(requestDer) {
      if (!identity) throw new RetryableAdapterError('the TSA simulator has no certificate yet', { adapter: 'tsa' });
      const resp = answerTimestampRequest(requestDer, identity, options.now?.() ?? new Date(), randomBytes(12));
      granted++;
      return resp;
    },
  };
}

export function isTsaSimulator(tsa: TimestampAuthority): tsa is TsaSimulator {
  return (tsa as Partial<TsaSimulator>).simulated === true;
}

/** A real TSA over HTTP (RFC 3161 section 3.4). */
export function createHttpTsa(url: string, timeoutMs = 10_000): TimestampAuthority {
  return {
    async timestamp(requestDer) {
      let res: Response;
      try {
        res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body: new Uint8Array(requestDer), signal: AbortSignal.timeout(timeoutMs) });
      } catch (e) {
        throw new RetryableAdapterError('the TSA could not be reached', { adapter: 'tsa', cause: e });
      }
      if (res.status >= 500) throw new RetryableAdapterError(`the TSA answered HTTP ${res.status}`, { adapter: 'tsa' });
      if (!res.ok) throw new PermanentAdapterError(`http_${res.status}`, `the TSA answered HTTP ${res.status}`, { adapter: 'tsa' });
      return Buffer.from(await res.arrayBuffer());
    },
  };
}
