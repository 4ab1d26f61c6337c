// Reads one text entry of a PDF's document Info dictionary, e.g. Keywords. Pure: no I/O.
//
// Deliberately small: it handles what pdfkit writes (a classic cross-reference table, no object
// streams, no encryption), which is all a Zhuxiao certificate is. It follows the trailer's
// startxref -> xref table -> /Info reference -> the entry's value (direct or an indirect
// reference), so it never guesses by searching compressed stream bytes. Anything else
// (cross-reference streams, encrypted files, malformed input) gives undefined.

const LATIN1 = 'latin1';

export function readInfoString(pdf: Uint8Array, key: string): string | undefined {
  try {
    const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString(LATIN1);
    const xref = readXref(text);
    if (!xref) return undefined;
    const info = xref.trailer.match(/\/Info\s+(\d+)\s+(\d+)\s+R/);
    if (!info) return undefined;
    const infoDict = readObjectBody(text, xref.offsets, Number(info[1]));
    if (infoDict === undefined || !infoDict.startsWith('<<')) return undefined;
    const entry = findDictValue(infoDict, key);
    if (entry === undefined) return undefined;
    const ref = entry.match(/^(\d+)\s+(\d+)\s+R/);
    const value = ref ? readObjectBody(text, xref.offsets, Number(ref[1])) : entry;
    if (value === undefined) return undefined;
    const bytes = value.startsWith('(') ? parseLiteralString(value) : value.startsWith('<') ? parseHexString(value) : undefined;
    return bytes === undefined ? undefined : decodeTextString(bytes);
  } catch {
    return undefined;
  }
}

type Xref = { offsets: Map<number, number>; trailer: string };

function readXref(text: string): Xref | undefined {
  const sx = text.lastIndexOf('startxref');
  if (sx < 0) return undefined;
  const m = /^startxref\s+(\d+)/.exec(text.slice(sx, sx + 40));
  if (!m) return undefined;
  let pos = Number(m[1]);
  if (text.slice(pos, pos + 4) !== 'xref') return undefined; // xref streams are not supported
  pos += 4;
  const offsets = new Map<number, number>();
  const lineRe = /\s*(\d+) (\d+)\s*|\s*trailer/y;
  // Subsections: "first count" then count entries of "oooooooooo ggggg n|f".
  for (;;) {
    lineRe.lastIndex = pos;
    const head = lineRe.exec(text);
    if (!head) return undefined;
    pos = lineRe.lastIndex;
    if (head[1] === undefined) break; // reached "trailer"
    const first = Number(head[1]);
    const count = Number(head[2]);
    const entryRe = /\s*(\d{10}) (\d{5}) ([nf])/y;
    for (let i = 0; i < count; i++) {
      entryRe.lastIndex = pos;
      const e = entryRe.exec(text);
      if (!e) return undefined;
      pos = entryRe.lastIndex;
      if (e[3] === 'n') offsets.set(first + i, Number(e[1]));
    }
  }
  const trailerEnd = text.indexOf('startxref', pos);
  return { offsets, trailer: text.slice(pos, trailerEnd < 0 ? undefined : trailerEnd) };
}

function readObjectBody(text: string, offsets: Map<number, number>, num: number): string | undefined {
  const at = offsets.get(num);
  if (at === undefined) return undefined;
  const head = new RegExp(`${num}\\s+\\d+\\s+obj\\s*`, 'y');
  head.lastIndex = at;
  if (!head.exec(text)) return undefined;
  const end = text.indexOf('endobj', head.lastIndex);
  if (end < 0) return undefined;
  return text.slice(head.lastIndex, end).trim();
}

/** The raw text from the value of /key onwards, in a dictionary "<< /A x /B y >>" (top level only). */
function findDictValue(dict: string, key: string): string | undefined {
  let i = 2; // after "<<"
  for (;;) {
    i = skipSpace(dict, i);
    if (dict.startsWith('>>', i) || i >= dict.length) return undefined;
    const name = /\/([^\s/<>[\]()%]*)/y;
    name.lastIndex = i;
    const m = name.exec(dict);
    if (!m) return undefined; // not a key where a key must be
    const valueStart = skipSpace(dict, name.lastIndex);
    if (m[1] === key) return dict.slice(valueStart);
    i = skipValue(dict, valueStart);
  }
}

function skipSpace(s: string, i: number): number {
  while (i < s.length && /[\s\0]/.test(s[i])) i++;
  return i;
}

/** Index just after the PDF object starting at i (string, hex string, dictionary, array, name, number, reference, keyword). */
function skipValue(s: string, i: number): number {
  if (s[i] === '(') return skipLiteralString(s, i);
  if (s.startsWith('<<', i) || s[i] === '[') {
    const close = s[i] === '[' ? ']' : '>>';
    i += s[i] === '[' ? 1 : 2;
    for (;;) {
      i = skipSpace(s, i);
      if (i >= s.length) return s.length;
      if (s.startsWith(close, i)) return i + close.length;
      i = skipValue(s, i);
    }
  }
  if (s[i] === '<') {
    const end = s.indexOf('>', i);
    return end < 0 ? s.length : end + 1;
  }
  const token = /\/?[^\s/<>[\]()%]+/y;
  token.lastIndex = i;
  if (!token.exec(s)) return i + 1;
  const ref = /\s+\d+\s+R(?![^\s/<>[\]()%])/y; // "12 0 R": the number just read was an object number
  ref.lastIndex = token.lastIndex;
  return /^\d+$/.test(s.slice(i, token.lastIndex)) && ref.exec(s) ? ref.lastIndex : token.lastIndex;
}

function skipLiteralString(s: string, start: number): number {
  let depth = 0;
  for (let i = start; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  return s.length;
}

const ESCAPES: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, f: 12, '(': 40, ')': 41, '\\': 92 };

/** Bytes of a PDF literal string "( ... )" (ISO 32000-1, 7.3.4.2). */
export function parseLiteralString(s: string): Uint8Array | undefined {
  if (s[0] !== '(') return undefined;
  const out: number[] = [];
  let depth = 1;
  for (let i = 1; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      const n = s[++i];
      if (n === undefined) return undefined;
      if (n in ESCAPES) out.push(ESCAPES[n]);
      else if (n >= '0' && n <= '7') {
        let oct = n;
        while (oct.length < 3 && s[i + 1] >= '0' && s[i + 1] <= '7') oct += s[++i];
        out.push(parseInt(oct, 8) & 0xff);
      } else if (n === '\r') {
        if (s[i + 1] === '\n') i++; // line continuation
      } else if (n !== '\n') out.push(n.charCodeAt(0));
      continue;
    }
    if (c === '(') depth++;
    if (c === ')' && --depth === 0) return Uint8Array.from(out);
    out.push(c.charCodeAt(0) & 0xff);
  }
  return undefined; // unterminated
}

function parseHexString(s: string): Uint8Array | undefined {
  const end = s.indexOf('>');
  if (end < 0) return undefined;
  let hex = s.slice(1, end).replace(/\s+/g, '');
  if (!/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  if (hex.length % 2 === 1) hex += '0';
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** A PDF text string: UTF-16BE with a byte order mark, UTF-8 with one (PDF 2.0), else PDFDocEncoding (read as Latin-1). */
function decodeTextString(bytes: Uint8Array): string {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return Buffer.from(bytes.subarray(3)).toString('utf8');
  return Buffer.from(bytes).toString(LATIN1);
}
