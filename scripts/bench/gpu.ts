/**
 * `npm run bench:gpu [-- --sizes 12,14,16 --reps 2]`: the WebGPU MSM backend against the native CPU
 * addon and ffjavascript's wasm MSM, side by side in one process, on uniform and on witness-like
 * scalars (2/3 zeros, the rest mostly 1, a few small: what fold-step commitments see).
 *
 * For each size and scalar kind: one warm-up per backend (the first WebGPU call also compiles the kernels
 * and uploads the bases; its compile time is reported on its own), then `reps` rounds alternating the
 * backends; medians. All results are checked equal. Writes bench/results/gpu.json with the adapter's
 * name. Backends that cannot start (no addon, no adapter) are reported and left out of the table. On a
 * software adapter (llvmpipe) keep sizes ≤ 2^16; on a GPU machine pass --sizes 16,18,20,22.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { buildBn128 } from "ffjavascript";
import { G1_GENERATOR } from "../../prover/src/curve/bn254.js";
import { P } from "../../prover/src/field/fr.js";
import { type MsmBackend, scalarsToLe } from "../../prover/src/msm/backend.js";
import { createFfjavascriptBackend } from "../../prover/src/msm/cpu/ffjavascript.js";
import { createNativeBackend } from "../../prover/src/msm/cpu/native.js";
import { g1ToLem } from "../../prover/src/msm/lem.js";
import { createWebGpuBackend } from "../../prover/src/msm/webgpu/node.js";
import { geometricLemPoints } from "../../test/helpers/msm.js";

type Row = { log2: number; points: number; scalars: "uniform" | "witness"; ms: Record<string, number> };

const log = (e: Record<string, unknown>) => process.stderr.write(`${JSON.stringify({ bench: "gpu", ...e })}\n`);
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { sizes: { type: "string", default: "12,14,16" }, reps: { type: "string", default: "2" } },
  });
  const sizes = values.sizes.split(",").map(Number);
  const reps = Number(values.reps);
  const backends: { key: string; b: MsmBackend }[] = [];
  const skipped: Record<string, string> = {};
  let adapter = "none";
  let compileMs: number | undefined;
  try {
    const t = performance.now();
    const gpu = await createWebGpuBackend();
    // The first call compiles the kernels (lazily, on some drivers): timed apart from the MSMs.
    const one = new Uint8Array(64);
    g1ToLem(G1_GENERATOR, one);
    await gpu.msm(one, scalarsToLe([1n]));
    compileMs = Math.round(performance.now() - t);
    adapter = gpu.adapter;
    backends.push({ key: "webgpu", b: gpu });
    log({ step: "webgpu", adapter, compileMs });
  } catch (error) {
    skipped.webgpu = (error as Error).message.split("\n").join(" ");
  }
  try {
    backends.push({ key: "native", b: createNativeBackend() });
  } catch (error) {
    skipped.native = (error as Error).message.split("\n").join(" ");
  }
  backends.push({ key: "ffjavascript", b: await createFfjavascriptBackend() });
  if (Object.keys(skipped).length > 0) log({ skipped });
  const curve = await buildBn128(false);
  const rows: Row[] = [];
  const load0 = loadavg()[0];
  for (const k of sizes) {
    const n = 2 ** k;
    log({ size: `2^${k}`, step: "inputs" });
    const points = await geometricLemPoints(curve, n);
    const uniform: bigint[] = [];
    const witness: bigint[] = [];
    for (let i = 0; i < n; i++) {
      uniform.push(BigInt(`0x${randomBytes(32).toString("hex")}`) % P);
      witness.push(i % 3 !== 0 ? 0n : i % 47 === 0 ? BigInt(randomBytes(2).readUInt16LE()) : 1n);
    }
    for (const [kind, scalars] of [
      ["uniform", uniform],
      ["witness", witness],
    ] as const) {
      const le = scalarsToLe(scalars);
      const results = [];
      for (const { b } of backends) results.push(await b.msm(points, le));
      for (let j = 1; j < results.length; j++) {
        if (results[j].x !== results[0].x || results[j].y !== results[0].y) {
          throw new Error(`${backends[j].key} and ${backends[0].key} MSMs differ at 2^${k} (${kind})`);
        }
      }
      const runs: Record<string, number[]> = Object.fromEntries(backends.map(({ key }) => [key, []]));
      for (let r = 0; r < reps; r++) {
        for (const { key, b } of backends) {
          const t = performance.now();
          await b.msm(points, le);
          runs[key].push(performance.now() - t);
        }
      }
      const ms = Object.fromEntries(Object.entries(runs).map(([key, v]) => [key, Math.round(median(v) * 10) / 10]));
      rows.push({ log2: k, points: n, scalars: kind, ms });
      log({ size: `2^${k}`, scalars: kind, ms, runs });
    }
  }
  for (const { b } of backends) await b.terminate();

  const keys = backends.map(({ key }) => key);
  const head = [
    "points",
    "scalars",
    ...keys.map((k) => `${k} ms`),
    ...(keys.includes("native") && keys.includes("webgpu") ? ["webgpu / native"] : []),
  ];
  const lines = rows.map((r) => [
    `2^${r.log2}`,
    r.scalars,
    ...keys.map((k) => r.ms[k].toFixed(1)),
    ...(keys.includes("native") && keys.includes("webgpu") ? [`${(r.ms.webgpu / r.ms.native).toFixed(2)}×`] : []),
  ]);
  const widths = head.map((h, j) => Math.max(h.length, ...lines.map((l) => l[j].length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, j) => c.padStart(widths[j])).join(" | ")} |`;
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB`;
  const out = [
    `bench:gpu — adapter: ${adapter}${compileMs !== undefined ? ` (kernels compiled in ${compileMs} ms)` : ""}; ${machine}, node ${process.version}, load average ${load0.toFixed(1)} → ${loadavg()[0].toFixed(1)}`,
    fmt(head),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...lines.map(fmt),
    ...Object.entries(skipped).map(([k, why]) => `${k}: not run (${why})`),
  ];
  process.stdout.write(`${out.join("\n")}\n`);
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(
    "bench/results/gpu.json",
    `${JSON.stringify({ adapter, compileMs, machine, skipped, rows }, null, 2)}\n`,
  );
  process.stdout.write("wrote bench/results/gpu.json\n");
}

main()
  .then(() => process.exit(0))
  .catch((err) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
