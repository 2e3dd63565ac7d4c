import assert from "node:assert/strict";
import fc from "fast-check";
import { FieldElementError } from "../../../prover/src/errors/curve.js";
import {
  add,
  assertFr,
  batchInverse,
  evalPoly,
  inv,
  mod,
  mul,
  neg,
  P,
  pow,
  randomFr,
  sub,
  vecAxpy,
} from "../../../prover/src/field/fr.js";

const fr = fc.bigInt({ min: 0n, max: P - 1n });
const nonZero = fc.bigInt({ min: 1n, max: P - 1n });

describe("field/fr", () => {
  it("property: add/sub/neg are inverse, results canonical", () => {
    fc.assert(
      fc.property(fr, fr, (a, b) => {
        const s = add(a, b);
        assert.ok(s >= 0n && s < P);
        assert.equal(sub(s, b), a);
        assert.equal(add(a, neg(a)), 0n);
        assert.equal(sub(a, b), mod(a - b));
      }),
    );
  });

  it("property: a·a⁻¹ = 1 and batchInverse agrees with inv", () => {
    fc.assert(
      fc.property(fc.array(nonZero, { minLength: 0, maxLength: 20 }), (xs) => {
        const invs = batchInverse(xs);
        xs.forEach((x, i) => {
          assert.equal(invs[i], inv(x));
          assert.equal(mul(x, invs[i]), 1n);
        });
      }),
      { numRuns: 30 },
    );
  });

  it("pow agrees with repeated multiplication and Fermat", () => {
    const a = randomFr();
    assert.equal(pow(a, 5n), mul(mul(mul(mul(a, a), a), a), a));
    assert.equal(pow(a, P - 1n), a === 0n ? 0n : 1n);
    assert.equal(pow(a, 0n), 1n);
  });

  it("evalPoly is Horner and vecAxpy is a + r·b", () => {
    assert.equal(evalPoly([1n, 2n, 3n], 10n), 321n);
    assert.deepEqual(vecAxpy([1n, P - 1n], 2n, [3n, 1n]), [7n, 1n]);
  });

  it("rejects non-canonical elements and zero inverses with FieldElementError", () => {
    assert.throws(() => assertFr(P), FieldElementError);
    assert.throws(() => assertFr(-1n), FieldElementError);
    assert.throws(() => assertFr(1), /not a canonical element of F_p/);
    assertFr(P - 1n);
    assert.throws(() => inv(0n), FieldElementError);
    assert.throws(() => batchInverse([1n, 0n]), /index 1/);
  });
});
