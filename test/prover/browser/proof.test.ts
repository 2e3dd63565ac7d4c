import assert from "node:assert/strict";
import { isSatisfied } from "../../../prover/src/arith/r1cs.js";
import { cubicShape, cubicWitness, runLocalProof } from "../../../prover/src/browser/proof.js";
import { P } from "../../../prover/src/field/fr.js";
import { requestNodeGpuDevice, webGpuUnavailableReason } from "../../../prover/src/msm/webgpu/node.js";
import { itIfAvailable } from "../../helpers/optional.js";

const noGpu = await webGpuUnavailableReason();
const itGpu = itIfAvailable(noGpu);

/** The browser page's local proof, run in Node (the same module the bundle carries). */
describe("browser/proof: the page's local proof", function () {
  this.timeout(300_000);

  it("the cubic step circuit is z' = z³ + z + 5 and its witness satisfies it; a wrong output does not", () => {
    const shape = cubicShape();
    for (const z of [0n, 3n, P - 1n]) {
      const w = cubicWitness(z);
      assert.equal(w[1], (z * z * z + z + 5n) % P);
      assert.ok(isSatisfied(shape, w));
      assert.equal(isSatisfied(shape, [w[0], (w[1] + 1n) % P, ...w.slice(2)]), false);
    }
  });

  it("on the CPU: folds 5 hiding leaves (an uneven tree), verifies, and rejects a tampered root witness", async () => {
    const r = await runLocalProof(5);
    let z = 3n;
    for (let k = 0; k < 5; k++) z = cubicWitness(z)[1];
    assert.equal(r.ran, "cpu");
    assert.equal(r.zN, z.toString());
    assert.equal(r.verified, true);
    assert.equal(r.tamperedRejected, true);
  });

  itGpu("on a WebGPU device (Dawn here, navigator.gpu in the page): the same proof verifies", async () => {
    const got = await requestNodeGpuDevice();
    if ("reason" in got) throw new Error(got.reason);
    const r = await runLocalProof(4, 3n, got);
    assert.match(r.ran, /^webgpu/);
    assert.equal(r.verified, true);
    assert.equal(r.tamperedRejected, true);
  });
});
