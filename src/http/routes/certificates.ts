import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../shared/errors.ts';
import { sameIdCustomerIds } from '../../lines/list-my-lines.ts';
import { publicKeys, publicKeysPem } from '../../certificates/signing-keys.ts';
import { verifyCertificateBySerial, verifyCertificatePdf } from '../../certificates/verify-certificate.ts';
import { retrieveCertificate } from '../../certificates/retrieve-certificate.ts';
import { MAX_UPLOAD_BYTES, pdfFromUpload } from '../../certificates/pdf-upload.ts';
import { clientIp } from '../session.ts';
import { SESSION_COOKIE } from '../../identity/sessions.ts';
import { rootCertificates } from '../../pki/pki-store.ts';
import { consistencyProofBetween, inclusionProofFor, signedTreeHead } from '../../certificates/transparency-log.ts';
import { errors } from '../schemas.ts';
import { CertificateCheckBySerialSchema, type CertificateCheckBySerial } from '../certificate-schemas.ts';

const CodeQuery = Type.Object({ c: Type.Optional(Type.String({ maxLength: 64, description: 'The verification code printed on the certificate (its QR code carries it)' })) });

function sendPdf(reply: FastifyReply, serial: string, pdf: Buffer) {
  return reply.type('application/pdf').header('cache-control', 'private, no-store')
    .header('content-disposition', `attachment; filename="${serial}.pdf"`).send(pdf);
}

