/**
 * `npm run bench:fold [-- --sizes 12,14,16 --reps 2 --rounds 2]`: one step's folding work against a Groth16 proof
 * of the same step, on this machine.
 *
 * For the size-parametrised circuit (prover/circuits/bench_sized.circom, 2^k − 3 constraints) at each k:
 * - leaf: witness (circom wasm) + `makeLeaf` (Az, Bz, Cz, satisfaction check, cmW = MSM over the SRS);
 * - fold: `foldNodes` of two leaves: cross term T, cmT (MSM), challenge r, folded instance and witness;
 * - groth16: snarkjs `groth16.fullProve` (witness + proof) with a zkey made beforehand (setup excluded).
 * Each measurement runs in a fresh child process (one warm-up, then `reps` runs), which also gives an
 * honest peak memory (`maxRSS` of the folding child: leaf + fold, inputs loaded); `rounds` rounds
 * alternate the folding and the Groth16 children and every number is the median over all runs.
 * speedup = groth16Ms / (leafMs + foldMs). Writes bench/results/fold.json.
 *
 * The SRS is the cached INSECURE dev SRS of power k (fine for timing; generated on first run, minutes
 * at k = 16). Groth16 uses snarkjs (ffjavascript's wasm MSM on all cores); folding uses the default MSM
 * backend (msm/default.ts: the native addon when built, else ffjavascript; `NOVANET_MSM` forces one),
 * whose name the table header shows.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { zeroAddress } from "viem";
import { loadR1cs } from "../../prover/src/arith/r1cs.js";
import { circuitForSize } from "../../prover/src/circuits/sized.js";
import { loadSnarkjs } from "../../prover/src/circuits/snarkjs.js";
import { computeWitness } from "../../prover/src/circuits/witness.js";
import { srsPowersFor } from "../../prover/src/cli/prove.js";
import { devPowerFor, ensureDevPtau } from "../../prover/src/commitment/devsrs.js";
import { loadSrsFromPtau, srsDigest } from "../../prover/src/commitment/srs.js";
import { domainSeparator } from "../../prover/src/folding/transcript.js";
import { foldNodes, makeLeaf } from "../../prover/src/folding/tree.js";
import { defaultMsmBackend, terminateDefaultMsmBackend } from "../../prover/src/msm/default.js";

type Row = { constraints: number; leafMs: number; foldMs: number; groth16Ms: number; speedup: number; peakMB: number };

const CACHE = resolve(".novanet");
const log = (e: Record<string, unknown>) => process.stderr.write(`${JSON.stringify({ bench: "fold", ...e })}\n`);
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Child: times leaf and fold for circuit size 2^k. Prints one JSON line. */
async function childFold(k: number, ptau: string, reps: number): Promise<void> {
  const compiled = await circuitForSize(k, { cacheDir: join(CACHE, "circuits") });
  const shape = await loadR1cs(compiled.r1csPath);
  const srs = await loadSrsFromPtau(ptau, srsPowersFor(shape));
  const domain = domainSeparator({
    chainId: 0n,
    market: zeroAddress,
    r1csHash: shape.r1csHash,
    srsDigest: srsDigest(srs),
  });
  const ctx = { shape, srs, domain, jobId: 0n };
  const leaf = async (kk: number, z: bigint) => {
    const w = await computeWitness(compiled, [z]);
    return makeLeaf(shape, srs, w, { k: kk });
  };
  const leafMs: number[] = [];
  const foldMs: number[] = [];
  const witnessMs: number[] = [];
  for (let i = 0; i <= reps; i++) {
    const z = 1000n + BigInt(i);
    let t = performance.now();
    await computeWitness(compiled, [z]);
    const tw = performance.now() - t;
    t = performance.now();
    const l0 = await leaf(0, z);
    const tl = performance.now() - t;
    // The right leaf starts where the left one ends (continuity).
    const l1 = await leaf(1, l0.node.zOut[0]);
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
  process.stdout.write(`${JSON.stringify({ leafMs, foldMs, witnessMs, peakMB, m: shape.m, msm })}\n`);
}

/** Child: times snarkjs Groth16 fullProve for size 2^k with an existing zkey. Prints one JSON line. */
async function childGroth16(k: number, zkey: string, reps: number): Promise<void> {
  const compiled = await circuitForSize(k, { cacheDir: join(CACHE, "circuits") });
  const snarkjs = await loadSnarkjs();
  const ms: number[] = [];
  for (let i = 0; i <= reps; i++) {
    const t = performance.now();
    const { publicSignals } = await snarkjs.groth16.fullProve({ z_in: [String(1000 + i)] }, compiled.wasmPath, zkey);
    const dt = performance.now() - t;
    if (publicSignals.length !== 2) throw new Error("unexpected public signals");
    if (i > 0) ms.push(dt);
  }
  process.stdout.write(`${JSON.stringify({ groth16Ms: ms, peakMB: process.resourceUsage().maxRSS / 1024 })}\n`);
}

function runChild(args: string[]): Record<string, number & number[]> {
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/bench/fold.ts", ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`bench child ${args.join(" ")} failed:\n${r.stderr}`);
  const line = r.stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(line);
}

async function parent(sizes: number[], reps: number, rounds: number): Promise<void> {
  const snarkjs = await loadSnarkjs();
  const rows: Row[] = [];
  const extra: Record<string, unknown>[] = [];
  let msmBackend = "";
  for (const k of sizes) {
    log({ size: `2^${k}`, step: "prepare" });
    const compiled = await circuitForSize(k, { cacheDir: join(CACHE, "circuits") });
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
    const zkey = join(zkeyDir, `sized-${k}-${compiled.key.slice(0, 16)}-p${power}.zkey`);
    if (!existsSync(zkey)) {
      log({ size: `2^${k}`, step: "groth16 setup (excluded)" });
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
      log({ size: `2^${k}`, round, step: "leaf + fold" });
      const fr = runChild(["--child", "fold", "--log2", String(k), "--ptau", ptau, "--reps", String(reps)]);
      acc.leafMs.push(...fr.leafMs);
      acc.foldMs.push(...fr.foldMs);
      acc.witnessMs.push(...fr.witnessMs);
      foldPeak = Math.max(foldPeak, fr.peakMB);
      msmBackend = String(fr.msm);
      log({ size: `2^${k}`, round, step: "groth16" });
      const gr = runChild(["--child", "groth16", "--log2", String(k), "--zkey", zkey, "--reps", String(reps)]);
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
      constraints: shape.m,
      leafMs: Math.round(f.leafMs * 10) / 10,
      foldMs: Math.round(f.foldMs * 10) / 10,
      groth16Ms: Math.round(g.groth16Ms * 10) / 10,
      speedup: Math.round((g.groth16Ms / (f.leafMs + f.foldMs)) * 100) / 100,
      peakMB: Math.round(f.peakMB),
    };
    rows.push(row);
    extra.push({ witnessMs: f.witnessMs, groth16PeakMB: Math.round(g.peakMB) });
    log({ size: `2^${k}`, ...row });
  }
  await terminateDefaultMsmBackend();

  const head = [
    "constraints",
    "leaf ms",
    "(witness ms)",
    "fold ms",
    "leaf+fold ms",
    "groth16 ms",
    "speedup",
    "peak MB",
    "groth16 peak MB",
  ];
  const lines = rows.map((r, i) => [
    String(r.constraints),
    r.leafMs.toFixed(1),
    (extra[i].witnessMs as number).toFixed(1),
    r.foldMs.toFixed(1),
    (r.leafMs + r.foldMs).toFixed(1),
    r.groth16Ms.toFixed(1),
    `${r.speedup.toFixed(2)}×`,
    String(r.peakMB),
    String(extra[i].groth16PeakMB),
  ]);
  const widths = head.map((h, j) => Math.max(h.length, ...lines.map((l) => l[j].length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, j) => c.padStart(widths[j])).join(" | ")} |`;
  const out = [
    `bench:fold (folding MSM: ${msmBackend}) — ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
    fmt(head),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...lines.map(fmt),
    `target: leaf + fold ≥ 5× faster than Groth16 — ${rows.every((r) => r.speedup >= 5) ? "met" : "NOT met"} at every size`,
  ];
  process.stdout.write(`${out.join("\n")}\n`);
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/fold.json", `${JSON.stringify(rows, null, 2)}\n`);
  process.stdout.write("wrote bench/results/fold.json\n");
}

async function mainBench(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: "string", default: "12,14,16" },
      reps: { type: "string", default: "2" },
      rounds: { type: "string", default: "2" },
      child: { type: "string" },
      log2: { type: "string" },
      ptau: { type: "string" },
      zkey: { type: "string" },
    },
  });
  const reps = Number(values.reps);
  if (values.child === "fold") await childFold(Number(values.log2), values.ptau!, reps);
  else if (values.child === "groth16") await childGroth16(Number(values.log2), values.zkey!, reps);
  else await parent(values.sizes!.split(",").map(Number), reps, Number(values.rounds));
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
