import assert from "node:assert/strict";
import fc from "fast-check";
import { packFr } from "../../../prover/src/arith/kernels.js";
import { commit, commitPacked } from "../../../prover/src/commitment/pedersen.js";
import { srsFromTau } from "../../../prover/src/commitment/srs.js";
import { G1_GENERATOR, g1Add, g1Mul } from "../../../prover/src/curve/bn254.js";
import { MsmInputError, SrsTooSmallError } from "../../../prover/src/errors/commitment.js";
import { FieldElementError } from "../../../prover/src/errors/curve.js";
import { evalPoly, P, vecAxpy } from "../../../prover/src/field/fr.js";
import { terminateDefaultMsmBackend } from "../../../prover/src/msm/default.js";

const fr = fc.bigInt({ min: 0n, max: P - 1n });

describe("commitment/pedersen", () => {
  const tau = 0x1234567890abcdefn;
  const srs = srsFromTau(tau, 24);
  after(terminateDefaultMsmBackend);

  it("cm(v) = [v(τ)]G1 (checked with the known τ)", async () => {
    const v = [3n, 0n, P - 1n, 7n, 0n, 11n];
    assert.deepEqual(await commit(srs, v), g1Mul(G1_GENERATOR, evalPoly(v, tau)));
  });

  it("small and large entries (split into 1-, 8- and 32-byte MSMs) still give [v(τ)]G1", async () => {
    const v = [1n, 255n, 256n, (1n << 64n) - 1n, 1n << 64n, P - 1n, 0n, 2n, 3n ** 40n, 1n, 0n, 12345n];
    assert.deepEqual(await commit(srs, v), g1Mul(G1_GENERATOR, evalPoly(v, tau)));
    assert.deepEqual(await commit(srs, [7n, 8n], 1n), g1Mul(G1_GENERATOR, evalPoly([7n, 8n, 1n], tau)));
    assert.deepEqual(await commit(srs, [0n, 0n]), { x: 0n, y: 0n });
  });

  it("commitPacked = commit on packed vectors (all byte classes, edges 0, 255, 2^64 − 1, p − 1, blinds)", async () => {
    const edge = fc.oneof(
      fr,
      fc.constantFrom(0n, 1n, 255n, 256n, (1n << 64n) - 1n, 1n << 64n, P - 1n, P - 2n, 1n << 253n),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(edge, { maxLength: 20 }), fc.oneof(fc.constant(0n), fr), async (v, blind) => {
        assert.deepEqual(await commitPacked(srs, packFr(v), blind), await commit(srs, v, blind));
      }),
      { numRuns: 30 },
    );
  });

  it("commitPacked rejects an element ≥ p (p, 2^256 − 1) and a length not a multiple of 32 with MsmInputError", async () => {
    for (const raw of [P, (1n << 256n) - 1n]) {
      const v = new Uint8Array(64);
      for (let j = 0; j < 32; j++) v[32 + j] = Number((raw >> BigInt(8 * j)) & 0xffn);
      await assert.rejects(commitPacked(srs, v), (e) => e instanceof MsmInputError && /index 1/.test(e.message));
    }
    await assert.rejects(commitPacked(srs, new Uint8Array(33)), MsmInputError);
    await assert.rejects(commitPacked(srs, new Uint8Array(32 * 25)), SrsTooSmallError);
  });

  it("hiding appends the blind as the coefficient of τ^len(v)", async () => {
    const v = [5n, 6n, 7n];
    const blind = 99n;
    assert.deepEqual(await commit(srs, v, blind), g1Mul(G1_GENERATOR, evalPoly([...v, blind], tau)));
    assert.notDeepEqual(await commit(srs, v, blind), await commit(srs, v));
  });

  it("property: cm(a) + r·cm(b) = cm(a + r·b), blinds included (homomorphism)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fr, { minLength: 1, maxLength: 12 }),
        fc.array(fr, { minLength: 1, maxLength: 12 }),
        fr,
        fr,
        fr,
        async (a0, b0, r, ra, rb) => {
          const n = Math.min(a0.length, b0.length);
          const a = a0.slice(0, n);
          const b = b0.slice(0, n);
          const lhs = g1Add(await commit(srs, a, ra), g1Mul(await commit(srs, b, rb), r));
          const rhs = await commit(srs, vecAxpy(a, r, b), (ra + r * rb) % P);
          assert.deepEqual(lhs, rhs);
        },
      ),
      { numRuns: 15 },
    );
  });

  it("sizes beyond the SRS give SrsTooSmallError; values ≥ p are rejected", async () => {
    await commit(srs, new Array(24).fill(1n));
    await assert.rejects(commit(srs, new Array(25).fill(1n)), SrsTooSmallError);
    await assert.rejects(commit(srs, new Array(24).fill(1n), 5n), (e: unknown) => {
      assert.ok(e instanceof SrsTooSmallError);
      assert.match(e.message, /needs 25 powers/);
      return true;
    });
    await assert.rejects(commit(srs, [1n], P), FieldElementError);
  });
});
