import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { batchChallenge, batchVerify } from "../../../prover/src/commitment/kzg.js";
import type { Srs } from "../../../prover/src/commitment/srs.js";
import { G2_GENERATOR, g1Neg, g2FromEvm, pairingProductIsOne } from "../../../prover/src/curve/bn254.js";
import { KZG_VECTOR_FILE, renderKzgBatchVectors } from "../../../scripts/vectors/kzg-batch.js";

type P2 = { x: string; y: string };
const pt = (p: P2) => ({ x: BigInt(p.x), y: BigInt(p.y) });

describe("commitment: shared KZG batch vectors", () => {
  it(`${KZG_VECTOR_FILE} matches what the code computes (regenerate: npx tsx scripts/vectors/kzg-batch.ts)`, async () => {
    assert.equal(readFileSync(KZG_VECTOR_FILE, "utf8"), await renderKzgBatchVectors());
  });

  it("every case re-verifies from the JSON alone: ρ, L, R and the accept/reject verdict", () => {
    const v = JSON.parse(readFileSync(KZG_VECTOR_FILE, "utf8"));
    const tauG2 = g2FromEvm([
      [BigInt(v.tauG2.x[0]), BigInt(v.tauG2.x[1])],
      [BigInt(v.tauG2.y[0]), BigInt(v.tauG2.y[1])],
    ]);
    const srs: Srs = { n: 0, g1Lem: new Uint8Array(0), tauG2 };
    let accepted = 0;
    for (const c of v.cases) {
      const b = {
        cm1: pt(c.cm1),
        cm2: pt(c.cm2),
        zeta: BigInt(c.zeta),
        y1: BigInt(c.y1),
        y2: BigInt(c.y2),
        pi1: pt(c.pi1),
        pi2: pt(c.pi2),
      };
      assert.equal(batchChallenge(b), BigInt(c.rho), c.name);
      assert.equal(batchVerify(srs, b), c.valid, c.name);
      assert.equal(pairingProductIsOne([pt(c.L), g1Neg(pt(c.R))], [G2_GENERATOR, tauG2]), c.valid, c.name);
      if (c.valid) accepted++;
    }
    assert.ok(accepted >= 3 && accepted < v.cases.length);
  });
});
