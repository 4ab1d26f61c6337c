// PNG files built by hand for the tests that send a signature (the counter's signature pad sends an
// RGBA PNG): a stroke on a transparent canvas, and the broken variants the server must refuse.
import zlib from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One chunk: length, type, data, CRC-32 over type and data. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(zlib.crc32(body), 8 + data.length);
  return out;
}

export interface PngFaults { corruptCrc?: boolean; truncate?: boolean; shortData?: boolean }

/**
 * An 8-bit RGBA PNG of `width` × `height`, each pixel from `pixel(x, y)` (0xRRGGBBAA). The faults
 * make it one the server must refuse: a wrong CRC on the image data, a cut file, image data too short.
 */
export function rgbaPng(width: number, height: number, pixel: (x: number, y: number) => number, faults: PngFaults = {}): Buffer {
  const stride = 1 + width * 4; // a filter byte (0, none) then the pixels of each row
  const raw = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw.writeUInt32BE(pixel(x, y) >>> 0, y * stride + 1 + x * 4);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  const idat = pngChunk('IDAT', zlib.deflateSync(faults.shortData ? raw.subarray(0, raw.length - 10) : raw));
  if (faults.corruptCrc) idat[idat.length - 1] ^= 0xff;
  const file = Buffer.concat([SIGNATURE, pngChunk('IHDR', ihdr), idat, pngChunk('IEND', Buffer.alloc(0))]);
  return faults.truncate ? file.subarray(0, file.length - 20) : file;
}

/** A signature-like wavy stroke on a transparent canvas, as the signature pad produces. */
export function signaturePng(width = 240, height = 80): Buffer {
  return rgbaPng(width, height, (x, y) => (Math.abs(y - (height / 2 + Math.sin(x / 12) * height * 0.3)) < 2 ? 0x101030ff : 0));
}
