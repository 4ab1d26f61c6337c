// The RFC 9162 Merkle tree on its own: hashes of small trees computed by hand (with sha256sum, not
// with this module), audit and consistency paths written out from the RFC's definitions, and
// properties over random trees: every honest proof verifies, every altered one fails.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  TreeBuilder, consistencyProof, emptyRoot, inclusionProof, leafHash, nodeHash, rootOf, verifyConsistency, verifyInclusion, type Hash,
} from '../../../src/audit/merkle.ts';

const hex = (h: Uint8Array) => Buffer.from(h).toString('hex');
const H = (s: string) => Buffer.from(s, 'hex');

// printf '\x00a' | sha256sum, and so on; nodes: (printf '\x01'; echo -n "$l$r" | xxd -r -p) | sha256sum
const LA = '022a6979e6dab7aa5ae4c3e5e45f7e977112a7e63593820dbec1ec738a24f93c';
const LB = '57eb35615d47f34ec714cacdf5fd74608a5e8e102724e80b24b287c0c27b6a31';
const LC = '597fcb31282d34654c200d3418fca5705c648ebf326ec73d8ddef11841f876d8';
const AB = 'b137985ff484fb600db93107c77b0365c80d78f5b429ded0fd97361d077999eb';
const ROOT3 = '36642e73c2540ab121e3a6bf9545b0a24982cd830eb13d3cd19de3ce6c021ec1';
const ROOT4 = '33376a3bd63e9993708a84ddfe6c28ae58b83505dd1fed711bd924ec5a6239f0';
const ROOT5 = 'fe14a5426fbd70c0fa73f52342afed0da0bd23c4838662ccf6b88a3070ead97b';

const abcde = ['a', 'b', 'c', 'd', 'e'].map((s) => leafHash(s));
const [la, lb, lc, ld, le] = abcde;

