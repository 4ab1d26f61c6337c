// The signed agreement PDF again, exactly as it was produced at the counter (stored sealed).
import type { AppContext } from '../context.ts';
import { AppError } from '../shared/errors.ts';
import { assertCanReadStoreRequest, type StaffViewer } from './store-access.ts';

export async function downloadAgreementPdf(ctx: AppContext, viewer: StaffViewer, requestId: string): Promise<Buffer> {
  await assertCanReadStoreRequest(ctx, viewer, requestId);
  const a = await ctx.db.selectFrom('store_agreements').select('pdf_enc').where('request_id', '=', requestId).executeTakeFirst();
  if (!a) throw new AppError('not_found', 'This request has no signed agreement.');
  return Buffer.from(ctx.vault.decrypt(a.pdf_enc), 'base64');
}
