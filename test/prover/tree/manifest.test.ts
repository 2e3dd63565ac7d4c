import assert from "node:assert/strict";
import fc from "fast-check";
import { keccak256 } from "viem";
import { TreeShapeError } from "../../../prover/src/errors/folding.js";
import {
  buildManifest,
  hashPair,
  segmentLeaf,
  segmentsRoot,
  verifyManifestProof,
} from "../../../prover/src/tree/manifest.js";
import { chunks } from "../../../prover/src/tree/shape.js";

const states = (n: number, s = 1) =>
  Array.from({ length: n + 1 }, (_, k) => Array.from({ length: s }, (_, i) => BigInt(7 * k + i + 1)));

describe("tree/manifest (docs/contracts.md Manifest)", () => {
  it("hashes pairs sorted (OpenZeppelin commutative) and segments as OZ StandardMerkleTree leaves", () => {
    const x = keccak256("0x01");
    const y = keccak256("0x02");
    assert.equal(hashPair(x, y), hashPair(y, x));
    assert.notEqual(segmentLeaf(0, [1n], [2n]), segmentLeaf(1, [1n], [2n]), "the index is hashed");
    assert.notEqual(segmentLeaf(0, [1n], [2n]), segmentLeaf(0, [2n], [1n]));
  });

  it("one segment: the root is its leaf and its proof is empty", () => {
    const m = buildManifest([[1n], [2n]]);
    assert.equal(m.root, segmentLeaf(0, [1n], [2n]));
    assert.deepEqual(m.proof(0), []);
    assert.deepEqual(m.subtreeProof(3, 0), [], "any level above the height is the root");
  });

  it("every segment's proof verifies; a wrong segment does not", () => {
    for (const n of [1, 2, 3, 5, 8, 13]) {
      const z = states(n, 2);
      const m = buildManifest(z);
      for (let k = 0; k < n; k++) {
        assert.ok(verifyManifestProof(m.root, segmentLeaf(k, z[k], z[k + 1]), m.proof(k)), `N ${n} k ${k}`);
        assert.ok(!verifyManifestProof(m.root, segmentLeaf(k, z[k], [...z[k + 1]].reverse()), m.proof(k)));
      }
    }
  });

  it("node j of level k is the root over chunk j's segments and proves it with one proof, for every N and k", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 80 }), fc.integer({ min: 0, max: 7 }), (n, k) => {
        const z = states(n);
        const m = buildManifest(z);
        for (const ch of chunks(n, k)) {
          const sub = segmentsRoot(ch.a, z.slice(ch.a, ch.c + 1));
          assert.equal(m.subtreeRoot(k, ch.index), sub, `N ${n} k ${k} chunk ${ch.a}-${ch.c}`);
          assert.ok(verifyManifestProof(m.root, sub, m.subtreeProof(k, ch.index)));
          // The same states at another offset are another subtree: the segment index is bound.
          if (ch.a > 0) assert.notEqual(segmentsRoot(ch.a - 1, z.slice(ch.a, ch.c + 1)), sub);
        }
      }),
      { numRuns: 80 },
    );
  });

  it("refuses nodes that do not exist", () => {
    const m = buildManifest(states(5));
    assert.throws(() => m.subtreeProof(1, 3), TreeShapeError);
    assert.throws(() => m.subtreeProof(9, 1), TreeShapeError);
    assert.throws(() => m.subtreeRoot(-1, 0), TreeShapeError);
    assert.throws(() => buildManifest([[1n]]), TreeShapeError);
  });
});
