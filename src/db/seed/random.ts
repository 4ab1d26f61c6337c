/**
 * Deterministic randomness for demo data: a seeded PRNG (sfc32, 128-bit state, seeded through
 * splitmix32) and keyed pseudo-random permutations of [0, n) used to hand out unique identifiers
 * without remembering the ones already given. Pure: the same seed gives the same sequence.
 * Not for anything secret.
 */

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** 32-bit FNV-1a of a string: turns a namespace such as 'msisdn:138' into a number. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface Random {
  /** A uniform 32-bit unsigned integer. */
  u32(): number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks from [item, weight] pairs; weights need not sum to 1. */
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T;
  /** A v4-style UUID made of PRNG output (version and variant bits set). */
  uuid(): string;
}

export function createRandom(seed: number, stream = ''): Random {
  const init = splitmix32((seed ^ hash32(stream)) >>> 0);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const u32 = (): number => {
    // sfc32 (Chris Doty-Humphrey's Small Fast Counting generator).
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) u32(); // warm up
  const next = (): number => u32() / 4294967296;
  const hex8 = (n: number): string => n.toString(16).padStart(8, '0');
  return {
    u32,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)],
    weighted(items) {
      let total = 0;
      for (const [, w] of items) total += w;
      let r = next() * total;
      for (const [item, w] of items) {
        r -= w;
        if (r < 0) return item;
      }
      return items[items.length - 1][0];
    },
    uuid() {
      const h = hex8(u32()) + hex8(u32()) + hex8(u32()) + hex8(u32());
      const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
  };
}

/**
 * A keyed pseudo-random permutation of the integers [0, size): a 4-round Feistel network on the
 * smallest even number of bits that covers `size`, with cycle-walking to stay inside it. Distinct
 * inputs always give distinct outputs, so feeding it a counter hands out unique values that look
 * random. `size` must be at most 2^52.
 */
export function createPermutation(size: number, key: number): (index: number) => number {
  if (!Number.isSafeInteger(size) || size < 1 || size > 2 ** 52) throw new RangeError('Permutation size must be 1..2^52.');
  let bits = Math.max(2, Math.ceil(Math.log2(size)));
  if (bits % 2 === 1) bits++;
  const half = bits / 2;
  const halfSize = 2 ** half;
  const mask = halfSize - 1; // half <= 26, so halves fit in 32-bit arithmetic
  const keys = Array.from({ length: 4 }, (_, r) => hash32(`${key}:${r}`));
  const round = (x: number, k: number): number => {
    let z = Math.imul(x ^ k, 0x9e3779b1);
    z ^= z >>> 15;
    z = Math.imul(z, 0x85ebca77);
    z ^= z >>> 13;
    return (z >>> 0) & mask;
  };
  const encrypt = (value: number): number => {
    let left = Math.floor(value / halfSize);
    let right = value % halfSize;
    for (const k of keys) {
      const next = (left ^ round(right, k)) & mask;
      left = right;
      right = next;
    }
    return left * halfSize + right;
  };
  return (index: number) => {
    if (!Number.isInteger(index) || index < 0 || index >= size) throw new RangeError(`Permutation index out of range (size ${size}).`);
    let v = encrypt(index);
    while (v >= size) v = encrypt(v); // cycle-walk: stays a bijection on [0, size)
    return v;
  };
}

/** `n` as a zero-padded decimal string of `width` digits. */
export function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
