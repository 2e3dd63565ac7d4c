import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { network } from "hardhat";
import { batchChallenge, batchVerify, open } from "../../../prover/src/commitment/kzg.js";
import { commit } from "../../../prover/src/commitment/pedersen.js";
import { G1_GENERATOR, g1Add, g2ToEvm } from "../../../prover/src/curve/bn254.js";
import { P, randomFr } from "../../../prover/src/field/fr.js";
import { KZG_VECTOR_FILE } from "../../../scripts/vectors/kzg-batch.js";
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

  // The same file test/prover/commitment/vectors.test.ts checks against the TypeScript verifier: every
  // case's ρ, (L, R) and verdict, through the on-chain library, from the JSON alone.
  it(`every case of ${KZG_VECTOR_FILE}: ρ, (L, R) and the verdict (valid ones pass, corrupted ones fail)`, async () => {
    type Pt = { x: string; y: string };
    type Case = Record<"cm1" | "cm2" | "pi1" | "pi2" | "L" | "R", Pt> &
      Record<"zeta" | "y1" | "y2" | "rho", string> & { name: string; valid: boolean };
    const v = JSON.parse(readFileSync(KZG_VECTOR_FILE, "utf8")) as {
      tauG2: { x: [string, string]; y: [string, string]; order: string };
      cases: Case[];
    };
    assert.match(v.tauG2.order, /EIP-197/);
    const tau = {
      x: [BigInt(v.tauG2.x[0]), BigInt(v.tauG2.x[1])] as [bigint, bigint],
      y: [BigInt(v.tauG2.y[0]), BigInt(v.tauG2.y[1])] as [bigint, bigint],
    };
    const pt = (p: Pt) => ({ x: BigInt(p.x), y: BigInt(p.y) });
    const k = await viem.deployContract("KzgHarness");
    let valid = 0;
    let corrupted = 0;
    for (const c of v.cases) {
      const args = [pt(c.cm1), pt(c.cm2), BigInt(c.zeta), BigInt(c.y1), BigInt(c.y2), pt(c.pi1), pt(c.pi2)] as const;
      assert.equal(await k.read.batchChallenge(args), BigInt(c.rho), `${c.name}: ρ`);
      const [l, r] = await k.read.batchTerms(args);
      assert.deepEqual([l, r], [pt(c.L), pt(c.R)], `${c.name}: (L, R)`);
      assert.equal(await k.read.verifyBatch([...args, tau]), c.valid, `${c.name}: verdict`);
      if (c.valid) valid++;
      else corrupted++;
    }
    assert.ok(valid >= 3 && corrupted >= 3, `${valid} valid, ${corrupted} corrupted cases`);
  });
});
