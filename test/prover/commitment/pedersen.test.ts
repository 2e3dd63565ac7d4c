import assert from "node:assert/strict";
import fc from "fast-check";
import { commit } from "../../../prover/src/commitment/pedersen.js";
import { srsFromTau } from "../../../prover/src/commitment/srs.js";
import { G1_GENERATOR, g1Add, g1Mul } from "../../../prover/src/curve/bn254.js";
import { SrsTooSmallError } from "../../../prover/src/errors/commitment.js";
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
