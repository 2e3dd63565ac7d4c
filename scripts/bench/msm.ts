/**
 * `npm run bench:msm [-- --sizes 16,18,20 --reps 3 --kinds uniform,witness]`: the native MSM backend (C++ addon,
 * prover/native/msm) against ffjavascript's multi-threaded wasm MSM, side by side in one process.
 *
 * For each size n = 2^k: n random-looking affine points (a·b^i·G) and, per `--kinds`, n uniform scalars
 * in F_p or witness-like ones (70 % bits, 20 % 32-bit words, 10 % uniform: a SHA-256 step's witness);
 * one warm-up per backend, then `reps` rounds (1 at 2^20) that alternate ffjavascript, the native `msm`
 * (points passed per call), the native fixed-base `msmFixed` (points prepared once, as the SRS is) and
 * `msmFixed` over bases that also carry their table of precomputed window multiples (docs/msm.md; built
 * untimed before the rounds, its build time and size reported), so that a change in the shared machine's load hits all alike; every number is the median,
 * ratio = ffjavascript / native. All results are checked equal. Writes bench/results/msm.json. Needs
 * `scripts/build-native.sh` first.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { buildBn128 } from "ffjavascript";
import { P } from "../../prover/src/field/fr.js";
import { scalarsToLe } from "../../prover/src/msm/backend.js";
import { createFfjavascriptBackend } from "../../prover/src/msm/cpu/ffjavascript.js";
import { createNativeBackend, fixedBasesInfo } from "../../prover/src/msm/cpu/native.js";
import { geometricLemPoints } from "../../test/helpers/msm.js";

type Kind = "uniform" | "witness";
type Row = {
  log2: number;
  points: number;
  scalars: Kind;
  ffjavascriptMs: number;
  nativeMs: number;
  nativeFixedMs: number;
  nativeTableMs: number;
  ratio: number;
  ratioFixed: number;
  ratioTable: number;
  tableBuildMs: number;
  tableBytes: number;
  tableWindow: number;
  load: number;
};

const log = (e: Record<string, unknown>) => process.stderr.write(`${JSON.stringify({ bench: "msm", ...e })}\n`);
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * `uniform`: uniform in F_p (a cross term, a folded witness). `witness`: like a SHA-256 step's witness —
 * 70 % bits (half of them 0), 20 % 32-bit words, 10 % uniform.
 */
