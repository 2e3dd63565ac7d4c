import assert from "node:assert/strict";
import { network } from "hardhat";
import { batchChallenge, batchVerify, open } from "../../../prover/src/commitment/kzg.js";
import { commit } from "../../../prover/src/commitment/pedersen.js";
import { G1_GENERATOR, g1Add, g2ToEvm } from "../../../prover/src/curve/bn254.js";
import { P, randomFr } from "../../../prover/src/field/fr.js";
import { deciderSrs } from "../../prover/decider/fixtures.js";

const { viem } = await network.connect();

describe("Kzg library (batched openings, docs/protocol.md §7)", function () {
  this.timeout(120_000);

  it("ρ and the batched check agree with the TypeScript verifier; each corrupted input is rejected", async () => {
    const srs = await deciderSrs();
    const k = await viem.deployContract("KzgHarness");
    const v1 = Array.from({ length: 20 }, randomFr);
    const v2 = Array.from({ length: 33 }, randomFr);
    const b1 = randomFr();
    const cm1 = await commit(srs, v1, b1);
    const cm2 = await commit(srs, v2);
    const zeta = randomFr();
    const o1 = await open(srs, v1, zeta, b1);
    const o2 = await open(srs, v2, zeta);
    const b = { cm1, cm2, zeta, y1: o1.y, y2: o2.y, pi1: o1.pi, pi2: o2.pi };
    assert.equal(batchVerify(srs, b), true);
    const [x, y] = g2ToEvm(srs.tauG2);
    const tau = { x: [x[0], x[1]] as [bigint, bigint], y: [y[0], y[1]] as [bigint, bigint] };
    const args = (q: typeof b) => [q.cm1, q.cm2, q.zeta, q.y1, q.y2, q.pi1, q.pi2] as const;
    assert.equal(await k.read.batchChallenge(args(b)), batchChallenge(b));
    assert.equal(await k.read.verifyBatch([...args(b), tau]), true);
    const bump = (s: bigint) => (s + 1n) % P;
    const moved = (p: typeof cm1) => g1Add(p, G1_GENERATOR);
    for (const bad of [
      { ...b, cm1: moved(cm1) },
      { ...b, cm2: moved(cm2) },
      { ...b, zeta: bump(zeta) },
      { ...b, y1: bump(b.y1) },
      { ...b, y2: bump(b.y2) },
      { ...b, pi1: moved(b.pi1) },
      { ...b, pi2: moved(b.pi2) },
      { ...b, pi1: b.pi2, pi2: b.pi1 },
    ]) {
      assert.equal(batchVerify(srs, bad), false);
      assert.equal(await k.read.verifyBatch([...args(bad), tau]), false);
    }
    await assert.rejects(k.read.verifyBatch([...args({ ...b, y1: P }), tau]), /Bn254ScalarNotInField/);
    await assert.rejects(k.read.verifyBatch([...args({ ...b, pi1: { x: 1n, y: 3n } }), tau]), /Bn254PointNotOnCurve/);
  });
});
