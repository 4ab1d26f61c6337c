// The web app's shell (web/dist/index.html), answered for every app route (/portal/…, /verify/<serial>,
// /staff/…), and the pages the build pre-rendered into their own HTML (web/dist/routes.json: `/` the
// landing page, `/portal` the sign-in card, `/verify` the empty form, `/staff/ops` the shell with its
// page's chunk preloaded; web/vite.config.ts `prerender`), answered for exactly those paths; a page
// pre-rendered signed out (the sign-in card) only to a browser without a session, the others get the
// shell (no sign-in card shown for a moment to someone signed in). Each is read
// once when the server starts and compressed once (brotli at its best, gzip), then sent from memory in
// the encoding the browser takes. The QR code on every certificate opens /verify/<serial>, so the shell
// is the page anyone checking a proof loads first.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { negotiate } from '@fastify/accept-negotiator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../identity/sessions.ts';

type Encoding = 'br' | 'gzip' | 'identity';
const ENCODINGS: Encoding[] = ['br', 'gzip', 'identity'];

export interface AppShell {
  send(req: FastifyRequest, reply: FastifyReply): FastifyReply;
}

interface Document {
  bodies: Record<Encoding, Buffer>;
  etag: string;
  signedOutOnly?: boolean;
}

/** routes.json: path → file, or { file, signedOutOnly } for a page that shows the signed-out state. */
type Routes = Record<string, string | { file: string; signedOutOnly?: boolean }>;

function load(file: string): Document {
  const html = fs.readFileSync(file);
  return {
    bodies: {
      br: zlib.brotliCompressSync(html, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: html.length } }),
      gzip: zlib.gzipSync(html, { level: 9 }),
      identity: html,
    },
    // One validator per file and build: a browser revalidating (no-cache) gets a 304 until the next build.
    etag: `"${crypto.createHash('sha256').update(html).digest('base64url').slice(0, 27)}"`,
  };
}

/** `file` is the shell (web/dist/index.html); a routes.json beside it names the pre-rendered pages. */
export function loadAppShell(file: string): AppShell {
  const shell = load(file);
  const pages = new Map<string, Document>();
  const routesFile = path.join(path.dirname(file), 'routes.json');
  if (fs.existsSync(routesFile)) {
    const routes = JSON.parse(fs.readFileSync(routesFile, 'utf8')) as Routes;
    for (const [route, entry] of Object.entries(routes)) {
      const { file: name, signedOutOnly = false } = typeof entry === 'string' ? { file: entry } : entry;
      pages.set(route, { ...load(path.join(path.dirname(file), path.basename(name))), signedOutOnly });
    }
  }
  return {
    send(req, reply) {
      const pathname = req.url.split('?')[0];
      const page = pages.get(pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname);
      const signedIn = Boolean(req.cookies?.[SESSION_COOKIE]); // (@fastify/cookie parses them before the route)
      const doc = page && !(page.signedOutOnly && signedIn) ? page : shell;
      const encoding = negotiate(req.headers['accept-encoding'] ?? 'identity', ENCODINGS) ?? 'identity';
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').header('vary', page?.signedOutOnly ? 'accept-encoding, cookie' : 'accept-encoding').header('etag', doc.etag);
      if (req.headers['if-none-match'] === doc.etag) return reply.code(304).send();
      if (encoding !== 'identity') reply.header('content-encoding', encoding);
      return reply.send(doc.bodies[encoding]);
    },
  };
}
