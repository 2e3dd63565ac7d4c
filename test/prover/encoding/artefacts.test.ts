import assert from "node:assert/strict";
import fc from "fast-check";
import { keccak256 } from "viem";
import type { RelaxedInstance, RelaxedWitness } from "../../../prover/src/arith/relaxed.js";
import { G1_GENERATOR, g1Mul, P, Q } from "../../../prover/src/curve/bn254.js";
import {
  contentHash,
  decodeInstance,
  decodeTreeNode,
  decodeWitness,
  encodeInstance,
  encodeTreeNode,
  encodeWitness,
  MAX_X_LEN,
} from "../../../prover/src/encoding/artefacts.js";
import {
  BadMagicError,
  EncodingError,
  InvalidPointEncodingError,
  LengthError,
  NonCanonicalFieldElementError,
  TrailingBytesError,
  TruncatedEncodingError,
  UnsupportedVersionError,
  WrongKindError,
} from "../../../prover/src/errors/encoding.js";
import type { TreeNode } from "../../../prover/src/folding/tree.js";

const fr = fc.bigInt({ min: 0n, max: P - 1n });
const point = fc.bigInt({ min: 0n, max: P - 1n }).map((k) => g1Mul(G1_GENERATOR, k));
const instance = (xLen?: number) =>
  fc
    .record({
      cmW: point,
      cmE: point,
      u: fr,
      x: xLen === undefined ? fc.array(fr, { maxLength: 8 }) : fc.array(fr, { minLength: xLen, maxLength: xLen }),
    })
    .map((U): RelaxedInstance => ({ cmW: { ...U.cmW }, cmE: { ...U.cmE }, u: U.u, x: U.x }));
const witness = fc
  .record({
    W: fc.array(fr, { maxLength: 12 }),
    E: fc.array(fr, { maxLength: 12 }),
    rW: fr,
    rE: fr,
  })
  .map((W): RelaxedWitness => ({ ...W }));

const U0: RelaxedInstance = { cmW: g1Mul(G1_GENERATOR, 5n), cmE: { x: 0n, y: 0n }, u: 1n, x: [3n, 4n] };
const W0: RelaxedWitness = { W: [1n, 2n, P - 1n], E: [0n, 0n], rW: 0n, rE: 9n };
const N0: TreeNode = { a: 4, c: 6, zIn: [4n], zOut: [3n], U: U0 };

/** Offset of the first byte of `cmW.x` (after the header). */
const HEADER = 6;

