/**
 * `node --import tsx scripts/bench/blind-fold.ts [--size 14] [--rounds 3]`: the decider's satisfaction
 * check + blinding fold, bigint (`isRelaxedSatisfied` + prove.ts `blindFold`) against the packed kernels
 * (blindPacked.ts `checkAndBlindPacked`), alternating in one process on the same random satisfied
 * instance of the bench_sized step (2^k − 3 constraints). Prints a table and writes
 * bench/results/blind-fold.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { defaultFieldKernels } from "../../prover/src/arith/kernels.js";
import { loadR1cs } from "../../prover/src/arith/r1cs.js";
import { isRelaxedSatisfied } from "../../prover/src/arith/relaxed.js";
import { circuitForSize } from "../../prover/src/circuits/sized.js";
import { devPowerFor, ensureDevPtau } from "../../prover/src/commitment/devsrs.js";
import { loadSrsFromPtau } from "../../prover/src/commitment/srs.js";
import { checkAndBlindPacked } from "../../prover/src/decider/blindPacked.js";
import { blindFold, randomRelaxedPair } from "../../prover/src/decider/prove.js";
import { terminateDefaultMsmBackend } from "../../prover/src/msm/default.js";

const { values } = parseArgs({
  options: { size: { type: "string", default: "14" }, rounds: { type: "string", default: "3" } },
});
const k = Number(values.size);
const c = await circuitForSize(k);
const shape = await loadR1cs(c.r1csPath);
const n = Math.max(shape.nW, shape.m) + 2;
const srs = await loadSrsFromPtau(await ensureDevPtau(devPowerFor(n), { warn: () => {}, onProgress: () => {} }), n);
const { U, W } = await randomRelaxedPair(shape, srs);
await checkAndBlindPacked(shape, srs, U, W, true); // warm-up (MSM backend, CSR packing)
const rows: { round: number; bigintMs: number; packedMs: number }[] = [];
for (let r = 0; r < Number(values.rounds); r++) {
  let t = performance.now();
  if (!isRelaxedSatisfied(shape, U, W)) throw new Error("unsatisfied");
  await blindFold(shape, srs, U, W);
  const bigintMs = Math.round(performance.now() - t);
  t = performance.now();
  await checkAndBlindPacked(shape, srs, U, W, true);
  const packedMs = Math.round(performance.now() - t);
  rows.push({ round: r, bigintMs, packedMs });
}
console.log(`blind fold, 2^${k} − 3 constraints (kernels: ${defaultFieldKernels().name})`);
console.log("| round | bigint (check + blindFold) | packed (checkAndBlindPacked) | ratio |");
console.log("|---|---|---|---|");
for (const r of rows)
  console.log(`| ${r.round} | ${r.bigintMs} ms | ${r.packedMs} ms | ${(r.bigintMs / r.packedMs).toFixed(1)}× |`);
mkdirSync("bench/results", { recursive: true });
writeFileSync(
  "bench/results/blind-fold.json",
  `${JSON.stringify({ size: k, kernels: defaultFieldKernels().name, rows }, null, 2)}\n`,
);
await terminateDefaultMsmBackend();
