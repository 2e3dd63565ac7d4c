/**
 * `npm run bench:fold [-- --sizes 12,14,16 --real sha256,poseidon --reps 2 --rounds 2 --mem-log2 20]`: one step's folding work
 * against a Groth16 proof of the same step, on this machine.
 *
 * Circuits: the size-parametrised one (prover/circuits/bench_sized.circom, 2^k − 3 constraints, a dense
 * witness) at each k of `--sizes`, and the real step circuits of `--real`: `sha256` (sha256_chain.circom,
 * circomlib `Sha256(256)`, 29,636 constraints, a witness of bits) and `poseidon` (poseidon_chain.circom,
 * circomlib `Poseidon(1)`, 213 constraints). For each:
 * - leaf: witness (circom wasm) + `makeLeaf` (Az, Bz, Cz, satisfaction check, cmW = MSM over the SRS);
 * - fold: `foldNodes` of two leaves: cross term T, cmT (MSM), challenge r, folded instance and witness;
 * - groth16: snarkjs `groth16.fullProve` (witness + proof) with a zkey made beforehand (setup excluded).
 * Each measurement runs in a fresh child process (one warm-up, then `reps` runs), which also gives an
 * honest peak memory (`maxRSS` of the folding child: leaf + fold, inputs loaded); `rounds` rounds
 * alternate the folding and the Groth16 children and every number is the median over all runs.
 * speedup = groth16Ms / (leafMs + foldMs); bytes/constraint = the folding child's peak RSS / constraints
 * (the Node.js baseline of ≈ 100 MB included, so small circuits read high). The table names the MSM
 * backend and the field kernels (arith/kernels.ts: native, or the bigint reference with
 * `NOVANET_KERNELS=bigint`). Writes bench/results/fold.json.
 *
 * Last, the memory row (`--mem-log2 k`, default 20; 0 skips it): a generated 2^k-constraint squaring
 * chain (dense witness), two leaves and their fold in a fresh child over 2^k geometric bases; its peak
 * RSS (target < 2 GB at 2^20) and times, appended to fold.json as a row without Groth16 fields.
 *
 * The SRS is the cached INSECURE dev SRS of power k (fine for timing; generated on first run, minutes
 * at k = 16). Groth16 uses snarkjs (ffjavascript's wasm MSM on all cores); folding uses the default MSM
 * backend (msm/default.ts: the native addon when built, else ffjavascript; `NOVANET_MSM` forces one),
 * whose name the table header shows.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildBn128 } from "ffjavascript";
import { zeroAddress } from "viem";
import { defaultFieldKernels } from "../../prover/src/arith/kernels.js";
import { loadR1cs, type R1csShape } from "../../prover/src/arith/r1cs.js";
import { type CompiledCircuit, compileCircuit } from "../../prover/src/circuits/compile.js";
import { circuitForSize } from "../../prover/src/circuits/sized.js";
import { loadSnarkjs } from "../../prover/src/circuits/snarkjs.js";
import { computeWitness } from "../../prover/src/circuits/witness.js";
import { srsPowersFor } from "../../prover/src/cli/prove.js";
import { devPowerFor, ensureDevPtau } from "../../prover/src/commitment/devsrs.js";
import { loadSrsFromPtau, type Srs, srsDigest } from "../../prover/src/commitment/srs.js";
import { G2_GENERATOR } from "../../prover/src/curve/bn254.js";
import { P } from "../../prover/src/field/fr.js";
import { domainSeparator } from "../../prover/src/folding/transcript.js";
import { foldNodes, makeLeaf } from "../../prover/src/folding/tree.js";
import { defaultMsmBackend, terminateDefaultMsmBackend } from "../../prover/src/msm/default.js";
import { geometricLemPoints } from "../../test/helpers/msm.js";

type Row = {
  circuit: string;
  constraints: number;
  leafMs: number;
  foldMs: number;
  /** Absent on the memory row. */
  groth16Ms?: number;
  speedup?: number;
  peakMB: number;
  bytesPerConstraint: number;
};

