// One scanned document of a store request. Documents are personal data: sealed at rest, and every
// opening is audited.
import type { AppContext } from '../context.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { AppError } from '../shared/errors.ts';
import { assertCanReadStoreRequest, type StaffViewer } from './store-access.ts';

export async function openStoreDocument(ctx: AppContext, viewer: StaffViewer, requestId: string, documentId: string): Promise<{ contentType: string; bytes: Buffer }> {
  await assertCanReadStoreRequest(ctx, viewer, requestId);
  const d = await ctx.db.selectFrom('store_documents').select(['id', 'kind', 'content_type', 'content_enc'])
    .where('request_id', '=', requestId).where('id', '=', documentId).executeTakeFirst();
  if (!d) throw new AppError('not_found', 'This request has no document with that id.');
  await appendAudit(ctx.db, { actorKind: 'staff', actorId: viewer.staffId, ip: viewer.ip, action: 'store.document_viewed', requestId, details: { documentId: d.id, kind: d.kind } });
  return { contentType: d.content_type, bytes: Buffer.from(ctx.vault.decrypt(d.content_enc), 'base64') };
}
