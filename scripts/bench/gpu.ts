/**
 * `npm run bench:gpu [-- --sizes 16,18 --witness-sizes 20,22 --fold 16 --reps 1 --ffjs]`: the WebGPU backends against the
 * native CPU ones, side by side in one process, with the adapter's name.
 *
 * - MSM rows (`--sizes`): uniform scalars, and witness-like ones (2/3 zeros, the rest mostly 1, 1 in 47
 *   a 16-bit value, 1 in 1009 full width: what leaf commitments see) — the WebGPU MSM (partition by bit
 *   length, msm/webgpu/msm.ts), on uniform scalars also with GLV (`webgpu-glv`), on witness
 *   ones also without the partition (`webgpu-nopart`) up to `--compare-max` (default 18), beside the
 *   native addon (and ffjavascript's wasm MSM with `--ffjs`). `--witness-sizes 20,22`: sizes run on
 *   witness-like scalars only (on a software adapter a uniform 2^20 MSM takes many minutes).
 * - Fold-step rows (`--fold`): one whole `proveFold` at 2^k constraints (W of 2^k entries) on synthetic
 *   running pairs (uniform products, E and folded W as inside a tree; a witness-like right child):
 *   cross term T, cmT (MSM over the SRS), challenge, the W/E/product folds — GPU (gpu/fold.ts + the WebGPU
 *   MSM) against the CPU (native field kernels + native MSM); and the leaf products Az|Bz|Cz (a random
 *   R1CS of 3 non-zeros per row) on each.
 *
 * - `webgpu-hostsort` (sizes ≤ `--sort-max`, default 18): the same MSM with the digits and the bucket sort
 *   on the host (the path before they moved to the GPU), and rows `digits+sort`: that stage alone, GPU
 *   (`webgpu`) against host (`host`), one pass over all n scalars; last column: host / GPU.
 * - `--reps 0`: each row runs once (the checked warm-up is the measurement); `--out` another JSON file.
 *
 * For each row: one warm-up per backend (the first WebGPU call also compiles the kernels; reported apart),
 * then `reps` rounds alternating the backends; medians. Bases: 2^18 + 1 distinct points, repeated beyond
 * (`distinctBases` in the JSON). All results are checked equal (MSM sums; T,
 * cmT, r, W, E, products byte for byte). Sizes that did not run are listed with an estimate. Writes
 * bench/results/gpu.json. On a software adapter (llvmpipe) keep sizes ≤ 2^18; on a GPU machine pass
 * --sizes 16,18,20,22 --fold 16,20 (docs/msm.md "On a GPU machine").
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { buildBn128 } from "ffjavascript";
import { type FieldKernels, loadNativeKernels, packFr } from "../../prover/src/arith/kernels.js";
import { shapeFromRows } from "../../prover/src/arith/r1cs.js";
import { witnessFromPacked } from "../../prover/src/arith/relaxed.js";
import type { Srs } from "../../prover/src/commitment/srs.js";
import { G1_GENERATOR, G2_GENERATOR, g1Mul } from "../../prover/src/curve/bn254.js";
import { P } from "../../prover/src/field/fr.js";
import { proveFold, type RunningPair } from "../../prover/src/folding/nifs.js";
import { createWebGpuFold, type GpuFoldBackend } from "../../prover/src/gpu/fold.js";
import { type MsmBackend, scalarsToLe } from "../../prover/src/msm/backend.js";
import { createFfjavascriptBackend } from "../../prover/src/msm/cpu/ffjavascript.js";
import { createNativeBackend } from "../../prover/src/msm/cpu/native.js";
import { g1ToLem } from "../../prover/src/msm/lem.js";
import { chooseWindow, hostBucketLists, type WebGpuMsmBackend } from "../../prover/src/msm/webgpu/msm.js";
import { createWebGpuBackend } from "../../prover/src/msm/webgpu/node.js";
import { geometricLemPoints } from "../../test/helpers/msm.js";

type Row = { what: string; log2: number; kind: string; ms: Record<string, number> };
type NotRun = { what: string; log2: number; kind: string; estimateMs: Record<string, number>; why: string };

/** The issue's sizes (MSM 2^16..2^22, fold 2^16 and 2^20). */
const STANDARD = { msm: [16, 18, 20, 22], fold: [16, 20] };

