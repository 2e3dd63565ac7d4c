import assert from "node:assert/strict";
import { bn254 } from "@noble/curves/bn254.js";
import type { ContractReturnType } from "@nomicfoundation/hardhat-viem/types";
import fc from "fast-check";
import {
  G1_GENERATOR,
  type G1Affine,
  G2_GENERATOR,
  g1Add,
  g1FromAffine,
  g1Mul,
  g1Neg,
  g1ToEvm,
  g2FromAffine,
  g2Mul,
  g2ToEvm,
  P,
  pairingProductIsOne,
  Q,
  randomScalar,
} from "../../../prover/src/curve/bn254.js";
import { BaseError } from "../../../prover/src/errors/base.js";
import { FieldElementError, InvalidPointError } from "../../../prover/src/errors/curve.js";
import { connectChain } from "../../helpers/chain.js";

/**
 * The TypeScript helpers and the Solidity library `Bn254` must agree on everything: the EVM's
 * precompiles are the independent implementation both are checked against.
 */
describe("BN254: TypeScript helpers vs the EVM precompiles (Bn254.sol)", () => {
  let harness: ContractReturnType<"Bn254Harness">;
  const toSol = (a: G1Affine) => ({ x: a.x, y: a.y });
  const g2Sol = (a: typeof G2_GENERATOR) => {
    const [x, y] = g2ToEvm(a);
    return { x: [x[0], x[1]] as [bigint, bigint], y: [y[0], y[1]] as [bigint, bigint] };
  };
  const randomPoint = () => g1Mul(G1_GENERATOR, randomScalar());

  before(async () => {
    const { viem } = await connectChain();
    harness = await viem.deployContract("Bn254Harness");
  });

  it("ecAdd agrees on random points, including doubling, inverses and infinity", async () => {
    const cases: [G1Affine, G1Affine][] = [];
    for (let i = 0; i < 6; i++) cases.push([randomPoint(), randomPoint()]);
    const a = randomPoint();
    cases.push(
      [a, a],
      [a, g1Neg(a)],
      [a, { x: 0n, y: 0n }],
      [
        { x: 0n, y: 0n },
        { x: 0n, y: 0n },
      ],
    );
    for (const [x, y] of cases) {
      const onChain = await harness.read.add([toSol(x), toSol(y)]);
      assert.deepEqual({ x: onChain.x, y: onChain.y }, g1Add(x, y));
    }
  });

  it("ecMul agrees on random points and scalars, including 0, 1 and p-1", async () => {
    const scalars = [0n, 1n, 2n, P - 1n, randomScalar(), randomScalar(), randomScalar()];
    for (const s of scalars) {
      const a = randomPoint();
      const onChain = await harness.read.mul([toSol(a), s]);
      assert.deepEqual({ x: onChain.x, y: onChain.y }, g1Mul(a, s));
    }
  });

  it("pairing-product checks agree: e(aG1, bG2)·e(-abG1, G2) = 1, and a perturbed one ≠ 1", async () => {
    const a = randomScalar();
    const b = randomScalar();
    const lhs1 = g1Mul(G1_GENERATOR, a);
    const rhs1 = g1Neg(g1Mul(G1_GENERATOR, (a * b) % P));
    const g2b = g2Mul(G2_GENERATOR, b);
    const good = pairingProductIsOne([lhs1, rhs1], [g2b, G2_GENERATOR]);
    assert.equal(good, true);
    assert.equal(
      await harness.read.pairingProduct([
        [toSol(lhs1), toSol(rhs1)],
        [g2Sol(g2b), g2Sol(G2_GENERATOR)],
      ]),
      true,
    );

    const bad1 = g1Add(rhs1, G1_GENERATOR);
    assert.equal(pairingProductIsOne([lhs1, bad1], [g2b, G2_GENERATOR]), false);
    assert.equal(
      await harness.read.pairingProduct([
        [toSol(lhs1), toSol(bad1)],
        [g2Sol(g2b), g2Sol(G2_GENERATOR)],
      ]),
      false,
    );
    // The empty product is 1 on both sides.
    assert.equal(pairingProductIsOne([], []), true);
    assert.equal(await harness.read.pairingProduct([[], []]), true);
  });

  it("property: scalar multiplication distributes over scalar addition (TS)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: P - 1n }), fc.bigInt({ min: 0n, max: P - 1n }), (s, t) => {
        const lhs = g1Mul(G1_GENERATOR, (s + t) % P);
        const rhs = g1Add(g1Mul(G1_GENERATOR, s), g1Mul(G1_GENERATOR, t));
        assert.deepEqual(lhs, rhs);
      }),
      { numRuns: 20 },
    );
  });

  describe("invalid input is rejected on both sides with clear errors", () => {
    const offCurve = { x: 1n, y: 3n };
    const g = G1_GENERATOR;

    it("a point off the curve", async () => {
      assert.throws(
        () => g1Add(offCurve, g),
        (e: unknown) => e instanceof InvalidPointError && e instanceof BaseError,
      );
      assert.throws(() => g1Mul(offCurve, 5n), InvalidPointError);
      await assert.rejects(harness.read.add([offCurve, toSol(g)]), /Bn254PointNotOnCurve/);
      await assert.rejects(harness.read.mul([offCurve, 5n]), /Bn254PointNotOnCurve/);
      await assert.rejects(harness.read.pairingProduct([[offCurve], [g2Sol(G2_GENERATOR)]]), /Bn254PointNotOnCurve/);
    });

    it("a coordinate ≥ q, even when it is congruent to a valid one", async () => {
      const big = { x: g.x + Q, y: g.y };
      assert.throws(
        () => g1Add(big, g),
        (e: unknown) => e instanceof FieldElementError && /G1 x/.test((e as Error).message),
      );
      await assert.rejects(harness.read.add([big, toSol(g)]), /Bn254CoordinateNotInField/);
      const bigY = { x: g.x, y: g.y + Q };
      assert.throws(() => g1Mul(bigY, 1n), FieldElementError);
      await assert.rejects(harness.read.mul([bigY, 1n]), /Bn254CoordinateNotInField/);
    });

    it("a scalar ≥ p", async () => {
      assert.throws(() => g1Mul(g, P), FieldElementError);
      await assert.rejects(harness.read.mul([toSol(g), P]), /Bn254ScalarNotInField/);
    });

    it("a G2 point off the twist", async () => {
      const badG2 = { x: { ...G2_GENERATOR.x }, y: { c0: G2_GENERATOR.y.c0, c1: G2_GENERATOR.y.c1 + 1n } };
      assert.throws(() => g2FromAffine(badG2), InvalidPointError);
      assert.throws(() => pairingProductIsOne([g], [badG2]), InvalidPointError);
      await assert.rejects(harness.read.pairingProduct([[toSol(g)], [g2Sol(badG2)]]), /Bn254PrecompileFailed/);
    });

    it("pairing inputs of different lengths", async () => {
      assert.throws(() => pairingProductIsOne([g], []), InvalidPointError);
      await assert.rejects(harness.read.pairingProduct([[toSol(g)], []]), /Bn254PairingLengthMismatch/);
    });
  });

  it("word orders match the precompiles' conventions", () => {
    assert.deepEqual(g1ToEvm(G1_GENERATOR), [1n, 2n]);
    const [x] = g2ToEvm(G2_GENERATOR);
    // EIP-197 lists the G2 generator's x as (x1, x0) = (0x198e..., 0x1800...).
    assert.equal(x[0], 11559732032986387107991004021392285783925812861821192530917403151452391805634n);
    assert.equal(x[1], 10857046999023057135944570762232829481370756359578518086990519993285655852781n);
    assert.ok(g1FromAffine(G1_GENERATOR).equals(bn254.G1.Point.BASE));
  });
});
