/**
 * `npm run bench:msm [-- --sizes 16,18,20 --reps 3]`: the native MSM backend (C++ addon,
 * prover/native/msm) against ffjavascript's multi-threaded wasm MSM, side by side in one process.
 *
 * For each size n = 2^k: n random-looking affine points (a·b^i·G) and n uniform 32-byte scalars in F_p;
 * one warm-up per backend, then `reps` rounds that alternate the two backends (ABAB…, so that a change
 * in the shared machine's load hits both alike); every number is the median, ratio = ffjavascript / native.
 * Both results are checked equal. Writes bench/results/msm.json. Needs `scripts/build-native.sh` first.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { buildBn128 } from "ffjavascript";
import { P } from "../../prover/src/field/fr.js";
import { scalarsToLe } from "../../prover/src/msm/backend.js";
import { createFfjavascriptBackend } from "../../prover/src/msm/cpu/ffjavascript.js";
import { createNativeBackend } from "../../prover/src/msm/cpu/native.js";
import { geometricLemPoints } from "../../test/helpers/msm.js";

type Row = { log2: number; points: number; ffjavascriptMs: number; nativeMs: number; ratio: number };

const log = (e: Record<string, unknown>) => process.stderr.write(`${JSON.stringify({ bench: "msm", ...e })}\n`);
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { sizes: { type: "string", default: "16,18,20" }, reps: { type: "string", default: "3" } },
  });
  const sizes = values.sizes.split(",").map(Number);
  const reps = Number(values.reps);
  const native = createNativeBackend();
  const ff = await createFfjavascriptBackend();
  const curve = await buildBn128(false);
  const rows: Row[] = [];
  const load0 = loadavg()[0];
  for (const k of sizes) {
    const n = 2 ** k;
    log({ size: `2^${k}`, step: "inputs" });
    const points = await geometricLemPoints(curve, n);
    const scalars: bigint[] = [];
    for (let i = 0; i < n; i++) scalars.push(BigInt(`0x${randomBytes(32).toString("hex")}`) % P);
    const le = scalarsToLe(scalars);
    const a = await ff.msm(points, le);
    const b = await native.msm(points, le);
    if (a.x !== b.x || a.y !== b.y) {
      throw new Error(`native and ffjavascript MSMs differ at 2^${k}`);
    }
    const ffMs: number[] = [];
    const nativeMs: number[] = [];
    for (let r = 0; r < reps; r++) {
      let t = performance.now();
      await ff.msm(points, le);
      ffMs.push(performance.now() - t);
      t = performance.now();
      await native.msm(points, le);
      nativeMs.push(performance.now() - t);
    }
    const row: Row = {
      log2: k,
      points: n,
      ffjavascriptMs: Math.round(median(ffMs) * 10) / 10,
      nativeMs: Math.round(median(nativeMs) * 10) / 10,
      ratio: Math.round((median(ffMs) / median(nativeMs)) * 100) / 100,
    };
    rows.push(row);
    log({ size: `2^${k}`, ...row, ffjavascriptRuns: ffMs, nativeRuns: nativeMs });
  }
  await ff.terminate();

  const head = ["points", "ffjavascript ms", "native ms", "ratio"];
  const lines = rows.map((r) => [
    `2^${r.log2}`,
    r.ffjavascriptMs.toFixed(1),
    r.nativeMs.toFixed(1),
    `${r.ratio.toFixed(2)}×`,
  ]);
  const widths = head.map((h, j) => Math.max(h.length, ...lines.map((l) => l[j].length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, j) => c.padStart(widths[j])).join(" | ")} |`;
  const out = [
    `bench:msm — ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, load average ${load0.toFixed(1)} → ${loadavg()[0].toFixed(1)}`,
    fmt(head),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...lines.map(fmt),
    `target: native ≥ 6× ffjavascript at 2^16 and 2^18 — ${rows
      .filter((r) => r.log2 === 16 || r.log2 === 18)
      .map((r) => `2^${r.log2}: ${r.ratio >= 6 ? "met" : "NOT met"}`)
      .join(", ")}`,
  ];
  process.stdout.write(`${out.join("\n")}\n`);
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/msm.json", `${JSON.stringify(rows, null, 2)}\n`);
  process.stdout.write("wrote bench/results/msm.json\n");
}

main()
  .then(() => process.exit(0))
  .catch((err) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