describe('merkle tree hashes (RFC 9162 §2.1.1)', () => {
  test('the empty tree and an empty leaf', () => {
    assert.equal(hex(emptyRoot()), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(hex(rootOf([])), hex(emptyRoot()));
    assert.equal(hex(leafHash(new Uint8Array())), '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
  });

  test('leaf and node hashes carry their prefixes', () => {
    assert.equal(hex(la), LA);
    assert.equal(hex(lb), LB);
    assert.equal(hex(lc), LC);
    assert.equal(hex(nodeHash(la, lb)), AB);
    assert.notEqual(hex(nodeHash(lb, la)), AB, 'order matters');
  });

  test('roots of 1 to 5 leaves split at the largest power of two below n', () => {
    assert.equal(hex(rootOf([la])), LA);
    assert.equal(hex(rootOf([la, lb])), AB);
    assert.equal(hex(rootOf([la, lb, lc])), ROOT3); // node(node(a, b), c)
    assert.equal(hex(rootOf([la, lb, lc, ld])), ROOT4);
    assert.equal(hex(rootOf(abcde)), ROOT5); // node(node(node(a, b), node(c, d)), e)
    assert.equal(hex(rootOf(abcde, 3)), ROOT3, 'the root of a prefix');
  });

  test('the builder gives the same roots at every size and resumes from its frontier', () => {
    const b = new TreeBuilder();
    const roots = [ROOT3, ROOT4, ROOT5];
    for (const [i, l] of abcde.entries()) {
      b.append(l);
      if (i >= 2) assert.equal(hex(b.root()), roots[i - 2]);
    }
    assert.equal(b.frontier().length, 2); // 5 = 4 + 1
    const resumed = new TreeBuilder(3, new TreeBuilder(3, [H(AB), lc]).frontier());
    resumed.append(ld);
    resumed.append(le);
    assert.equal(hex(resumed.root()), ROOT5);
    assert.throws(() => new TreeBuilder(3, [H(AB)]), RangeError);
  });
});

describe('inclusion proofs (§2.1.3)', () => {
  test('audit paths in the five-leaf tree, leaf end first', () => {
    assert.deepEqual(inclusionProof(abcde, 2).map(hex), [hex(ld), AB, hex(le)]);
    assert.deepEqual(inclusionProof(abcde, 4).map(hex), [ROOT4]);
    assert.deepEqual(inclusionProof(abcde, 0, 1), []);
    assert.ok(verifyInclusion(2, 5, lc, inclusionProof(abcde, 2), H(ROOT5)));
    assert.ok(verifyInclusion(0, 1, la, [], H(LA)));
  });

  test('wrong leaf, index, size, root or path fails', () => {
    const p = inclusionProof(abcde, 2);
    assert.equal(verifyInclusion(2, 5, ld, p, H(ROOT5)), false);
    assert.equal(verifyInclusion(3, 5, lc, p, H(ROOT5)), false);
    assert.equal(verifyInclusion(2, 4, lc, p, H(ROOT5)), false);
    assert.equal(verifyInclusion(2, 5, lc, p, H(ROOT4)), false);
    assert.equal(verifyInclusion(2, 5, lc, p.slice(0, 2), H(ROOT5)), false);
    assert.equal(verifyInclusion(2, 5, lc, [...p, le], H(ROOT5)), false);
    assert.equal(verifyInclusion(5, 5, lc, p, H(ROOT5)), false);
    assert.throws(() => inclusionProof(abcde, 5), RangeError);
  });
});

describe('consistency proofs (§2.1.4)', () => {
  test('paths between small trees, written out from SUBPROOF', () => {
    assert.deepEqual(consistencyProof(abcde, 3).map(hex), [LC, hex(ld), AB, hex(le)]);
    assert.deepEqual(consistencyProof(abcde, 4).map(hex), [hex(le)]);
    assert.deepEqual(consistencyProof(abcde, 2, 3).map(hex), [LC]);
    assert.deepEqual(consistencyProof(abcde, 5), []);
    assert.ok(verifyConsistency(3, 5, H(ROOT3), H(ROOT5), consistencyProof(abcde, 3)));
    assert.ok(verifyConsistency(4, 5, H(ROOT4), H(ROOT5), [le]));
    assert.ok(verifyConsistency(5, 5, H(ROOT5), H(ROOT5), []));
    assert.ok(verifyConsistency(0, 5, emptyRoot(), H(ROOT5), []));
  });

  test('a tree that is not an extension of the old one fails', () => {
    const other = [la, lb, leafHash('x'), ld, le]; // entry 3 rewritten
    const rootOther = rootOf(other);
    assert.equal(verifyConsistency(3, 5, H(ROOT3), rootOther, consistencyProof(other, 3)), false);
    assert.equal(verifyConsistency(3, 5, H(ROOT3), H(ROOT5), consistencyProof(abcde, 3).slice(1)), false);
    assert.equal(verifyConsistency(3, 5, H(ROOT4), H(ROOT5), consistencyProof(abcde, 3)), false);
    assert.equal(verifyConsistency(3, 4, H(ROOT3), H(ROOT5), consistencyProof(abcde, 3)), false);
    assert.equal(verifyConsistency(5, 3, H(ROOT5), H(ROOT3), []), false, 'a tree cannot shrink');
    assert.equal(verifyConsistency(5, 5, H(ROOT5), H(ROOT4), []), false);
  });
});

describe('merkle properties', () => {
  const leavesArb = fc.array(fc.uint8Array({ maxLength: 12 }), { minLength: 1, maxLength: 70 }).map((xs) => xs.map((x) => leafHash(x)));
  const flip = (h: Hash) => {
    const c = Buffer.from(h);
    c[0] ^= 1;
    return c;
  };

  test('the builder root equals the recursive root at every size', () => {
    fc.assert(fc.property(leavesArb, (leaves) => {
      const b = new TreeBuilder();
      for (let i = 0; i < leaves.length; i++) {
        b.append(leaves[i]);
        assert.equal(hex(b.root()), hex(rootOf(leaves, i + 1)));
        const resumed = new TreeBuilder(b.size, b.frontier());
        assert.equal(hex(resumed.root()), hex(b.root()));
      }
    }));
  });

  test('every leaf is proven in the tree; an altered proof or leaf is not', () => {
    fc.assert(fc.property(leavesArb, fc.nat(), fc.nat(), (leaves, i, j) => {
      const index = i % leaves.length;
      const root = rootOf(leaves);
      const proof = inclusionProof(leaves, index);
      assert.ok(verifyInclusion(index, leaves.length, leaves[index], proof, root));
      assert.equal(verifyInclusion(index, leaves.length, flip(leaves[index]), proof, root), false);
      if (proof.length) {
        const k = j % proof.length;
        const bad = proof.map((p, n) => (n === k ? flip(p) : p));
        assert.equal(verifyInclusion(index, leaves.length, leaves[index], bad, root), false);
      }
      if (leaves.length > 1) {
        const other = (index + 1 + (j % (leaves.length - 1))) % leaves.length;
        if (!leaves[other].equals(leaves[index])) assert.equal(verifyInclusion(other, leaves.length, leaves[index], proof, root), false);
      }
    }));
  });

  test('every prefix is consistent with the whole; a changed leaf in the prefix is not', () => {
    fc.assert(fc.property(leavesArb, fc.nat(), fc.nat(), (leaves, m0, j) => {
      const n = leaves.length;
      const m = 1 + (m0 % n);
      const proof = consistencyProof(leaves, m);
      assert.ok(verifyConsistency(m, n, rootOf(leaves, m), rootOf(leaves), proof));
      const k = j % m;
      const rewritten = leaves.map((l, x) => (x === k ? flip(l) : l));
      // The new tree rewrote an entry the old checkpoint covered: no proof from it convinces.
      assert.equal(verifyConsistency(m, n, rootOf(leaves, m), rootOf(rewritten), consistencyProof(rewritten, m)), false);
      if (m < n) {
        // A tree cut back to fewer leaves than the checkpoint cannot be shown to extend it.
        assert.equal(verifyConsistency(m, m - 1, rootOf(leaves, m), rootOf(leaves, m - 1), []), false);
        if (proof.length) {
          const bad = proof.map((p, x) => (x === j % proof.length ? flip(p) : p));
          assert.equal(verifyConsistency(m, n, rootOf(leaves, m), rootOf(leaves), bad), false);
        }
      }
    }));
  });
});