/**
 * Rows of the standard sizes that did not run, each estimated linearly in n from the largest measured
 * row of the same kind (Pippenger's cost per point shrinks slowly with n: a slight overestimate).
 */
export function notRunEstimates(rows: readonly Row[], why: string): NotRun[] {
  const out: NotRun[] = [];
  const groups = [
    ...["uniform", "witness"].map((kind) => ({ what: "msm", kind, sizes: STANDARD.msm })),
    { what: "fold step (proveFold)", kind: "T+cmT+folds", sizes: STANDARD.fold },
  ];
  for (const g of groups) {
    const have = rows.filter((r) => r.what === g.what && r.kind === g.kind).sort((a, b) => b.log2 - a.log2);
    if (have.length === 0) continue;
    for (const k of g.sizes) {
      if (have.some((r) => r.log2 === k) || k < have[0].log2) continue;
      const f = 2 ** (k - have[0].log2);
      const estimateMs = Object.fromEntries(Object.entries(have[0].ms).map(([b, ms]) => [b, Math.round(ms * f)]));
      out.push({ what: g.what, log2: k, kind: g.kind, estimateMs, why });
    }
  }
  return out;
}

const log = (e: Record<string, unknown>) => process.stderr.write(`${JSON.stringify({ bench: "gpu", ...e })}\n`);
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const rand = () => BigInt(`0x${randomBytes(32).toString("hex")}`) % P;
const witnessLike = (i: number) =>
  i % 3 === 0 ? 0n : i % 1009 === 0 ? rand() : i % 47 === 0 ? BigInt(randomBytes(2).readUInt16LE()) : 1n;
const hex = (v: Uint8Array) => Buffer.from(v).toString("hex");

