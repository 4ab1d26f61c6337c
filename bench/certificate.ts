// Benchmark: the certificate. (1) Render + sign, as issueCertificate does it (the bilingual page,
// QR code, seal, facts signature, PAdES signature with the TSA's time-stamp) per second, next to a
// bare pdfkit page set in the same bundled font. (2) Checking a certificate over HTTP (the verify
// API with the code from the QR link, and the verify page the link opens), requests per second next
// to a bare Fastify hello, the load generator in a process of its own. See bench/README.md.
//
//   npm run bench:certificate                          # embedded PGlite in a temporary directory
//   DATABASE_URL=postgres://… npm run bench:certificate  # a fresh database on that server
//
// The three PDF runs (bare page, certificate, page alone) take turns, a few documents at a time.
// Tuning (environment): BENCH_SECONDS (5 per PDF run, 10 per HTTP run), BENCH_CONNECTIONS (50),
// BENCH_CERTIFICATES (20 real certificates to verify). Ends with one JSON line of figures.
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Fastify from 'fastify';
import PDFDocument from 'pdfkit';
import { loadConfig, type Config } from '../src/config.ts';
import { startServer } from '../src/http/server.ts';
import { CERTIFICATE_FONT_URL, renderCertificatePdf } from '../src/certificates/certificate-pdf.ts';
import type { CertificateFacts } from '../src/certificates/facts.ts';
import { formatFactsSignature, signCertificatePdf, signPayload } from '../src/certificates/signing.ts';
import { activeSigningKey } from '../src/certificates/signing-keys.ts';
import { activeIdentity } from '../src/pki/pki-store.ts';
import { makeSerial } from '../src/certificates/serial.ts';
import { certificateVerifyUrl, generateVerifyCode } from '../src/certificates/verify-code.ts';
import { readInfoString } from '../src/certificates/pdf-info.ts';
import { executeCancellation } from '../src/cancellation/execute-cancellation.ts';
import { emitFigures, freshDatabase, insertApprovedRequests, log, profiled, ROOT, round, runInChild } from './common.ts';
import type { LoadResult, PlainSpec } from './load.ts';

const PDF_SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const HTTP_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const CERTIFICATES = Number(process.env.BENCH_CERTIFICATES ?? 20);

type Rate = { perSecond: number; runs: number; cpuMs: number };

/**
 * Runs each function in turn, a few runs at a time, for `seconds` each in all (after a short
 * warm-up), so a change in the machine's load (other processes share its 2 cores) falls on all of
 * them alike; returns runs per second and the CPU ms of each run, per function.
 */
async function interleaved<K extends string>(seconds: number, fns: Record<K, (i: number) => Promise<unknown>>): Promise<Record<K, Rate>> {
  const keys = Object.keys(fns) as K[];
  const acc = Object.fromEntries(keys.map((k) => [k, { runs: 0, ms: 0, cpuUs: 0 }])) as Record<K, { runs: number; ms: number; cpuUs: number }>;
  for (const k of keys) for (let i = 0; i < 5; i++) await fns[k](i);
  const SLICE = 4;
  let i = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * keys.length * 1000) {
    for (const k of keys) {
      const cpu = process.cpuUsage();
      const t = performance.now();
      for (let j = 0; j < SLICE; j++) await fns[k](i++);
      const used = process.cpuUsage(cpu);
      acc[k].ms += performance.now() - t;
      acc[k].cpuUs += used.user + used.system;
      acc[k].runs += SLICE;
    }
  }
  return Object.fromEntries(keys.map((k) => [k, { perSecond: acc[k].runs / (acc[k].ms / 1000), runs: acc[k].runs, cpuMs: acc[k].cpuUs / 1000 / acc[k].runs }])) as Record<K, Rate>;
}

/** Runs `fn` back to back for `seconds` (the CPU profile's run). */
async function backToBack(seconds: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  const t0 = performance.now();
  for (let i = 0; performance.now() - t0 < seconds * 1000; i++) await fn(i);
}

const FONT = fs.readFileSync(CERTIFICATE_FONT_URL);

/** profiled(), into BENCH_CPU_PROFILE with `.<name>` before its extension (the server's side of an HTTP run). */
async function profiledAs<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const file = process.env.BENCH_CPU_PROFILE;
  if (!file) return fn();
  process.env.BENCH_CPU_PROFILE = file.replace(/(\.cpuprofile)?$/, `.${name}$1`);
  try {
    return await profiled(fn);
  } finally {
    process.env.BENCH_CPU_PROFILE = file;
  }
}

