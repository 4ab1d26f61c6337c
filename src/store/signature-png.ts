// The customer's on-screen signature arrives as a PNG. "A real PNG" here means: the PNG signature,
// well-formed chunks whose CRCs match, a valid IHDR first, IDAT data that inflates to exactly the
// size the header announces, and IEND last. Small and bounded (no decompression bombs). Pure.
import zlib from 'node:zlib';
import { AppError } from '../shared/errors.ts';
import { decodeBase64 } from './documents.ts';
import { MAX_SIGNATURE_BYTES } from '../shared/body-limits.ts';

export { MAX_SIGNATURE_BYTES } from '../shared/body-limits.ts';
export const MAX_SIGNATURE_SIDE = 4096;

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const BIT_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
// Adam7 passes: [x start, y start, x step, y step].
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];

export interface SignatureImage { bytes: Buffer; width: number; height: number }

const invalid = (reason: string, message: string) =>
  new AppError('invalid_document', `The signature is not a valid PNG image: ${message}`, { field: 'signaturePng', reason });

/** Bytes of filtered scanlines the IDAT stream must inflate to. */
function expectedDataLength(width: number, height: number, bitsPerPixel: number, interlaced: boolean): number {
  const rowBytes = (w: number) => 1 + Math.ceil((w * bitsPerPixel) / 8);
  if (!interlaced) return height * rowBytes(width);
  let total = 0;
  for (const [x0, y0, dx, dy] of ADAM7) {
    const w = Math.ceil((width - x0) / dx);
    const h = Math.ceil((height - y0) / dy);
    if (w > 0 && h > 0) total += h * rowBytes(w);
  }
  return total;
}

/** Checks the PNG and returns its bytes and size; throws invalid_document (field signaturePng) otherwise. */
export function checkSignaturePng(base64: string): SignatureImage {
  const bytes = decodeBase64(base64);
  if (!bytes) throw invalid('not_base64', 'the content is not base64.');
  if (bytes.length > MAX_SIGNATURE_BYTES) throw invalid('too_large', `it is larger than ${MAX_SIGNATURE_BYTES / 1024} KB.`);
  if (!bytes.subarray(0, 8).equals(PNG_MAGIC)) throw invalid('not_png', 'it does not start with the PNG signature.');

  let offset = 8;
  let header: { width: number; height: number; bitDepth: number; colorType: number; interlaced: boolean } | null = null;
  let sawPalette = false;
  let ended = false;
  const idat: Buffer[] = [];
  while (offset < bytes.length) {
    if (ended) throw invalid('data_after_iend', 'there is data after the IEND chunk.');
    if (offset + 12 > bytes.length) throw invalid('truncated', 'a chunk is cut short.');
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    if (!/^[A-Za-z]{4}$/.test(type)) throw invalid('bad_chunk', 'a chunk has an invalid type.');
    if (offset + 12 + length > bytes.length) throw invalid('truncated', `the ${type} chunk is cut short.`);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    const crc = bytes.readUInt32BE(offset + 8 + length);
    if (zlib.crc32(bytes.subarray(offset + 4, offset + 8 + length)) !== crc) throw invalid('bad_crc', `the ${type} chunk's checksum does not match.`);
    if (!header && type !== 'IHDR') throw invalid('no_ihdr', 'the first chunk is not IHDR.');
    if (type === 'IHDR') {
      if (header) throw invalid('bad_chunk', 'there are two IHDR chunks.');
      if (length !== 13) throw invalid('bad_ihdr', 'the IHDR chunk has the wrong length.');
      const [bitDepth, colorType, compression, filter, interlace] = [data[8], data[9], data[10], data[11], data[12]];
      header = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), bitDepth, colorType, interlaced: interlace === 1 };
      if (!(colorType in CHANNELS) || !BIT_DEPTHS[colorType].includes(bitDepth) || compression !== 0 || filter !== 0 || interlace > 1) {
        throw invalid('bad_ihdr', 'the IHDR chunk describes an impossible image.');
      }
      if (header.width < 1 || header.height < 1 || header.width > MAX_SIGNATURE_SIDE || header.height > MAX_SIGNATURE_SIDE) {
        throw invalid('bad_size', `the image must be 1 to ${MAX_SIGNATURE_SIDE} pixels on each side.`);
      }
    } else if (type === 'PLTE') {
      sawPalette = true;
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      ended = true;
    }
    offset += 12 + length;
  }
  if (!header) throw invalid('no_ihdr', 'there is no IHDR chunk.');
  if (!ended) throw invalid('no_iend', 'the image has no IEND chunk (it is cut short).');
  if (idat.length === 0) throw invalid('no_data', 'the image has no pixel data.');
  if (header.colorType === 3 && !sawPalette) throw invalid('no_palette', 'a palette image has no PLTE chunk.');

  const expected = expectedDataLength(header.width, header.height, CHANNELS[header.colorType] * header.bitDepth, header.interlaced);
  let inflated: Buffer;
  try {
    inflated = zlib.inflateSync(Buffer.concat(idat), { maxOutputLength: expected + 1 });
  } catch {
    throw invalid('bad_data', 'the pixel data does not decompress.');
  }
  if (inflated.length !== expected) throw invalid('bad_data', 'the pixel data does not match the image size.');
  return { bytes, width: header.width, height: header.height };
}