/** Warm-up, equality check, then `reps` alternating rounds; medians in ms. */
async function measure<T>(
  reps: number,
  runs: { key: string; run: () => Promise<T> }[],
  same: (a: T, b: T) => boolean,
): Promise<{ ms: Record<string, number>; warmMs: Record<string, number> }> {
  const first: T[] = [];
  const warmMs: Record<string, number> = {};
  for (const { key, run } of runs) {
    const t = performance.now();
    first.push(await run());
    warmMs[key] = Math.round(performance.now() - t);
  }
  for (let j = 1; j < first.length; j++) {
    if (!same(first[0], first[j])) throw new Error(`${runs[j].key} and ${runs[0].key} differ`);
  }
  const times: Record<string, number[]> = Object.fromEntries(runs.map(({ key }) => [key, []]));
  for (let r = 0; r < reps; r++) {
    for (const { key, run } of runs) {
      const t = performance.now();
      await run();
      times[key].push(performance.now() - t);
    }
  }
  // --reps 0 (rows that take minutes on a software adapter): the one checked run is the measurement.
  if (reps === 0) return { ms: { ...warmMs }, warmMs };
  return {
    ms: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Math.round(median(v) * 10) / 10])),
    warmMs,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: "string", default: "16,18" },
      fold: { type: "string", default: "16" },
      reps: { type: "string", default: "1" },
      ffjs: { type: "boolean", default: false },
      // Sizes run on witness-like scalars only (a software adapter takes minutes per uniform 2^20 MSM).
      "witness-sizes": { type: "string", default: "" },
      // Largest size of the partition-off and GLV-off comparison rows.
      "compare-max": { type: "string", default: "18" },
      // Largest size of the host-sort comparison (column webgpu-hostsort, rows "digits+sort").
      "sort-max": { type: "string", default: "18" },
      out: { type: "string", default: "bench/results/gpu.json" },
    },
  });
  const witnessOnly = values["witness-sizes"].split(",").filter(Boolean).map(Number);
  const compareMax = Number(values["compare-max"]);
  const sortMax = Number(values["sort-max"]);
  const sizes = [...values.sizes.split(",").filter(Boolean).map(Number), ...witnessOnly];
  const foldSizes = values.fold.split(",").filter(Boolean).map(Number);
  const reps = Number(values.reps);
  const skipped: Record<string, string> = {};
  let gpu: WebGpuMsmBackend | undefined;
  let gpuFold: GpuFoldBackend | undefined;
  let adapter = "none";
  let compileMs: number | undefined;
  try {
    const t = performance.now();
    gpu = await createWebGpuBackend();
    const one = new Uint8Array(64);
    g1ToLem(G1_GENERATOR, one);
    await gpu.msm(one, scalarsToLe([1n]));
    gpuFold = await createWebGpuFold(gpu.device, gpu.adapter);
    compileMs = Math.round(performance.now() - t);
    adapter = gpu.adapter;
    log({ step: "webgpu", adapter, compileMs });
  } catch (error) {
    skipped.webgpu = (error as Error).message.split("\n").join(" ");
  }
  let native: MsmBackend | undefined;
  try {
    native = createNativeBackend();
  } catch (error) {
    skipped.native = (error as Error).message.split("\n").join(" ");
  }
  const kernels: FieldKernels | undefined = loadNativeKernels();
  if (!kernels) skipped.nativeKernels = "the native addon's field kernels are not built (scripts/build-native.sh)";
  const ffjs = values.ffjs ? await createFfjavascriptBackend() : undefined;
  const curve = await buildBn128(false);
  const rows: Row[] = [];
  const load0 = loadavg()[0];
  const maxLog = Math.max(...sizes, ...foldSizes);
  // Distinct bases up to 2^18 + 1 (ffjavascript's batchApplyKey: minutes for 2^22 on a loaded 2-core box),
  // repeated beyond: the MSMs' cost does not depend on the bases being distinct, and results are still
  // checked equal across backends.
  const distinct = Math.min(2 ** maxLog + 1, 2 ** 18 + 1);
  log({ step: "bases", n: `2^${maxLog}`, distinct });
  const allPoints = new Uint8Array(64 * (2 ** maxLog + 1));
  const uniq = await geometricLemPoints(curve, distinct);
  for (let o = 0; o < allPoints.length; o += uniq.length) {
    allPoints.set(uniq.subarray(0, Math.min(uniq.length, allPoints.length - o)), o);
  }

  for (const k of sizes) {
    const n = 2 ** k;
    const points = allPoints.subarray(0, 64 * n);
    for (const kind of witnessOnly.includes(k) ? (["witness"] as const) : (["uniform", "witness"] as const)) {
      const le = scalarsToLe(Array.from({ length: n }, (_, i) => (kind === "uniform" ? rand() : witnessLike(i))));
      const runs: { key: string; run: () => ReturnType<MsmBackend["msm"]> }[] = [];
      if (gpu) {
        const g = gpu;
        runs.push({
          key: "webgpu",
          run: () => {
            g.configure({ partition: true, glv: false });
            return g.msm(points, le);
          },
        });
        if (kind === "uniform" && k <= compareMax) {
          runs.push({
            key: "webgpu-glv",
            run: () => {
              g.configure({ partition: true, glv: true });
              return g.msm(points, le);
            },
          });
        }
        if (k <= sortMax) {
          runs.push({
            key: "webgpu-hostsort",
            run: async () => {
              g.configure({ partition: true, glv: false, sort: "host" });
              try {
                return await g.msm(points, le);
              } finally {
                g.configure({ sort: "gpu" });
              }
            },
          });
        }
        if (kind === "witness" && k <= compareMax) {
          runs.push({
            key: "webgpu-nopart",
            run: () => {
              g.configure({ partition: false, glv: false });
              return g.msm(points, le);
            },
          });
        }
      }
      if (native) runs.push({ key: "native", run: () => (native as MsmBackend).msm(points, le) });
      if (ffjs) runs.push({ key: "ffjavascript", run: () => ffjs.msm(points, le) });
      log({ step: "msm", size: `2^${k}`, kind });
      const { ms, warmMs } = await measure(reps, runs, (a, b) => a.x === b.x && a.y === b.y);
      gpu?.configure({ partition: true, glv: false });
      rows.push({ what: "msm", log2: k, kind, ms });
      log({ step: "msm", size: `2^${k}`, kind, ms, warmMs });
      if (gpu && k <= sortMax) {
        // The digit decomposition + bucket sort alone, one pass over all n scalars at the window a
        // full-width pass uses: on the GPU (upload, digits + histogram, prefix sum, offsets back, scatter)
        // against the host (signedDigits + counting sort in JavaScript, entries uploaded).
        const g = gpu;
        const c = chooseWindow(n, 254);
        const sortRuns = [
          { key: "webgpu", run: async () => (await g.bucketLists(le, 32, c, { entries: false })).offsets },
          {
            key: "host",
            run: async () => {
              const l = hostBucketLists(le, 32, c);
              const b = g.device.createBuffer({ size: Math.max(4, l.entries.byteLength), usage: 0x0080 | 0x0008 });
              g.device.queue.writeBuffer(b, 0, l.entries);
              await g.device.queue.onSubmittedWorkDone();
              b.destroy();
              return l.offsets;
            },
          },
        ];
        const s = await measure(reps, sortRuns, (a, b) => a.length === b.length && a.every((v, j) => v === b[j]));
        rows.push({ what: "digits+sort", log2: k, kind, ms: s.ms });
        log({ step: "digits+sort", size: `2^${k}`, kind, c, ...s });
      }
    }
  }

  for (const k of foldSizes) {
    const m = 2 ** k;
    log({ step: "fold inputs", size: `2^${k}` });
    const srs: Srs = { n: m + 1, g1Lem: allPoints.subarray(0, 64 * (m + 1)), tauG2: G2_GENERATOR };
    // A random R1CS with 3 non-zeros per row (half of them 1) over nVars = m + 3 wires, s = 1.
    const nVars = m + 3;
    const row = () => {
      const r: Record<number, bigint> = {};
      for (let j = 0; j < 3; j++) r[Math.floor(Math.random() * nVars)] = j === 0 ? rand() : 1n;
      return r;
    };
    const shape = shapeFromRows({
      nVars,
      nPubOut: 1,
      nPubIn: 1,
      A: Array.from({ length: m }, row),
      B: Array.from({ length: m }, row),
      C: Array.from({ length: m }, row),
    });
    const z = packFr(Array.from({ length: nVars }, (_, i) => (i === 0 ? 1n : witnessLike(i))));
    const vec = (f: (i: number) => bigint, len: number) => packFr(Array.from({ length: len }, (_, i) => f(i)));
    const pair = (leafLike: boolean): RunningPair => ({
      U: {
        cmW: g1Mul(G1_GENERATOR, rand()),
        cmE: g1Mul(G1_GENERATOR, rand()),
        u: leafLike ? 1n : rand(),
        x: [rand(), rand()],
      },
      W: witnessFromPacked(
        { W: vec(leafLike ? witnessLike : rand, shape.nW), E: vec(leafLike ? () => 0n : rand, m) },
        rand(),
        rand(),
      ),
      abc: { Az: vec(rand, m), Bz: vec(rand, m), Cz: vec(rand, m) },
    });
    const left = pair(false);
    const right = pair(true);
    const domain = `0x${"33".repeat(32)}` as const;
    const productRuns: { key: string; run: () => Promise<Uint8Array[]> }[] = [];
    const foldRuns: { key: string; run: () => ReturnType<typeof proveFold> }[] = [];
    if (gpu && gpuFold) {
      const [g, f] = [gpu, gpuFold];
      productRuns.push({ key: "webgpu", run: async () => Object.values(await f.products(shape, z)) });
      foldRuns.push({
        key: "webgpu",
        run: () => proveFold({ shape, srs, domain, jobId: 1n, backend: g, fold: f }, 5n, left, right),
      });
    }
    if (native && kernels) {
      const { multiplyPacked } = await import("../../prover/src/arith/r1cs.js");
      productRuns.push({ key: "native", run: async () => Object.values(multiplyPacked(shape, z, kernels)) });
      foldRuns.push({
        key: "native",
        run: () => proveFold({ shape, srs, domain, jobId: 1n, backend: native, kernels, fold: "cpu" }, 5n, left, right),
      });
    }
    log({ step: "products", size: `2^${k}` });
    try {
      const p = await measure(reps, productRuns, (a, b) => a.every((v, j) => hex(v) === hex(b[j])));
      rows.push({ what: "products Az,Bz,Cz", log2: k, kind: "3 nnz/row", ms: p.ms });
      log({ step: "products", size: `2^${k}`, ...p });
    } catch (error) {
      // E.g. the stacked CSR's coefficients past one binding (128 MiB on llvmpipe): the fold row still runs.
      skipped[`products 2^${k}`] = (error as Error).message.split("\n").filter(Boolean).join(" ");
      log({ step: "products", size: `2^${k}`, skipped: skipped[`products 2^${k}`] });
    }
    log({ step: "fold", size: `2^${k}` });
    const f = await measure(reps, foldRuns, (a, b) => {
      const bytes = (x: Awaited<ReturnType<typeof proveFold>>) =>
        [x.T, packFr(x.folded.W.W), packFr(x.folded.W.E), x.folded.abc.Az, x.folded.abc.Bz, x.folded.abc.Cz]
          .map(hex)
          .join();
      return a.r === b.r && a.cmT.x === b.cmT.x && bytes(a) === bytes(b);
    });
    rows.push({ what: "fold step (proveFold)", log2: k, kind: "T+cmT+folds", ms: f.ms });
    log({ step: "fold", size: `2^${k}`, ...f });
  }
  await gpu?.terminate();
  await native?.terminate();
  await ffjs?.terminate();

  const present = new Set(rows.flatMap((r) => Object.keys(r.ms)));
  const keys = ["webgpu", "webgpu-hostsort", "host", "webgpu-glv", "webgpu-nopart", "native", "ffjavascript"].filter(
    (k) => present.has(k),
  );
  const ratio = keys.includes("native") && keys.includes("webgpu");
  const sortRatio = keys.includes("webgpu-hostsort") || keys.includes("host");
  const head = [
    "what",
    "size",
    "inputs",
    ...keys.map((k) => `${k} ms`),
    ...(ratio ? ["webgpu / native"] : []),
    ...(sortRatio ? ["host sort / GPU sort"] : []),
  ];
  const x = (a: number | undefined, b: number | undefined) => (a && b ? `${(a / b).toFixed(2)}×` : "—");
  const lines = rows.map((r) => [
    r.what,
    `2^${r.log2}`,
    r.kind,
    ...keys.map((k) => (r.ms[k] === undefined ? "—" : r.ms[k].toFixed(1))),
    ...(ratio ? [x(r.ms.webgpu, r.ms.native)] : []),
    ...(sortRatio ? [x(r.ms["webgpu-hostsort"] ?? r.ms.host, r.ms.webgpu)] : []),
  ]);
  const widths = head.map((h, j) => Math.max(h.length, ...lines.map((l) => l[j].length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, j) => c.padStart(widths[j])).join(" | ")} |`;
  const software = /llvmpipe|swiftshader|lavapipe/i.test(adapter);
  const notRun = notRunEstimates(
    rows,
    software ? "software adapter (llvmpipe): too slow at this size" : "not requested (--sizes / --fold)",
  );
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB`;
  const out = [
    `bench:gpu (${distinct} distinct bases) — adapter: ${adapter}${compileMs !== undefined ? ` (kernels compiled in ${compileMs} ms)` : ""}; ${machine}, node ${process.version}, load average ${load0.toFixed(1)} → ${loadavg()[0].toFixed(1)}`,
    fmt(head),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...lines.map(fmt),
    ...Object.entries(skipped).map(([k, why]) => `${k}: not run (${why})`),
    ...notRun.map(
      (r) =>
        `not run: ${r.what} 2^${r.log2} ${r.kind} (${r.why}); estimate ${Object.entries(r.estimateMs)
          .map(([b, ms]) => `${b} ≈ ${(ms / 1000).toFixed(0)} s`)
          .join(", ")}`,
    ),
  ];
  process.stdout.write(`${out.join("\n")}\n`);
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(
    values.out,
    `${JSON.stringify({ adapter, compileMs, machine, load: [load0, loadavg()[0]], reps, distinctBases: distinct, skipped, rows, notRun }, null, 2)}\n`,
  );
  process.stdout.write(`wrote ${values.out}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`)
  main()
    .then(() => process.exit(0))
    .catch((err) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    });
