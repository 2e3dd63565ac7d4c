import assert from "node:assert/strict";
import { gpuCapacity } from "../../../prover/src/gpu/capacity.js";
import { webGpuUnavailableReason } from "../../../prover/src/msm/webgpu/node.js";

const noGpu = await webGpuUnavailableReason();

describe("gpu/capacity: what a node announces (GPU flag, maxConstraints) from a measured fold step", function () {
  this.timeout(600_000);

  it("measures the CPU (and the GPU where an adapter exists); capacity follows the budget; flags are honest", async () => {
    const small = await gpuCapacity({ logN: 8, budgetMs: 2_000 });
    const big = await gpuCapacity({ logN: 8, budgetMs: 200_000 });
    for (const c of [small, big]) {
      assert.ok(c.foldMs.cpu > 0);
      assert.equal(c.maxConstraints & (c.maxConstraints - 1n), 0n, "a power of two");
      const best = c.use === "webgpu" ? (c.foldMs.webgpu as number) : c.foldMs.cpu;
      // The estimate at the announced size fits the budget (linear in constraints, 2^8 measured).
      assert.ok((best * Number(c.maxConstraints)) / 256 <= (c === small ? 2_000 : 200_000) || c.maxConstraints === 1n);
      if (noGpu) {
        assert.equal(c.foldMs.webgpu, undefined);
        assert.ok(c.reason, "says why the GPU was not measured");
      } else assert.ok((c.foldMs.webgpu ?? 0) > 0);
      // The flag needs a hardware adapter that beat the CPU: never set on llvmpipe / SwiftShader.
      if (c.software || c.use === "cpu") assert.equal(c.gpu, false);
    }
    assert.ok(big.maxConstraints > small.maxConstraints, "a larger budget gives a larger capacity");
  });
});
