// The web app's shell (web/dist/index.html), answered for `/` and every app route (/portal,
// /verify/<serial>, /staff/…): read once when the server starts and compressed once (brotli at its
// best, gzip), then sent from memory in the encoding the browser takes. The QR code on every
// certificate opens /verify/<serial>, so this is the page anyone checking a proof loads first; it
// used to be opened, read and brotli-compressed from disk on every request.
import crypto from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { negotiate } from '@fastify/accept-negotiator';
import type { FastifyReply, FastifyRequest } from 'fastify';

type Encoding = 'br' | 'gzip' | 'identity';
const ENCODINGS: Encoding[] = ['br', 'gzip', 'identity'];

export interface AppShell {
  send(req: FastifyRequest, reply: FastifyReply): FastifyReply;
}

export function loadAppShell(file: string): AppShell {
  const html = fs.readFileSync(file);
  const bodies: Record<Encoding, Buffer> = {
    br: zlib.brotliCompressSync(html, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: html.length } }),
    gzip: zlib.gzipSync(html, { level: 9 }),
    identity: html,
  };
  // One validator for the build: a browser revalidating (no-cache) gets a 304 until the next build.
  const etag = `"${crypto.createHash('sha256').update(html).digest('base64url').slice(0, 27)}"`;
  return {
    send(req, reply) {
      const encoding = negotiate(req.headers['accept-encoding'] ?? 'identity', ENCODINGS) ?? 'identity';
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').header('vary', 'accept-encoding').header('etag', etag);
      if (req.headers['if-none-match'] === etag) return reply.code(304).send();
      if (encoding !== 'identity') reply.header('content-encoding', encoding);
      return reply.send(bodies[encoding]);
    },
  };
}
