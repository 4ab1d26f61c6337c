import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../shared/errors.ts';
import { sameIdCustomerIds } from '../../lines/list-my-lines.ts';
import { publicKeys } from '../../certificates/signing-keys.ts';
import { verifyCertificateBySerial, verifyCertificatePdf } from '../../certificates/verify-certificate.ts';
import { errors } from '../schemas.ts';

export async function certificateRoutes(api: FastifyInstance, ctx: AppContext): Promise<void> {
  const tags = ['certificates'];
  api.addContentTypeParser('application/pdf', { parseAs: 'buffer', bodyLimit: 5 * 1024 * 1024 }, (_req, body, done) => done(null, body));

  api.get('/certificates/public-key', {
    schema: { tags, summary: 'The Ed25519 public keys certificates are signed with (one per carrier)', querystring: Type.Object({ carrier: Type.Optional(Type.String()) }) },
  }, async (req) => {
    const carrier = (req.query as { carrier?: string }).carrier;
    const keys = (await publicKeys(ctx.db)).filter((k) => !carrier || k.carrier === carrier);
    return { algorithm: 'ed25519', keys };
  });

  api.post('/certificates/verify', {
    schema: { tags, summary: 'Verify a certificate PDF (send the file as application/pdf)', response: errors(400) },
  }, async (req) => {
    if (!Buffer.isBuffer(req.body)) throw new AppError('bad_request', 'Send the certificate PDF as the body, with Content-Type: application/pdf.');
    return verifyCertificatePdf(ctx, req.body);
  });

  api.get('/certificates/:serial/verify', {
    schema: { tags, summary: 'Public check of a certificate by serial: validity and masked facts', params: Type.Object({ serial: Type.String({ maxLength: 64 }) }), response: errors(404) },
  }, async (req) => verifyCertificateBySerial(ctx, (req.params as { serial: string }).serial));

  api.get('/certificates/:file', {
    schema: { tags, summary: 'Download a certificate PDF: /certificates/{serial}.pdf (the owner or staff)', params: Type.Object({ file: Type.String({ maxLength: 80 }) }), response: errors(401, 404) },
  }, async (req, reply) => {
    const file = (req.params as { file: string }).file;
    if (!file.endsWith('.pdf')) throw new AppError('not_found', 'Certificates are at /api/v1/certificates/{serial}.pdf.');
    const serial = file.slice(0, -4).toUpperCase();
    const p = req.principal;
    if (!p) throw new AppError('unauthenticated', 'Sign in to download your certificate.');
    const row = await ctx.db.selectFrom('certificates as c').innerJoin('cancellation_requests as r', 'r.id', 'c.request_id')
      .select(['c.pdf', 'r.customer_id']).where('c.serial', '=', serial).executeTakeFirst();
    if (!row) throw new AppError('not_found', 'No certificate has that serial.');
    if (p.kind === 'subscriber') {
      if (!p.realNameVerified) throw new AppError('real_name_required', 'Confirm your identity first.');
      if (!(await sameIdCustomerIds(ctx.db, p.customerId)).includes(row.customer_id)) throw new AppError('not_found', 'No certificate of yours has that serial.');
    }
    return reply.type('application/pdf').header('content-disposition', `attachment; filename="${serial}.pdf"`).send(Buffer.from(row.pdf));
  });
}