/** The baseline: one A4 page, a line of Chinese and English in the bundled font (embedded as a subset), to bytes. */
function barePage(): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 0, font: '', autoFirstPage: false });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Uint8Array) => chunks.push(Buffer.from(c)));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('cjk', FONT);
  doc.addPage({ size: 'A4', margin: 0 });
  doc.font('cjk').fontSize(12).text('注销证明 Certificate of cancellation', 56, 56);
  doc.end();
  return done;
}

async function main(): Promise<void> {
  const started = performance.now();
  const fresh = await freshDatabase('cert');
  const config: Config = {
    ...loadConfig({}), port: 0, host: '127.0.0.1', databaseUrl: fresh.url, dataDir: fresh.dataDir, dev: true, logLevel: 'warn',
    // Workers on, so the SM-DP+ simulator knows the eSIM profiles (the steps run here, not by jobs).
    publicBaseUrl: 'http://127.0.0.1:3000', workers: true,
  };
  log(`database: ${fresh.kind === 'postgres' ? 'PostgreSQL (fresh database)' : 'PGlite (temporary directory)'}`);
  const server = await startServer(config, { demoCustomers: Math.max(200, CERTIFICATES * 2), logger: false });
  const hello = Fastify({ logger: false });
  try {
    const { ctx } = server;
    // (1) Render + sign: what issueCertificate does between its reads and its inserts.
    const carrier = await ctx.db.selectFrom('carriers').selectAll().where('code', '=', 'cmcc').executeTakeFirstOrThrow();
    const key = await activeSigningKey(ctx, ctx.db, carrier.code);
    const signer = await activeIdentity(ctx, 'carrier', carrier.code);
    const completedAt = new Date();
    const render = async (i: number) => {
      const serial = makeSerial(carrier.code, completedAt, (i % 999_999) + 1);
      const code = generateVerifyCode();
      const facts: CertificateFacts = {
        serial, carrierCode: carrier.code, carrierNameZh: carrier.name_zh, carrierNameEn: carrier.name_en,
        maskedMsisdn: `138****${String(1000 + (i % 9000))}`, maskedIccid: '898600**********1234', formFactor: i % 3 ? 'physical' : 'esim', channel: i % 2 ? 'online' : 'store',
        completedAt: completedAt.toISOString(), refundFen: 1234 + i, refundRoute: 'original', refundRouteLabelZh: '原路退回', refundRouteLabelEn: 'Back to the original payment',
        requestId: crypto.randomUUID(), reference: `ZX${String(100000000000 + i)}`, holderName: '张*', keyId: key.keyId,
      };
      const signed = signPayload(facts, key.privateKeyPem, key.keyId);
      return renderCertificatePdf(facts, {
        verifyUrl: certificateVerifyUrl(config.publicBaseUrl, serial, code), verifyCode: code, factsSignature: formatFactsSignature(key.keyId, signed.signature),
        signature: { name: carrier.name_en, reason: `注销证明 Certificate of cancellation ${serial}`, location: 'CN', signingTime: completedAt },
      });
    };
    const renderAndSign = async (i: number) => signCertificatePdf(await render(i), signer, (req) => ctx.adapters.tsa.timestamp(req));
    const sample = await renderAndSign(0);
    const { bare, cert, renderOnly } = await interleaved(PDF_SECONDS, { bare: () => barePage(), cert: renderAndSign, renderOnly: render });
    if (process.env.BENCH_CPU_PROFILE) await profiled(() => backToBack(PDF_SECONDS, renderAndSign));
    const pdfRatio = cert.perSecond / bare.perSecond;
    log(`bare pdfkit page, same font            ${bare.perSecond.toFixed(1).padStart(8)} /s   (${bare.cpuMs.toFixed(1)} ms CPU each, ${(await barePage()).length} bytes)`);
    log(`certificate render + sign              ${cert.perSecond.toFixed(1).padStart(8)} /s   (${cert.cpuMs.toFixed(1)} ms CPU each, ${sample.length} bytes)`);
    log(`  of which the page (render only)      ${renderOnly.perSecond.toFixed(1).padStart(8)} /s   (${renderOnly.cpuMs.toFixed(1)} ms CPU each); the PAdES signature and time-stamp ${(cert.cpuMs - renderOnly.cpuMs).toFixed(1)} ms (the TSA simulator answers in this process)`);
    log(`ratio certificate / bare page          ${pdfRatio.toFixed(3)} (goal ≥ 0.5); render only ${(renderOnly.perSecond / bare.perSecond).toFixed(3)}`);

    // (2) Verifying over HTTP: real certificates, issued by the execution steps.
    const ids = await insertApprovedRequests(ctx.db, CERTIFICATES);
    for (const id of ids) await executeCancellation(ctx, id);
    const certs = await ctx.db.selectFrom('certificates').select(['serial', 'pdf']).execute();
    const links = certs.map((c) => new URL(readInfoString(c.pdf, 'ZhuxiaoVerifyURL')!)).map((u) => ({ serial: u.pathname.split('/').pop()!, code: u.searchParams.get('c')! }));
    if (!links.length) throw new Error('no certificate was issued');
    // The baseline answers the same URLs (a path parameter and the code in the query), so the load
    // generator does the same work per request for both: given a list of paths, autocannon builds
    // each request anew, which on two cores costs the generator more than a fixed one (the bare
    // hello on one fixed URL is printed too, for the record).
    hello.get('/hello', async () => ({ hello: 'world' }));
    hello.get('/hello/:serial/verify', async () => ({ hello: 'world' }));
    await hello.listen({ port: 0, host: '127.0.0.1' });
    const helloOrigin = `http://127.0.0.1:${(hello.server.address() as { port: number }).port}`;
    const plain = (url: string, paths?: string[]): PlainSpec => ({ kind: 'plain', url, paths, connections: CONNECTIONS, seconds: HTTP_SECONDS, warmupSeconds: 2 });
    const fixedBase = await runInChild<LoadResult>('bench/load.ts', plain(`${helloOrigin}/hello`));
    const base = await profiledAs('hello', () => runInChild<LoadResult>('bench/load.ts', plain(helloOrigin, links.map((l) => `/hello/${l.serial}/verify?c=${l.code}`))));
    const api = await profiledAs('verify', () => runInChild<LoadResult>('bench/load.ts', plain(server.url, links.map((l) => `/api/v1/certificates/${l.serial}/verify?c=${l.code}`))));
    const hasPage = fs.existsSync(path.join(ROOT, 'web/dist/index.html'));
    const page = hasPage ? await runInChild<LoadResult>('bench/load.ts', plain(server.url, links.map((l) => `/verify/${l.serial}?c=${l.code}`))) : undefined;
    const line = (what: string, r: LoadResult) => `${what.padEnd(38)} ${r.requestsPerSecond.toFixed(0).padStart(8)} req/s p99 ${r.p99Ms} ms   (non-2xx ${r.non2xx}, errors ${r.errors})`;
    log(line('bare Fastify hello, one fixed URL', fixedBase));
    log(line('bare Fastify hello, the same URLs', base));
    log(line(`GET /api/v1/certificates/:serial/verify`, api));
    if (page) log(line('GET /verify/:serial (the page)', page));
    else log('GET /verify/:serial: web/dist is not built (npm run build:web), page not measured');
    log(`ratio verify API / hello               ${(api.requestsPerSecond / base.requestsPerSecond).toFixed(3)}${page ? `; page / hello ${(page.requestsPerSecond / base.requestsPerSecond).toFixed(3)}` : ''} (goal ≥ 0.7)`);
    log(`total run time ${((performance.now() - started) / 1000).toFixed(1)} s`);
    emitFigures({
      bench: 'certificate', database: fresh.kind,
      pdf: { barePagePerSecond: round(bare.perSecond), barePageCpuMs: round(bare.cpuMs), certificatePerSecond: round(cert.perSecond), certificateCpuMs: round(cert.cpuMs), ratio: round(pdfRatio, 3), bytes: sample.length,
        renderOnlyPerSecond: round(renderOnly.perSecond), renderOnlyCpuMs: round(renderOnly.cpuMs), ratioRenderOnly: round(renderOnly.perSecond / bare.perSecond, 3) },
      http: {
        connections: CONNECTIONS, seconds: HTTP_SECONDS, certificates: links.length,
        helloPerSecond: round(base.requestsPerSecond, 0), helloFixedUrlPerSecond: round(fixedBase.requestsPerSecond, 0), verifyApiPerSecond: round(api.requestsPerSecond, 0), verifyApiP99Ms: api.p99Ms, ratioApi: round(api.requestsPerSecond / base.requestsPerSecond, 3),
        ...(page ? { verifyPagePerSecond: round(page.requestsPerSecond, 0), ratioPage: round(page.requestsPerSecond / base.requestsPerSecond, 3) } : {}),
        non2xx: api.non2xx + (page?.non2xx ?? 0),
      },
    });
  } finally {
    await hello.close();
    await server.close();
    await fresh.drop();
  }
}

await main();
