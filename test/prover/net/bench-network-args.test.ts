/**
 * `npm run bench:network`'s options (scripts/bench/helia.ts): which sections run, the transfer sizes,
 * and a one-line error for anything it does not know. Offline: nothing here installs or starts Helia.
 */
import assert from "node:assert/strict";
import { DEFAULT_MIB, parseNetworkBenchArgs } from "../../../scripts/bench/helia.js";

describe("bench:network options", () => {
  it("defaults: both sections, 10, 100 and 500 MiB, Helia measured", () => {
    assert.deepEqual(parseNetworkBenchArgs([]), { mib: DEFAULT_MIB, helia: true });
    assert.deepEqual(DEFAULT_MIB, [10, 100, 500]);
  });

  it("--only transfer, --mib, --no-helia", () => {
    assert.deepEqual(parseNetworkBenchArgs(["--only", "transfer", "--mib", "10,100"]), {
      only: "transfer",
      mib: [10, 100],
      helia: true,
    });
    assert.deepEqual(parseNetworkBenchArgs(["--mib", "500", "--no-helia"]), { mib: [500], helia: false });
    assert.deepEqual(parseNetworkBenchArgs(["--only", "jobs"]).only, "jobs");
  });

  it("--mib wins over NOVANET_BENCH_MIB, which wins over the default", () => {
    assert.deepEqual(parseNetworkBenchArgs(["--mib", "10"], "100,500").mib, [10]);
    assert.deepEqual(parseNetworkBenchArgs([], "100,500").mib, [100, 500]);
    assert.deepEqual(parseNetworkBenchArgs([], "none").mib, []);
  });

  it("rejects unknown options and bad sizes with one line", () => {
    for (const argv of [["--only"], ["--only", "helia"], ["--mib"], ["--mib", "10,x"], ["--mib", "0"], ["--large"]]) {
      assert.throws(
        () => parseNetworkBenchArgs(argv),
        (e: Error) => !e.message.includes("\n") && /--only|--mib|unknown option/.test(e.message),
        argv.join(" "),
      );
    }
    assert.throws(() => parseNetworkBenchArgs([], "ten"), /NOVANET_BENCH_MIB/);
  });
});
