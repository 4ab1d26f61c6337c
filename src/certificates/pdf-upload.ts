// The certificate file in an upload to POST /certificates/verify: the raw body (application/pdf or
// application/octet-stream), or the first file of a multipart/form-data body (a browser form, or
// `curl -F file=@certificate.pdf`). Pure: no I/O.

export const MAX_UPLOAD_BYTES = 2 * 1024 * 1024; // a certificate is about 100 kB

const CRLF2 = Buffer.from('\r\n\r\n', 'latin1');

/** The uploaded file's bytes; undefined when a multipart body carries no file part. */
export function pdfFromUpload(body: Buffer, contentType: string): Buffer | undefined {
  const type = contentType.split(';')[0].trim().toLowerCase();
  if (type !== 'multipart/form-data') return body;
  const boundary = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`, 'latin1');
  let at = body.indexOf(delimiter);
  let first: Buffer | undefined;
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString('latin1') === '--') break; // closing delimiter
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n', 'latin1'), delimiter]), start);
    if (next < 0) break;
    const part = body.subarray(start + 2, next); // after the CRLF that ends the delimiter line
    const headerEnd = part.indexOf(CRLF2);
    if (headerEnd >= 0) {
      const headers = part.subarray(0, headerEnd).toString('latin1');
      const content = part.subarray(headerEnd + 4);
      const disposition = /^content-disposition:(.*)$/im.exec(headers)?.[1] ?? '';
      if (/\bfilename\*?=/i.test(disposition)) return content;
      first ??= /\bname="?file"?/i.test(disposition) ? content : undefined;
    }
    at = next + 2;
  }
  return first;
}
