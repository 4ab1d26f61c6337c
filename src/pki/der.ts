// DER (X.690) at the byte level, for the signing path: encoding a TLV from its contents, and reading
// the TLVs of a buffer without building an object tree. asn1js/pkijs (cms.ts, timestamp.ts) stay for
// checking documents; building a signature with them cost ~20 ms of the ~25 ms of a PAdES signature
// with its time-stamp (bench/README.md, bench:certificate). Pure.

export const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

/** Context-specific tag [n]: constructed (EXPLICIT, or IMPLICIT over a constructed type) or primitive. */
export const context = (n: number, constructed = true): number => (constructed ? 0xa0 : 0x80) | n;

function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return Buffer.from([0x80 | out.length, ...out]);
}

/** One TLV: the tag, the length of the contents, the contents. */
export function tlv(tag: number, ...contents: Uint8Array[]): Buffer {
  const body = contents.length === 1 ? contents[0] : Buffer.concat(contents);
  return Buffer.concat([Buffer.from([tag]), lengthBytes(body.length), body]);
}

export const seq = (...items: Uint8Array[]): Buffer => tlv(TAG.sequence, ...items);

/** SET OF in DER order: the encodings sorted as byte strings (X.690 11.6). */
export function setOf(...items: Uint8Array[]): Buffer {
  return tlv(TAG.set, ...[...items].sort((a, b) => Buffer.compare(a, b)));
}

export const octets = (b: Uint8Array): Buffer => tlv(TAG.octetString, b);

const oidCache = new Map<string, Buffer>();
/** An OBJECT IDENTIFIER from its dotted form. */
export function oid(dotted: string): Buffer {
  let hit = oidCache.get(dotted);
  if (hit) return hit;
  const arcs = dotted.split('.').map(Number);
  if (arcs.length < 2 || arcs.some((a) => !Number.isSafeInteger(a) || a < 0)) throw new TypeError(`not an OID: ${dotted}`);
  const bytes: number[] = [];
  for (const arc of [arcs[0] * 40 + arcs[1], ...arcs.slice(2)]) {
    const group: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) group.unshift(0x80 | (v & 0x7f));
    bytes.push(...group);
  }
  hit = tlv(TAG.oid, Buffer.from(bytes));
  oidCache.set(dotted, hit);
  return hit;
}

/** A non-negative INTEGER from its big-endian magnitude (leading zeros dropped, a zero added when the top bit is set). */
export function unsignedInteger(magnitude: Uint8Array): Buffer {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  return m.length && m[0] & 0x80 ? tlv(TAG.integer, Buffer.from([0]), m) : tlv(TAG.integer, m.length ? m : Buffer.from([0]));
}

export const smallInteger = (n: number): Buffer => {
  if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffff) throw new RangeError('a small non-negative integer');
  return unsignedInteger(Buffer.from([n >> 16, (n >> 8) & 0xff, n & 0xff]));
};

/** GeneralizedTime YYYYMMDDHHMMSSZ (whole seconds, UTC), as RFC 3161 and RFC 5280 want it. */
export function generalizedTime(d: Date): Buffer {
  const text = d.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:T]/g, '');
  return tlv(TAG.generalizedTime, Buffer.from(text, 'latin1'));
}

/** A TLV read from a buffer: where its header starts, where its contents start and end. */
export type Node = { tag: number; start: number; contentStart: number; end: number };

/** Reads the TLV at `at` (DER: definite lengths only); throws on a truncated or indefinite one. */
export function readNode(buf: Uint8Array, at = 0, limit = buf.length): Node {
  if (at + 2 > limit) throw new TypeError('DER: truncated');
  const tag = buf[at];
  if ((tag & 0x1f) === 0x1f) throw new TypeError('DER: high tag numbers are not used here');
  let len = buf[at + 1];
  let p = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > limit) throw new TypeError('DER: bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i];
    p += n;
  }
  if (p + len > limit) throw new TypeError('DER: truncated');
  return { tag, start: at, contentStart: p, end: p + len };
}

/** The TLVs inside a constructed one. */
export function childrenOf(buf: Uint8Array, node: Node): Node[] {
  const out: Node[] = [];
  for (let at = node.contentStart; at < node.end; ) {
    const child = readNode(buf, at, node.end);
    out.push(child);
    at = child.end;
  }
  return out;
}

/** Reads one TLV that must have `tag`. */
export function expect(buf: Uint8Array, node: Node | undefined, tag: number, what: string): Node {
  if (!node || node.tag !== tag) throw new TypeError(`DER: expected ${what}`);
  return node;
}

export const bytesOf = (buf: Uint8Array, node: Node): Buffer => Buffer.from(buf.buffer, buf.byteOffset + node.start, node.end - node.start);
export const contentsOf = (buf: Uint8Array, node: Node): Buffer => Buffer.from(buf.buffer, buf.byteOffset + node.contentStart, node.end - node.contentStart);