export async function certificateRoutes(api: FastifyInstance, ctx: AppContext): Promise<void> {
  const tags = ['certificates'];

  async function carrierFilter(carrier: string | undefined): Promise<string | undefined> {
    if (carrier === undefined || carrier === '') return undefined;
    const c = carrier.trim().toLowerCase();
    const known = await ctx.db.selectFrom('carriers').select('code').where('code', '=', c as never).executeTakeFirst();
    if (!known) throw new AppError('not_found', `No carrier has the code ${carrier}; the codes are at /api/v1/certificates/public-key.`);
    return c;
  }

  api.get('/certificates/public-key', {
    schema: { tags, summary: 'The Ed25519 public keys certificates are signed with (one per carrier)', querystring: Type.Object({ carrier: Type.Optional(Type.String()) }) },
  }, async (req) => {
    const carrier = (req.query as { carrier?: string }).carrier;
    const keys = (await publicKeys(ctx.db)).filter((k) => !carrier || k.carrier === carrier);
    return { algorithm: 'ed25519', keys };
  });

  api.get('/certificates/public-keys.pem', {
    schema: {
      tags,
      summary: 'Every public key (active and retired) as PEM, each after a comment line naming its carrier and key id; for `zhuxiao verify --public-key/--keys-url`',
      querystring: Type.Object({ carrier: Type.Optional(Type.String({ maxLength: 32 })) }),
      response: errors(404),
    },
  }, async (req, reply) => {
    const pem = await publicKeysPem(ctx.db, await carrierFilter((req.query as { carrier?: string }).carrier));
    return reply.type('application/x-pem-file; charset=utf-8').header('content-disposition', 'inline; filename="zhuxiao-public-keys.pem"').send(pem);
  });

  api.get('/certificates/ca.pem', {
    schema: { tags, summary: 'The root CA certificate(s) the certificates\' PAdES signatures chain to (PEM): add it to a PDF reader\'s trust store, or pass it to `zhuxiao verify --root`' },
  }, async (_req, reply) => {
    const pem = (await rootCertificates(ctx.db)).join('');
    return reply.type('application/x-pem-file; charset=utf-8').header('content-disposition', 'inline; filename="zhuxiao-root-ca.pem"').send(pem);
  });

  api.get('/certificates/log/tree-head', {
    schema: { tags, summary: 'The transparency log\'s signed tree head (size, root hash, time, ECDSA signature, the log\'s certificate from the root CA): save it to check inclusion later' },
  }, async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    return signedTreeHead(ctx);
  });

  api.get('/certificates/log/inclusion/:serial', {
    schema: {
      tags,
      summary: 'The inclusion proof (RFC 9162) of a certificate in the log, for the current tree or ?treeSize=N (a saved tree head\'s size)',
      params: Type.Object({ serial: Type.String({ maxLength: 64 }) }),
      querystring: Type.Object({ treeSize: Type.Optional(Type.Integer({ minimum: 1 })) }),
      response: errors(400, 404),
    },
  }, async (req) => {
    const serial = (req.params as { serial: string }).serial.toUpperCase();
    return inclusionProofFor(ctx, serial, (req.query as { treeSize?: number }).treeSize);
  });

  api.get('/certificates/log/consistency', {
    schema: {
      tags,
      summary: 'A consistency proof (RFC 9162) that the log of size `first` is a prefix of the log of size `second` (default: now)',
      querystring: Type.Object({ first: Type.Integer({ minimum: 1 }), second: Type.Optional(Type.Integer({ minimum: 1 })) }),
      response: errors(400),
    },
  }, async (req) => {
    const q = req.query as { first: number; second?: number };
    return consistencyProofBetween(ctx, q.first, q.second);
  });

  // The upload parsers only apply to this route (an encapsulated scope).
  await api.register(async (scope) => {
    const asBuffer = { parseAs: 'buffer' as const, bodyLimit: MAX_UPLOAD_BYTES };
    scope.addContentTypeParser(['application/pdf', 'application/octet-stream', 'multipart/form-data'], asBuffer, (_req, body, done) => done(null, body));
    scope.post('/certificates/verify', {
      bodyLimit: MAX_UPLOAD_BYTES,
      schema: {
        tags,
        summary: 'Verify a certificate PDF: the file as the body (application/pdf) or as a multipart/form-data file (at most 2 MB). A valid file gets back its own facts.',
        response: errors(400, 413),
      },
    }, async (req, reply) => {
      const file = Buffer.isBuffer(req.body) ? pdfFromUpload(req.body, String(req.headers['content-type'] ?? '')) : undefined;
      if (!file || file.length === 0) {
        throw new AppError('bad_request', 'Send the certificate PDF as the body (Content-Type: application/pdf), or as a file in a multipart/form-data form.');
      }
      reply.header('cache-control', 'no-store');
      return verifyCertificatePdf(ctx, file);
    });
  });

  api.post('/certificates/retrieve', {
    schema: {
      tags,
      summary: 'Get a certificate again with the request reference (受理编号) and the last 6 characters of the owner\'s ID document; answers the PDF',
      body: Type.Object({ reference: Type.String({ minLength: 1, maxLength: 64 }), idLast6: Type.String({ minLength: 1, maxLength: 16 }) }),
      response: errors(400, 404, 429),
    },
  }, async (req, reply) => {
    const { reference, idLast6 } = req.body as { reference: string; idLast6: string };
    const r = await retrieveCertificate(ctx, { reference, idLast6, ip: clientIp(req) });
    return sendPdf(reply, r.serial, r.pdf);
  });

  api.get('/certificates/:serial/verify', {
    // A public check (no session) asked before is answered from the verify cache as it was sent:
    // no validation, input walk, handler or serialisation again. The app's hooks (security headers,
    // metrics) run as for any request; the URL is byte for byte one that passed them all before.
    onRequest: (req, reply, done) => {
      const body = req.cookies[SESSION_COOKIE] === undefined ? ctx.verifyCache?.answer(req.url) : undefined;
      if (body === undefined) return done();
      void reply.header('cache-control', 'private, no-store').type('application/json; charset=utf-8').send(body);
    },
    schema: {
      tags,
      summary: 'Check a certificate by serial. Without its verification code: only whether it exists. With the code: validity, carrier, masked number, date. The owner and staff: every fact.',
      params: Type.Object({ serial: Type.String({ maxLength: 64 }) }),
      querystring: CodeQuery,
      response: { 200: CertificateCheckBySerialSchema, ...errors(404) },
    },
  }, async (req, reply) => {
    reply.header('cache-control', 'private, no-store');
    const generation = ctx.verifyCache?.generation ?? 0;
    const answer: CertificateCheckBySerial = await verifyCertificateBySerial(ctx, (req.params as { serial: string }).serial, { code: (req.query as { c?: string }).c, principal: req.principal });
    if (!ctx.verifyCache || req.cookies[SESSION_COOKIE] !== undefined || answer.access !== 'code' || answer.valid !== true) return answer;
    // Kept as the route's own serialiser (its 200 schema) writes it; sent as usual.
    ctx.verifyCache.keepAnswer(req.url, String(reply.serialize(answer)), generation);
    return answer;
  });

  api.get('/certificates/:file', {
    schema: {
      tags,
      summary: 'GET /certificates/{serial}: the same check as /certificates/{serial}/verify. GET /certificates/{serial}.pdf: download the PDF (the owner or staff).',
      params: Type.Object({ file: Type.String({ maxLength: 80 }) }),
      querystring: CodeQuery,
      response: errors(401, 404),
    },
  }, async (req, reply) => {
    const file = (req.params as { file: string }).file;
    if (!file.toLowerCase().endsWith('.pdf')) {
      reply.header('cache-control', 'private, no-store');
      return verifyCertificateBySerial(ctx, file, { code: (req.query as { c?: string }).c, principal: req.principal });
    }
    const serial = file.slice(0, -4).toUpperCase();
    const p = req.principal;
    if (!p) throw new AppError('unauthenticated', 'Sign in to download your certificate, or get it again with your request reference at /certificate/retrieve.');
    const row = await ctx.db.selectFrom('certificates as c').innerJoin('cancellation_requests as r', 'r.id', 'c.request_id')
      .select(['c.pdf', 'r.customer_id']).where('c.serial', '=', serial).executeTakeFirst();
    if (!row) throw new AppError('not_found', 'No certificate has that serial.');
    if (p.kind === 'subscriber') {
      if (!p.realNameVerified) throw new AppError('real_name_required', 'Confirm your identity first.');
      if (!(await sameIdCustomerIds(ctx.db, p.customerId)).includes(row.customer_id)) throw new AppError('not_found', 'No certificate of yours has that serial.');
    }
    return sendPdf(reply, serial, Buffer.from(row.pdf));
  });
}
