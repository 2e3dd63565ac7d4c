/**
 * `npm run bench:srs`: the cost of binding and checking EVERY SRS power (docs/trust.md) against the
 * incumbent that bound and checked only a few, at each n, on this machine, in the same run:
 * - digest: incumbent `keccak(abi.encode(n, g0, g1, g_{n−1}, tauG2))` vs `srsDigest` =
 *   `keccak(abi.encode(n, powersHash over all n powers, tauG2))` (fresh SRS object each run: no cache);
 * - check: incumbent one pairing `e([τ]G1, G2) = e(G1, [τ]G2)` vs `checkSrsStructure` (every power on
 *   the curve, two MSMs with 16-byte random scalars, one pairing product).
 * Powers come from the committed INSECURE dev fixture (test/fixtures/ptau/dev-11.ptau, up to 4095).
 * Prints a table and writes bench/results/srs.json. Medians of `--reps` (default 5).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { encodeAbiParameters, keccak256 } from "viem";
import {
  checkSrsConsistency,
  checkSrsStructure,
  loadSrsFromPtau,
  type Srs,
  srsDigest,
  srsG1,
} from "../../prover/src/commitment/srs.js";
import { defaultMsmBackend, terminateDefaultMsmBackend } from "../../prover/src/msm/default.js";

const { values } = parseArgs({ options: { reps: { type: "string", default: "5" } } });
const reps = Number(values.reps);
const median = (v: number[]) => v.slice().sort((a, b) => a - b)[Math.floor(v.length / 2)];
const time = async (f: () => unknown | Promise<unknown>) => {
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await f();
    t.push(performance.now() - t0);
  }
  return median(t);
};

function incumbentDigest(srs: Srs) {
  const g = [srsG1(srs, 0), srsG1(srs, 1), srsG1(srs, srs.n - 1)];
  const t = srs.tauG2;
  return keccak256(
    encodeAbiParameters(
      [{ type: "uint256" }, { type: "uint256[6]" }, { type: "uint256[4]" }],
      [BigInt(srs.n), g.flatMap((p) => [p.x, p.y]) as never, [t.x.c1, t.x.c0, t.y.c1, t.y.c0]],
    ),
  );
}

const full = await loadSrsFromPtau("test/fixtures/ptau/dev-11.ptau", 4095);
const backend = await defaultMsmBackend();
const rows: Record<string, number | string>[] = [];
for (const n of [256, 1024, 4095]) {
  const fresh = (): Srs => ({ n, g1Lem: full.g1Lem.subarray(0, 64 * n), tauG2: full.tauG2 });
  const srs = fresh();
  await checkSrsStructure(srs, backend); // warm-up
  rows.push({
    n,
    incumbentDigestMs: await time(() => incumbentDigest(fresh())),
    digestAllPowersMs: await time(() => srsDigest(fresh())),
    incumbentCheckMs: await time(() => checkSrsConsistency(fresh())),
    structureCheckMs: await time(() => checkSrsStructure(fresh(), backend)),
  });
}
await terminateDefaultMsmBackend();
const fmt = (v: number | string) => (typeof v === "number" && !Number.isInteger(v) ? v.toFixed(1) : String(v));
const cols = Object.keys(rows[0]);
console.log(`msm backend: ${backend.name}, reps ${reps} (median)`);
console.log(cols.map((c) => c.padStart(18)).join(""));
for (const r of rows) console.log(cols.map((c) => fmt(r[c]).padStart(18)).join(""));
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/srs.json", `${JSON.stringify({ backend: backend.name, reps, rows }, null, 2)}\n`);