/** A benchmarked step circuit: `sized:k`, `sha256` or `poseidon`. */
type Case = { id: string; compile: () => Promise<CompiledCircuit>; input: (i: number) => bigint[] };

function benchCase(id: string): Case {
  const cacheDir = join(CACHE, "circuits");
  if (id.startsWith("sized:")) {
    const k = Number(id.slice(6));
    return { id, compile: () => circuitForSize(k, { cacheDir }), input: (i) => [1000n + BigInt(i)] };
  }
  if (id === "sha256") {
    // The state is a digest as two 128-bit halves.
    return {
      id,
      compile: () => compileCircuit("prover/circuits/sha256_chain.circom", { cacheDir }),
      input: (i) => [0x0123456789abcdefn + BigInt(i), 0xfedcba9876543210n],
    };
  }
  if (id === "poseidon") {
    return {
      id,
      compile: () => compileCircuit("prover/circuits/poseidon_chain.circom", { cacheDir }),
      input: (i) => [1000n + BigInt(i)],
    };
  }
  throw new Error(`unknown bench case ${id} (sized:k, sha256, poseidon)`);
}

const CACHE = resolve(".novanet");
const log = (e: Record<string, unknown>) => process.stderr.write(`${JSON.stringify({ bench: "fold", ...e })}\n`);
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Child: times leaf and fold for one circuit. Prints one JSON line. */
async function childFold(c: Case, ptau: string, reps: number): Promise<void> {
  const compiled = await c.compile();
  const shape = await loadR1cs(compiled.r1csPath);
  const srs = await loadSrsFromPtau(ptau, srsPowersFor(shape));
  const domain = domainSeparator({
    chainId: 0n,
    market: zeroAddress,
    r1csHash: shape.r1csHash,
    srsDigest: srsDigest(srs),
  });
  const ctx = { shape, srs, domain, jobId: 0n };
  const leaf = async (kk: number, z: bigint[]) => {
    const w = await computeWitness(compiled, z);
    return makeLeaf(shape, srs, w, { k: kk });
  };
  const leafMs: number[] = [];
  const foldMs: number[] = [];
  const witnessMs: number[] = [];
  for (let i = 0; i <= reps; i++) {
    const z = c.input(i);
    let t = performance.now();
    await computeWitness(compiled, z);
    const tw = performance.now() - t;
    t = performance.now();
    const l0 = await leaf(0, z);
    const tl = performance.now() - t;
    // The right leaf starts where the left one ends (continuity).
    const l1 = await leaf(1, l0.node.zOut);
    t = performance.now();
    await foldNodes(ctx, l0, l1);
    const tf = performance.now() - t;
    if (i > 0) {
      leafMs.push(tl);
      foldMs.push(tf);
      witnessMs.push(tw);
    }
  }
  const peakMB = process.resourceUsage().maxRSS / 1024;
  const msm = (await defaultMsmBackend()).name;
  const kernels = defaultFieldKernels().name;
  process.stdout.write(`${JSON.stringify({ leafMs, foldMs, witnessMs, peakMB, m: shape.m, msm, kernels })}\n`);
}

/**
 * The 2^k-constraint fold (memory row): a generated squaring chain `w_{i+1} = w_i²` (m = 2^k constraints,
 * a dense witness, s = 1) built directly as CSR arrays (no circom: compiling 2^20 constraints takes longer
 * than the fold), over `2^k` geometric SRS-like bases read from `pointsFile` (made by the parent, so that
 * the generator's memory is not counted here).
 */
function squaringChain(log2: number): R1csShape {
  const m = 2 ** log2;
  const nVars = m + 2; // 1, out, in, w_1..w_{m−1}
  const wire = (j: number) => 2 + j; // w_0 = in
  const mk = (colOf: (i: number) => number) => {
    const rowPtr = new Uint32Array(m + 1);
    const cols = new Uint32Array(m);
    for (let i = 0; i < m; i++) {
      rowPtr[i + 1] = i + 1;
      cols[i] = colOf(i);
    }
    return { rowPtr, cols, vals: new Array<bigint>(m).fill(1n) };
  };
  return {
    m,
    nVars,
    nPubOut: 1,
    nPubIn: 1,
    s: 1,
    nW: nVars - 3,
    A: mk((i) => wire(i)),
    B: mk((i) => (i < m - 1 ? wire(i) : 0)),
    C: mk((i) => (i < m - 1 ? wire(i + 1) : 1)),
    r1csHash: `0x${"00".repeat(32)}`,
  };
}