function scalarsOf(kind: Kind, n: number): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < n; i++) {
    const u = () => BigInt(`0x${randomBytes(32).toString("hex")}`) % P;
    if (kind === "uniform") out.push(u());
    else {
      const r = randomBytes(1)[0] % 10;
      out.push(r < 7 ? BigInt(randomBytes(1)[0] & 1) : r < 9 ? BigInt(randomBytes(4).readUInt32LE(0)) : u());
    }
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: "string", default: "16,18,20" },
      reps: { type: "string", default: "3" },
      kinds: { type: "string", default: "uniform,witness" },
    },
  });
  const sizes = values.sizes.split(",").map(Number);
  const kinds = values.kinds.split(",") as Kind[];
  const native = createNativeBackend();
  if (!native.msmFixed) throw new Error("the native addon predates msmFixed: run scripts/build-native.sh");
  const fixed = native.msmFixed.bind(native);
  const ff = await createFfjavascriptBackend();
  const curve = await buildBn128(false);
  const rows: Row[] = [];
  const load0 = loadavg()[0];
  for (const k of sizes) {
    const n = 2 ** k;
    // Fewer rounds at 2^20 (ffjavascript takes minutes there on 2 loaded cores).
    const reps = k >= 20 ? 1 : Number(values.reps);
    log({ size: `2^${k}`, step: "inputs" });
    const points = await geometricLemPoints(curve, n);
    for (const kind of kinds) {
      const le = scalarsToLe(scalarsOf(kind, n));
      // Warm-up and check: all three agree (the fixed-base call also prepares the bases, untimed).
      const a = await ff.msm(points, le);
      const b = await native.msm(points, le);
      const c = await fixed(points, le);
      // The same bases in a second buffer whose handle builds its table at its first MSM (timed once).
      const tablePoints = new Uint8Array(points);
      process.env.NOVANET_MSM_TABLE_AFTER = "0";
      let t0 = performance.now();
      const d = await fixed(tablePoints, le);
      const tableBuildMs = performance.now() - t0;
      delete process.env.NOVANET_MSM_TABLE_AFTER;
      const info = fixedBasesInfo(tablePoints);
      if (a.x !== b.x || a.y !== b.y || a.x !== c.x || a.y !== c.y || a.x !== d.x || a.y !== d.y) {
        throw new Error(`native and ffjavascript MSMs differ at 2^${k} (${kind})`);
      }
      t0 = performance.now();
      await fixed(tablePoints, le);
      const tableMsmMs = performance.now() - t0;
      const ffMs: number[] = [];
      const nativeMs: number[] = [];
      const fixedMs: number[] = [];
      const tableMs: number[] = [];
      for (let r = 0; r < reps; r++) {
        let t = performance.now();
        await ff.msm(points, le);
        ffMs.push(performance.now() - t);
        t = performance.now();
        await native.msm(points, le);
        nativeMs.push(performance.now() - t);
        t = performance.now();
        await fixed(points, le);
        fixedMs.push(performance.now() - t);
        t = performance.now();
        await fixed(tablePoints, le);
        tableMs.push(performance.now() - t);
      }
      const row: Row = {
        log2: k,
        points: n,
        scalars: kind,
        ffjavascriptMs: Math.round(median(ffMs) * 10) / 10,
        nativeMs: Math.round(median(nativeMs) * 10) / 10,
        nativeFixedMs: Math.round(median(fixedMs) * 10) / 10,
        ratio: Math.round((median(ffMs) / median(nativeMs)) * 100) / 100,
        ratioFixed: Math.round((median(ffMs) / median(fixedMs)) * 100) / 100,
        nativeTableMs: Math.round(median(tableMs) * 10) / 10,
        ratioTable: Math.round((median(ffMs) / median(tableMs)) * 100) / 100,
        // The first MSM on the table's handle, less one MSM with the table: the build.
        tableBuildMs: Math.round(tableBuildMs - tableMsmMs),
        tableBytes: info?.tableBytes ?? 0,
        tableWindow: info?.tableWindow ?? 0,
        load: Math.round(loadavg()[0] * 10) / 10,
      };
      rows.push(row);
      log({ ...row, ffjavascriptRuns: ffMs, nativeRuns: nativeMs, fixedRuns: fixedMs, tableRuns: tableMs });
    }
  }
  await ff.terminate();

  const head = [
    "points",
    "scalars",
    "ffjavascript ms",
    "native ms",
    "ratio",
    "native fixed-base ms",
    "ratio",
    "fixed + table ms",
    "ratio",
    "table (build ms, MiB, c)",
    "load",
  ];
  const lines = rows.map((r) => [
    `2^${r.log2}`,
    r.scalars,
    r.ffjavascriptMs.toFixed(1),
    r.nativeMs.toFixed(1),
    `${r.ratio.toFixed(2)}×`,
    r.nativeFixedMs.toFixed(1),
    `${r.ratioFixed.toFixed(2)}×`,
    r.nativeTableMs.toFixed(1),
    `${r.ratioTable.toFixed(2)}×`,
    `${r.tableBuildMs}, ${(r.tableBytes / 2 ** 20).toFixed(0)}, ${r.tableWindow}`,
    r.load.toFixed(1),
  ]);
  const widths = head.map((h, j) => Math.max(h.length, ...lines.map((l) => l[j].length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, j) => c.padStart(widths[j])).join(" | ")} |`;
  const target = rows.filter((r) => (r.log2 === 16 || r.log2 === 18) && r.scalars === "uniform");
  const out = [
    `bench:msm — ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, load average ${load0.toFixed(1)} → ${loadavg()[0].toFixed(1)}`,
    fmt(head),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...lines.map(fmt),
    `target: native ≥ 6× ffjavascript at 2^16 and 2^18 (uniform scalars) — ${target
      .map(
        (r) =>
          `2^${r.log2}: plain ${r.ratio >= 6 ? "met" : "NOT met"}, fixed ${r.ratioFixed >= 6 ? "met" : "NOT met"}, table ${r.ratioTable >= 6 ? "met" : "NOT met"}`,
      )
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
