// Merkle trees as RFC 9162 (Certificate Transparency 2.0) §2.1 defines them, over SHA-256. Pure: no
// I/O, no state beyond the values passed in, so the audit log and any other append-only log (the
// certificate transparency log) share it.
//
//   leaf hash  = SHA-256(0x00 || leaf bytes)
//   node hash  = SHA-256(0x01 || left || right)
//   MTH({})    = SHA-256()                      (the empty tree)
//   MTH(D[n])  = node(MTH(D[0:k]), MTH(D[k:n])) with k the largest power of two below n
//
// Tree sizes and indices are plain numbers (exact up to 2^53); every halving uses arithmetic, not
// the 32-bit bit operators.
import { createHash } from 'node:crypto';

export type Hash = Buffer;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

export function leafHash(data: Uint8Array | string): Hash {
  return createHash('sha256').update(LEAF_PREFIX).update(typeof data === 'string' ? Buffer.from(data, 'utf8') : data).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Hash {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

export function emptyRoot(): Hash {
  return createHash('sha256').digest();
}

/** The largest power of two strictly below n (n > 1). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

const isOdd = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);

function checkSize(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be a whole number of at least 0, not ${n}`);
}

/** MTH of leaves[from, to). */
function subtreeRoot(leaves: readonly Hash[], from: number, to: number): Hash {
  const n = to - from;
  if (n === 0) return emptyRoot();
  if (n === 1) return leaves[from];
  const k = splitPoint(n);
  return nodeHash(subtreeRoot(leaves, from, from + k), subtreeRoot(leaves, from + k, to));
}

/** The root of the tree over the first `size` leaf hashes (all of them by default). */
export function rootOf(leafHashes: readonly Hash[], size = leafHashes.length): Hash {
  checkSize(size, 'size');
  if (size > leafHashes.length) throw new RangeError(`a tree of ${size} leaves needs ${size} leaf hashes, got ${leafHashes.length}`);
  return subtreeRoot(leafHashes, 0, size);
}

// --- Inclusion (§2.1.3) ----------------------------------------------------------------------

/** PATH(m, D[n]): the audit path of leaf `index` in the tree of the first `size` leaves, leaf end first. */
export function inclusionProof(leafHashes: readonly Hash[], index: number, size = leafHashes.length): Hash[] {
  checkSize(size, 'size');
  if (size > leafHashes.length) throw new RangeError(`a tree of ${size} leaves needs ${size} leaf hashes, got ${leafHashes.length}`);
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new RangeError(`leaf index ${index} is not in a tree of ${size} leaves`);
  const path = (m: number, from: number, to: number): Hash[] => {
    const n = to - from;
    if (n === 1) return [];
    const k = splitPoint(n);
    return m < k
      ? [...path(m, from, from + k), subtreeRoot(leafHashes, from + k, to)]
      : [...path(m - k, from + k, to), subtreeRoot(leafHashes, from, from + k)];
  };
  return path(index, 0, size);
}

/** §2.1.3.2: does `proof` show that `leaf` is leaf `index` of the tree of `size` leaves with `root`? */
export function verifyInclusion(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && Buffer.from(r).equals(Buffer.from(root));
}

// --- Consistency (§2.1.4) --------------------------------------------------------------------

/** PROOF(m, D[n]): shows the tree of the first `oldSize` leaves is a prefix of the tree of `newSize`. */
export function consistencyProof(leafHashes: readonly Hash[], oldSize: number, newSize = leafHashes.length): Hash[] {
  checkSize(oldSize, 'oldSize');
  checkSize(newSize, 'newSize');
  if (newSize > leafHashes.length) throw new RangeError(`a tree of ${newSize} leaves needs ${newSize} leaf hashes, got ${leafHashes.length}`);
  if (oldSize > newSize) throw new RangeError(`the old tree (${oldSize}) cannot be larger than the new one (${newSize})`);
  if (oldSize === 0 || oldSize === newSize) return [];
  const subproof = (m: number, from: number, to: number, whole: boolean): Hash[] => {
    const n = to - from;
    if (m === n) return whole ? [] : [subtreeRoot(leafHashes, from, to)];
    const k = splitPoint(n);
    return m <= k
      ? [...subproof(m, from, from + k, whole), subtreeRoot(leafHashes, from + k, to)]
      : [...subproof(m - k, from + k, to, false), subtreeRoot(leafHashes, from, from + k)];
  };
  return subproof(oldSize, 0, newSize, true);
}

/** §2.1.4.2: does `proof` show the tree (`oldSize`, `oldRoot`) is a prefix of (`newSize`, `newRoot`)? */
export function verifyConsistency(oldSize: number, newSize: number, oldRoot: Uint8Array, newRoot: Uint8Array, proof: readonly Uint8Array[]): boolean {
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 0 || oldSize > newSize) return false;
  const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
  if (oldSize === newSize) return proof.length === 0 && same(oldRoot, newRoot);
  if (oldSize === 0) return proof.length === 0; // every tree extends the empty one
  if (proof.length === 0) return false;
  // An old tree whose size is a power of two is a whole subtree of the new one: its root starts the path.
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof];
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Uint8Array = path[0];
  let sr: Uint8Array = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && same(fr, oldRoot) && same(sr, newRoot);
}

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

// --- Appending without the whole tree ----------------------------------------------------------

/**
 * A tree that grows one leaf at a time and keeps only its right edge (the "frontier": the roots of
 * the perfect subtrees the leaves so far form, largest first; one per set bit of the size), so its
 * root is known at every size in O(log n) memory. A log stores the frontier next to its latest
 * checkpoint and resumes from it.
 */
export class TreeBuilder {
  #size: number;
  #frontier: Hash[];

  constructor(size = 0, frontier: readonly Hash[] = []) {
    checkSize(size, 'size');
    if (frontier.length !== popCount(size)) {
      throw new RangeError(`a tree of ${size} leaves has a frontier of ${popCount(size)} subtrees, got ${frontier.length}`);
    }
    this.#size = size;
    this.#frontier = [...frontier];
  }

  get size(): number {
    return this.#size;
  }

  /** The frontier, largest subtree first. */
  frontier(): Hash[] {
    return [...this.#frontier];
  }

  append(leaf: Hash): void {
    let node = leaf;
    // Each trailing one bit of the old size is a perfect subtree of the new leaf's size: merge them.
    let s = this.#size;
    while (isOdd(s)) {
      node = nodeHash(this.#frontier.pop()!, node);
      s = half(s);
    }
    this.#frontier.push(node);
    this.#size += 1;
  }

  root(): Hash {
    if (this.#frontier.length === 0) return emptyRoot();
    let acc = this.#frontier[this.#frontier.length - 1];
    for (let i = this.#frontier.length - 2; i >= 0; i--) acc = nodeHash(this.#frontier[i], acc);
    return acc;
  }
}

function popCount(n: number): number {
  let c = 0;
  for (let x = n; x > 0; x = half(x)) if (isOdd(x)) c += 1;
  return c;
}