function squaringWitness(shape: R1csShape, zIn: bigint): bigint[] {
  const z = new Array<bigint>(shape.nVars);
  z[0] = 1n;
  z[2] = zIn;
  let w = zIn;
  for (let j = 1; j < shape.m; j++) {
    w = (w * w) % P;
    z[2 + j] = w;
  }
  z[1] = w;
  return z;
}

async function childMem(log2: number, pointsFile: string): Promise<void> {
  const rss0 = process.memoryUsage().rss / 2 ** 20;
  const shape = squaringChain(log2);
  const g1Lem = new Uint8Array(readFileSync(pointsFile));
  const srs: Srs = { n: g1Lem.length / 64, g1Lem, tauG2: G2_GENERATOR };
  const ctx = { shape, srs, domain: `0x${"11".repeat(32)}` as const, jobId: 0n };
  let t = performance.now();
  const z0 = squaringWitness(shape, 3n);
  const l0 = await makeLeaf(shape, srs, z0, { k: 0 });
  const leafMs = performance.now() - t;
  const l1 = await makeLeaf(shape, srs, squaringWitness(shape, l0.node.zOut[0]), { k: 1 });
  t = performance.now();
  await foldNodes(ctx, l0, l1);
  const foldMs = performance.now() - t;
  const peakMB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ m: shape.m, leafMs, foldMs, peakMB, rss0 })}\n`);
}

/** Child: times snarkjs Groth16 fullProve for one circuit with an existing zkey. Prints one JSON line. */
async function childGroth16(c: Case, zkey: string, reps: number): Promise<void> {
  const compiled = await c.compile();
  const snarkjs = await loadSnarkjs();
  const ms: number[] = [];
  for (let i = 0; i <= reps; i++) {
    const t = performance.now();
    const zIn = c.input(i).map(String);
    const { publicSignals } = await snarkjs.groth16.fullProve({ z_in: zIn }, compiled.wasmPath, zkey);
    const dt = performance.now() - t;
    if (publicSignals.length !== 2 * zIn.length) throw new Error("unexpected public signals");
    if (i > 0) ms.push(dt);
  }
  process.stdout.write(`${JSON.stringify({ groth16Ms: ms, peakMB: process.resourceUsage().maxRSS / 1024 })}\n`);
}

function runChild(args: string[]): Record<string, number & number[]> {
  // One retry: on a loaded machine a spawn can fail (EAGAIN) before the child runs at all.
  for (let attempt = 0; ; attempt++) {
    const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/bench/fold.ts", ...args], {
      encoding: "utf8",
      maxBuffer: 1 << 24,
    });
    if (r.status === 0) {
      const line = r.stdout.trim().split("\n").pop() ?? "";
      return JSON.parse(line);
    }
    const why = r.error ? String(r.error) : `exit ${r.status} ${r.signal ?? ""}\n${r.stderr}`;
    if (attempt >= 1) throw new Error(`bench child ${args.join(" ")} failed: ${why}`);
    log({ step: "retry", child: args.join(" "), why: why.slice(0, 300) });
  }
}

/** The memory row: a 2^k-constraint leaf + leaf + fold in a fresh child, its peak RSS. */
async function memRow(log2: number): Promise<Record<string, number>> {
  const dir = join(CACHE, "bench");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `geometric-g1-${log2}.bin`);
  if (!existsSync(file)) {
    log({ step: `bases for the 2^${log2} fold (once)` });
    const curve = await buildBn128(false);
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, await geometricLemPoints(curve, 2 ** log2));
    renameSync(tmp, file);
  }
  log({ step: `2^${log2}-constraint fold (peak memory)` });
  return runChild(["--child", "mem", "--mem-log2", String(log2), "--points", file]) as Record<string, number>;
}

async function parent(cases: Case[], reps: number, rounds: number, memLog2: number): Promise<void> {
  const snarkjs = await loadSnarkjs();
  const rows: Row[] = [];
  const extra: Record<string, unknown>[] = [];
  let msmBackend = "";
  let kernels = "";
  for (const bc of cases) {
    const k = bc.id;
    log({ size: k, step: "prepare" });
    const compiled = await bc.compile();
    const shape = await loadR1cs(compiled.r1csPath);
    const power = devPowerFor(srsPowersFor(shape), shape.m, 2 * shape.s);
    let lastLog = 0;
    const ptau = await ensureDevPtau(power, {
      cacheDir: join(CACHE, "ptau"),
      warn: (m) => process.stderr.write(`*** ${m} ***\n`),
      onProgress: (p) => {
        if (Date.now() - lastLog > 2000) {
          lastLog = Date.now();
          log({ step: "dev-srs", power, ...p });
        }
      },
    });
    // Groth16 setup (excluded from the timing), cached per circuit and SRS.
    const zkeyDir = join(CACHE, "bench");
    mkdirSync(zkeyDir, { recursive: true });
    const zkey = join(zkeyDir, `${k.replace(":", "-")}-${compiled.key.slice(0, 16)}-p${power}.zkey`);
    if (!existsSync(zkey)) {
      log({ size: k, step: "groth16 setup (excluded)" });
      const tmp = `${zkey}.tmp-${process.pid}`;
      const res = await snarkjs.zKey.newZKey(compiled.r1csPath, ptau, tmp);
      if (res === -1) throw new Error("snarkjs newZKey failed");
      renameSync(tmp, zkey);
    }
    // Rounds alternate folding and Groth16 children (ABAB…), so that a change in the machine's load
    // during the run hits both sides alike; each statistic is the median over all rounds' runs.
    const acc = {
      leafMs: [] as number[],
      foldMs: [] as number[],
      witnessMs: [] as number[],
      groth16Ms: [] as number[],
    };
    let foldPeak = 0;
    let grothPeak = 0;
    for (let round = 0; round < rounds; round++) {
      log({ size: k, round, step: "leaf + fold" });
      const fr = runChild(["--child", "fold", "--case", k, "--ptau", ptau, "--reps", String(reps)]);
      acc.leafMs.push(...fr.leafMs);
      acc.foldMs.push(...fr.foldMs);
      acc.witnessMs.push(...fr.witnessMs);
      foldPeak = Math.max(foldPeak, fr.peakMB);
      msmBackend = String(fr.msm);
      kernels = String(fr.kernels);
      log({ size: k, round, step: "groth16" });
      const gr = runChild(["--child", "groth16", "--case", k, "--zkey", zkey, "--reps", String(reps)]);
      acc.groth16Ms.push(...gr.groth16Ms);
      grothPeak = Math.max(grothPeak, gr.peakMB);
    }
    const f = {
      leafMs: median(acc.leafMs),
      foldMs: median(acc.foldMs),
      witnessMs: median(acc.witnessMs),
      peakMB: foldPeak,
    };
    const g = { groth16Ms: median(acc.groth16Ms), peakMB: grothPeak };
    const row: Row = {
      circuit: k,
      constraints: shape.m,
      leafMs: Math.round(f.leafMs * 10) / 10,
      foldMs: Math.round(f.foldMs * 10) / 10,
      groth16Ms: Math.round(g.groth16Ms * 10) / 10,
      speedup: Math.round((g.groth16Ms / (f.leafMs + f.foldMs)) * 100) / 100,
      peakMB: Math.round(f.peakMB),
      bytesPerConstraint: Math.round((f.peakMB * 2 ** 20) / shape.m),
    };
    rows.push(row);
    extra.push({ witnessMs: f.witnessMs, groth16PeakMB: Math.round(g.peakMB) });
    log({ size: k, ...row });
  }
  await terminateDefaultMsmBackend();
  // The memory row: one 2^k-constraint leaf pair and fold (no Groth16 beside it: its setup alone would
  // take hours here).
  let mem: Row | undefined;
  if (memLog2 > 0) {
    const r = await memRow(memLog2);
    mem = {
      circuit: `squaring-chain:${memLog2}`,
      constraints: r.m,
      leafMs: Math.round(r.leafMs * 10) / 10,
      foldMs: Math.round(r.foldMs * 10) / 10,
      peakMB: Math.round(r.peakMB),
      bytesPerConstraint: Math.round((r.peakMB * 2 ** 20) / r.m),
    };
    log({ ...mem, startRssMB: r.rss0 });
  }

  const head = [
    "circuit",
    "constraints",
    "leaf ms",
    "(witness ms)",
    "fold ms",
    "leaf+fold ms",
    "groth16 ms",
    "speedup",
    "peak MB",
    "B/constraint",
    "groth16 peak MB",
  ];
  const lines = rows.map((r, i) => [
    r.circuit,
    String(r.constraints),
    r.leafMs.toFixed(1),
    (extra[i].witnessMs as number).toFixed(1),
    r.foldMs.toFixed(1),
    (r.leafMs + r.foldMs).toFixed(1),
    (r.groth16Ms ?? 0).toFixed(1),
    `${(r.speedup ?? 0).toFixed(2)}×`,
    String(r.peakMB),
    String(r.bytesPerConstraint),
    String(extra[i].groth16PeakMB),
  ]);
  const widths = head.map((h, j) => Math.max(h.length, ...lines.map((l) => l[j].length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, j) => c.padStart(widths[j])).join(" | ")} |`;
  const out = [
    `bench:fold (folding MSM: ${msmBackend}, field kernels: ${kernels}) — ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
    fmt(head),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...lines.map(fmt),
    `target: leaf + fold ≥ 10× faster than Groth16 — ${rows.every((r) => (r.speedup ?? 0) >= 10) ? "met" : "NOT met"} on every circuit${rows.some((r) => r.circuit === "sha256") ? `; SHA-256 chain: ${rows.find((r) => r.circuit === "sha256")?.speedup?.toFixed(2)}×` : ""}`,
    ...(mem
      ? [
          `${mem.constraints}-constraint fold (${mem.circuit}, dense witness): leaf ${mem.leafMs.toFixed(0)} ms, fold ${mem.foldMs.toFixed(0)} ms, peak RSS ${mem.peakMB} MB (${mem.bytesPerConstraint} B/constraint) — target < 2 GB: ${mem.peakMB < 2048 ? "met" : "NOT met"}`,
        ]
      : []),
  ];
  if (mem) rows.push(mem);
  process.stdout.write(`${out.join("\n")}\n`);
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/fold.json", `${JSON.stringify(rows, null, 2)}\n`);
  process.stdout.write("wrote bench/results/fold.json\n");
}

async function mainBench(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: "string", default: "12,14,16" },
      real: { type: "string", default: "sha256,poseidon" },
      case: { type: "string" },
      reps: { type: "string", default: "2" },
      rounds: { type: "string", default: "2" },
      child: { type: "string" },
      ptau: { type: "string" },
      zkey: { type: "string" },
      points: { type: "string" },
      "mem-log2": { type: "string", default: "20" },
    },
  });
  const reps = Number(values.reps);
  if (values.child === "fold") await childFold(benchCase(values.case!), values.ptau!, reps);
  else if (values.child === "mem") await childMem(Number(values["mem-log2"]), values.points!);
  else if (values.child === "groth16") await childGroth16(benchCase(values.case!), values.zkey!, reps);
  else {
    const ids = [
      ...values
        .sizes!.split(",")
        .filter(Boolean)
        .map((k) => `sized:${k}`),
      ...values.real!.split(",").filter(Boolean),
    ];
    await parent(ids.map(benchCase), reps, Number(values.rounds), Number(values["mem-log2"]));
  }
}

mainBench()
  .then(async () => {
    await terminateDefaultMsmBackend().catch(() => {});
    process.exit(0);
  })
  .catch((err) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