function withWord(bytes: Uint8Array, offset: number, v: bigint): Uint8Array {
  const out = bytes.slice();
  for (let i = 31; i >= 0; i--) {
    out[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

describe("encoding/artefacts", () => {
  it("property: decode(encode(v)) = v for instances, witnesses and tree nodes; one encoding per value", () => {
    fc.assert(
      fc.property(instance(), (U) => {
        const e = encodeInstance(U);
        assert.deepEqual(decodeInstance(e), U);
        assert.deepEqual(encodeInstance(decodeInstance(e)), e);
      }),
      { numRuns: 20 },
    );
    fc.assert(
      fc.property(witness, (W) => assert.deepEqual(decodeWitness(encodeWitness(W)), W)),
      { numRuns: 30 },
    );
    fc.assert(
      fc.property(fc.nat({ max: 1000 }), fc.integer({ min: 1, max: 50 }), instance(4), fr, fr, (a, len, U, z1, z2) => {
        const n: TreeNode = { a, c: a + len, zIn: [z1, z2], zOut: [z2, z1], U };
        assert.deepEqual(decodeTreeNode(encodeTreeNode(n)), n);
      }),
      { numRuns: 20 },
    );
  });

  it("the layout is the documented one, and contentHash = keccak256(encoding)", () => {
    const e = encodeInstance(U0);
    assert.equal(Buffer.from(e.subarray(0, 6)).toString("hex"), "4e4e45540101");
    assert.equal(e.length, 6 + 64 + 64 + 32 + 4 + 2 * 32);
    assert.equal(BigInt(`0x${Buffer.from(e.subarray(HEADER, HEADER + 32)).toString("hex")}`), U0.cmW.x);
    assert.equal(contentHash(e), keccak256(e));
    assert.notEqual(contentHash(e), contentHash(encodeInstance({ ...U0, u: 2n })));
    assert.equal(encodeWitness(W0)[5], 2);
    assert.equal(encodeTreeNode(N0)[5], 3);
  });

  it("rejects truncation at every length and trailing bytes", () => {
    for (const [bytes, decode] of [
      [encodeInstance(U0), decodeInstance],
      [encodeWitness(W0), decodeWitness],
      [encodeTreeNode(N0), decodeTreeNode],
    ] as const) {
      for (let n = 0; n < bytes.length; n++) {
        assert.throws(
          () => (decode as (b: Uint8Array) => unknown)(bytes.subarray(0, n)),
          TruncatedEncodingError,
          `cut at ${n}`,
        );
      }
      const longer = new Uint8Array(bytes.length + 1);
      longer.set(bytes);
      assert.throws(() => (decode as (b: Uint8Array) => unknown)(longer), TrailingBytesError);
    }
  });

  it("rejects a wrong magic, version or kind", () => {
    const e = encodeInstance(U0);
    const magic = e.slice();
    magic[0] ^= 1;
    assert.throws(() => decodeInstance(magic), BadMagicError);
    const version = e.slice();
    version[4] = 2;
    assert.throws(() => decodeInstance(version), UnsupportedVersionError);
    assert.throws(
      () => decodeWitness(e),
      (err: unknown) => {
        assert.ok(err instanceof WrongKindError);
        assert.match(err.message, /expected a RelaxedWitness encoding/);
        return true;
      },
    );
  });

  it("rejects field elements ≥ p (also p itself) and encoding them", () => {
    const e = encodeInstance(U0);
    const uOffset = HEADER + 128;
    assert.throws(() => decodeInstance(withWord(e, uOffset, P)), NonCanonicalFieldElementError);
    assert.throws(() => decodeInstance(withWord(e, uOffset, 2n ** 256n - 1n)), NonCanonicalFieldElementError);
    const xOffset = uOffset + 32 + 4;
    assert.throws(() => decodeInstance(withWord(e, xOffset + 32, P + 3n)), /x\[1\] is not below p/);
    const w = encodeWitness(W0);
    assert.throws(() => decodeWitness(withWord(w, w.length - 32, P)), NonCanonicalFieldElementError);
    assert.throws(() => encodeWitness({ ...W0, W: [P] }), NonCanonicalFieldElementError);
    assert.throws(() => encodeInstance({ ...U0, u: -1n }), EncodingError);
  });

  it("rejects points off the curve or with coordinates ≥ q", () => {
    const e = encodeInstance(U0);
    assert.throws(() => decodeInstance(withWord(e, HEADER + 32, U0.cmW.y + 1n)), InvalidPointEncodingError);
    assert.throws(() => decodeInstance(withWord(e, HEADER + 64, 1n)), InvalidPointEncodingError); // cmE = (1, 0)
    // (x + q, y) is the same point mod q, but not canonical.
    const big = withWord(withWord(e, HEADER, U0.cmW.x + Q), HEADER + 32, U0.cmW.y);
    assert.throws(() => decodeInstance(big), InvalidPointEncodingError);
    assert.throws(() => encodeInstance({ ...U0, cmW: { x: 1n, y: 1n } }), InvalidPointEncodingError);
  });

  it("rejects oversized or inconsistent lengths before allocating", () => {
    const e = encodeInstance(U0);
    const lenOffset = HEADER + 160;
    const huge = e.slice();
    new DataView(huge.buffer).setUint32(lenOffset, MAX_X_LEN + 1);
    assert.throws(() => decodeInstance(huge), LengthError);
    const claimsMore = e.slice();
    new DataView(claimsMore.buffer).setUint32(lenOffset, 1000);
    assert.throws(() => decodeInstance(claimsMore), TruncatedEncodingError);
    const w = encodeWitness(W0);
    const wHuge = w.slice();
    new DataView(wHuge.buffer).setUint32(HEADER, 0xffffffff);
    assert.throws(() => decodeWitness(wHuge), LengthError);
    assert.throws(() => encodeTreeNode({ ...N0, c: 4 }), LengthError);
    assert.throws(() => encodeTreeNode({ ...N0, zOut: [1n, 2n] }), LengthError);
    assert.throws(() => encodeTreeNode({ ...N0, U: { ...U0, x: [1n] } }), LengthError);
    const n = encodeTreeNode(N0);
    const badRange = n.slice();
    new DataView(badRange.buffer).setBigUint64(HEADER + 8, 4n); // c = a
    assert.throws(() => decodeTreeNode(badRange), LengthError);
    const farLeaf = n.slice();
    new DataView(farLeaf.buffer).setBigUint64(HEADER + 8, 2n ** 60n);
    assert.throws(() => decodeTreeNode(farLeaf), LengthError);
  });
});
