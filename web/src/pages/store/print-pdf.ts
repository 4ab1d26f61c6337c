// Printing a PDF the server sends as a download (Content-Disposition: attachment): fetch it, show it
// from a blob: URL in a hidden iframe (the browser's PDF viewer then renders it inline), and print
// that frame. Where a browser cannot print a PDF frame, the PDF opens in a new tab instead.
import { ApiError } from '../../api.ts';

let frame: HTMLIFrameElement | null = null;
let objectUrl: string | null = null;

export async function printPdf(url: string): Promise<void> {
  const res = await fetch(url, { credentials: 'same-origin' });
  if (!res.ok) throw new ApiError(res.status, `http_${res.status}`, res.statusText || `HTTP ${res.status}`);
  const blob = new Blob([await res.arrayBuffer()], { type: 'application/pdf' });
  if (objectUrl) URL.revokeObjectURL(objectUrl);
  objectUrl = URL.createObjectURL(blob);
  frame?.remove();
  frame = document.createElement('iframe');
  frame.setAttribute('aria-hidden', 'true');
  frame.style.cssText = 'position:fixed;right:0;bottom:0;width:1px;height:1px;border:0;opacity:0;';
  const src = objectUrl;
  await new Promise<void>((resolve) => {
    frame!.onload = () => {
      try {
        frame!.contentWindow?.focus();
        frame!.contentWindow?.print();
      } catch {
        window.open(src, '_blank', 'noopener');
      }
      resolve();
    };
    frame!.src = src;
    document.body.appendChild(frame!);
  });
}
