import assert from "node:assert/strict";
import { srsFromTau } from "../../../prover/src/commitment/srs.js";
import { MsmBackendSelectionError } from "../../../prover/src/errors/msm.js";
import { createFfjavascriptBackend } from "../../../prover/src/msm/cpu/ffjavascript.js";
import { createNobleBackend } from "../../../prover/src/msm/cpu/noble.js";
import { calibrateMsm, createSelectedMsmBackend } from "../../../prover/src/msm/default.js";

describe("MSM calibration (NOVANET_MSM=auto)", () => {
  const srs = srsFromTau(4242n, 256);

  it("times every candidate, keeps the fastest and reports the ones that fail to start", async () => {
    const { backend, timings } = await calibrateMsm(srs.g1Lem, [
      { name: "cpu-noble-js", create: () => createNobleBackend() },
      { name: "cpu-ffjavascript-wasm", create: () => createFfjavascriptBackend({ singleThread: true }) },
      {
        name: "broken",
        create: () => {
          throw new Error("no such device");
        },
      },
    ]);
    try {
      assert.equal(timings.length, 3);
      assert.deepEqual(timings[2], { name: "broken", error: "no such device" });
      const ok = timings.filter((t) => t.ms !== undefined);
      assert.equal(ok.length, 2);
      const fastest = ok.reduce((a, b) => ((a.ms ?? 0) <= (b.ms ?? 0) ? a : b));
      assert.equal(backend.name, fastest.name);
    } finally {
      await backend.terminate();
    }
  });

  it("is a typed error when no candidate starts; unknown NOVANET_MSM values are rejected", async () => {
    await assert.rejects(
      calibrateMsm(srs.g1Lem, [
        {
          name: "broken",
          create: () => {
            throw new Error("x");
          },
        },
      ]),
      MsmBackendSelectionError,
    );
    await assert.rejects(createSelectedMsmBackend("cuda"), MsmBackendSelectionError);
  });
});
