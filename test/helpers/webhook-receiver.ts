// A webhook receiver for tests: a real HTTP server on 127.0.0.1 that verifies every Standard
// Webhooks signature: v1 with the standardwebhooks library, and v1a (Ed25519) with the public key
// when the test gave one (per path: one subscription each), and
// answers as the test says. Requests are counted per path, so a late delivery of another test does
// not count for this one.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { verifyEd25519 } from '../../src/webhooks/sign-webhook.ts';

export interface Received { path: string; id: string; body: any; verified: boolean; headers: Record<string, string | string[] | undefined> }
export type Answer = (n: number, path: string) => { status: number; headers?: Record<string, string>; delayMs?: number };

export async function startReceiver() {
  const received: Received[] = [];
  const secrets = new Map<string, string>();
  const publicKeys = new Map<string, string>();
  let answer: Answer = () => ({ status: 200 });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url!.split('?')[0]!;
      let verified: boolean;
      try {
        new Webhook(secrets.get(path) ?? '').verify(body, req.headers as Record<string, string>);
        const pk = publicKeys.get(path);
        verified = pk === undefined || verifyEd25519(pk, req.headers, body);
      } catch {
        verified = false;
      }
      received.push({ path, id: String(req.headers['webhook-id']), body: JSON.parse(body), verified, headers: req.headers });
      const a = answer(received.filter((r) => r.path === path).length, path);
      setTimeout(() => res.writeHead(a.status, a.headers ?? {}).end('ok'), a.delayMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    received,
    url: (name: string) => `http://127.0.0.1:${port}/hooks/${name}?token=abc`,
    byName: (name: string) => `http://localhost:${port}/hooks/${name}`,
    setSecret: (url: string, s: string, publicKey?: string) => {
      secrets.set(new URL(url).pathname, s);
      if (publicKey) publicKeys.set(new URL(url).pathname, publicKey);
    },
    on: (name: string) => received.filter((r) => r.path === `/hooks/${name}`),
    answer: (fn: Answer) => { answer = fn; },
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** Polls `fn` until it returns something truthy (the workers deliver in the background). */
export async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
