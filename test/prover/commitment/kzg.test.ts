import assert from "node:assert/strict";
import { batchVerify, open, verifyOpening } from "../../../prover/src/commitment/kzg.js";
import { commit } from "../../../prover/src/commitment/pedersen.js";
import type { Srs } from "../../../prover/src/commitment/srs.js";
import { G1_GENERATOR, g1Add, randomScalar } from "../../../prover/src/curve/bn254.js";
import { FieldElementError, InvalidPointError } from "../../../prover/src/errors/curve.js";
import { evalPoly, P } from "../../../prover/src/field/fr.js";
import { terminateDefaultMsmBackend } from "../../../prover/src/msm/default.js";
import { testSrs } from "../../helpers/prover.js";

describe("commitment/kzg", () => {
  let srs: Srs;
  before(async () => {
    srs = await testSrs(64);
  });
  after(terminateDefaultMsmBackend);

  const v = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? 0n : randomScalar()));
  const w = Array.from({ length: 25 }, () => randomScalar());

  it("accepts an honest opening, with and without hiding", async () => {
    const zeta = randomScalar();
    const cm = await commit(srs, v);
    const { y, pi } = await open(srs, v, zeta);
    assert.equal(y, evalPoly(v, zeta));
    assert.ok(verifyOpening(srs, cm, zeta, y, pi));
    const blind = randomScalar();
    const cmH = await commit(srs, v, blind);
    const oh = await open(srs, v, zeta, blind);
    assert.equal(oh.y, evalPoly([...v, blind], zeta));
    assert.ok(verifyOpening(srs, cmH, zeta, oh.y, oh.pi));
  });

  it("rejects a wrong y, a wrong ζ, a wrong π and a wrong commitment", async () => {
    const zeta = randomScalar();
    const cm = await commit(srs, v);
    const { y, pi } = await open(srs, v, zeta);
    assert.equal(verifyOpening(srs, cm, zeta, (y + 1n) % P, pi), false);
    assert.equal(verifyOpening(srs, cm, (zeta + 1n) % P, y, pi), false);
    assert.equal(verifyOpening(srs, cm, zeta, y, g1Add(pi, G1_GENERATOR)), false);
    assert.equal(verifyOpening(srs, await commit(srs, w), zeta, y, pi), false);
  });

  it("rejects malformed inputs with typed errors", async () => {
    const cm = await commit(srs, v);
    const { y, pi } = await open(srs, v, 5n);
    assert.throws(() => verifyOpening(srs, cm, P, y, pi), FieldElementError);
    assert.throws(() => verifyOpening(srs, cm, 5n, y, { x: 1n, y: 1n }), InvalidPointError);
  });

  it("batchVerify accepts two honest openings and rejects if either is wrong", async () => {
    const zeta = randomScalar();
    const rW = randomScalar();
    const cm1 = await commit(srs, v, rW);
    const cm2 = await commit(srs, w);
    const o1 = await open(srs, v, zeta, rW);
    const o2 = await open(srs, w, zeta);
    const ok = { cm1, cm2, zeta, y1: o1.y, y2: o2.y, pi1: o1.pi, pi2: o2.pi };
    assert.ok(batchVerify(srs, ok));
    assert.equal(batchVerify(srs, { ...ok, y1: (o1.y + 1n) % P }), false);
    assert.equal(batchVerify(srs, { ...ok, y2: (o2.y + 1n) % P }), false);
    assert.equal(batchVerify(srs, { ...ok, pi2: o1.pi }), false);
    assert.equal(batchVerify(srs, { ...ok, cm1: cm2, cm2: cm1 }), false);
  });
});
