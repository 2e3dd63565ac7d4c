/**
 * `node --import tsx scripts/bench/profileFold.ts [--circuit sha256|poseidon|sized:14] [--reps 3]`: where the
 * time of one leaf and one fold goes, step by step, with the default MSM backend and field kernels
 * (the table header names both). Steps are timed as `makeLeaf` and `proveFold` perform them
 * (folding/tree.ts, folding/nifs.ts): pack z, `Az, Bz, Cz`, satisfaction check, cmW (MSM); cross term T,
 * cmT (MSM), challenge and instance fold, W and E folds, folded products. Medians of `reps` runs after
 * one warm-up. Needs the cached dev SRS of bench:fold (`.novanet/ptau`). Writes
 * bench/results/fold-profile.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { zeroAddress } from "viem";
import { defaultFieldKernels, packFr } from "../../prover/src/arith/kernels.js";
import { loadR1cs, multiplyPacked } from "../../prover/src/arith/r1cs.js";
import { compileCircuit } from "../../prover/src/circuits/compile.js";
import { circuitForSize } from "../../prover/src/circuits/sized.js";
import { computeWitness } from "../../prover/src/circuits/witness.js";
import { srsPowersFor } from "../../prover/src/cli/prove.js";
import { devPowerFor, ensureDevPtau } from "../../prover/src/commitment/devsrs.js";
import { commitPacked } from "../../prover/src/commitment/pedersen.js";
import { loadSrsFromPtau, srsDigest } from "../../prover/src/commitment/srs.js";
import { P } from "../../prover/src/field/fr.js";
import { verifyFold } from "../../prover/src/folding/nifs.js";
import { domainSeparator } from "../../prover/src/folding/transcript.js";
import { makeLeaf } from "../../prover/src/folding/tree.js";
import { defaultMsmBackend, terminateDefaultMsmBackend } from "../../prover/src/msm/default.js";

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { circuit: { type: "string", default: "sha256" }, reps: { type: "string", default: "3" } },
  });
  const cacheDir = join(".novanet", "circuits");
  const id = values.circuit;
  const compiled = id.startsWith("sized:")
    ? await circuitForSize(Number(id.slice(6)), { cacheDir })
    : await compileCircuit(`prover/circuits/${id}_chain.circom`, { cacheDir });
  const shape = await loadR1cs(compiled.r1csPath);
  const power = devPowerFor(srsPowersFor(shape), shape.m, 2 * shape.s);
  const ptau = await ensureDevPtau(power, { cacheDir: join(".novanet", "ptau"), warn: () => {} });
  const srs = await loadSrsFromPtau(ptau, srsPowersFor(shape));
  const domain = domainSeparator({
    chainId: 0n,
    market: zeroAddress,
    r1csHash: shape.r1csHash,
    srsDigest: srsDigest(srs),
  });
  const k = defaultFieldKernels();
  const msm = (await defaultMsmBackend()).name;
  const zIn = shape.s === 2 ? [0x0123456789abcdefn, 0xfedcba9876543210n] : [1000n];
  const times: Record<string, number[]> = {};
  const time = async <T>(step: string, f: () => T | Promise<T>): Promise<T> => {
    const t = performance.now();
    const out = await f();
    if (!times[step]) times[step] = [];
    times[step].push(performance.now() - t);
    return out;
  };
  const reps = Number(values.reps);
  for (let i = 0; i <= reps; i++) {
    if (i === 1) for (const key of Object.keys(times)) times[key] = [];
    const z0 = await time("witness (circom wasm)", () => computeWitness(compiled, zIn));
    // Leaf, step by step (as makeLeaf does it).
    const zp = await time("leaf: pack z", () => packFr(z0, "z"));
    const abc0 = await time("leaf: Az, Bz, Cz", () => multiplyPacked(shape, zp, k));
    await time("leaf: satisfaction check", () => k.relaxedFirstFailure(abc0, 1n));
    await time("leaf: cmW (MSM)", () => commitPacked(srs, zp.slice(32 * (1 + 2 * shape.s)), 0n));
    // Fold of two real leaves, step by step (as proveFold does it).
    const l0 = await makeLeaf(shape, srs, z0, { k: 0 });
    const l1 = await makeLeaf(shape, srs, await computeWitness(compiled, l0.node.zOut), { k: 1 });
    const { W: w0, E: e0 } = { W: zp.slice(32 * (1 + 2 * shape.s)), E: new Uint8Array(32 * shape.m) };
    const T = await time("fold: cross term T", () => k.crossTerm(l0.abc, 1n, l1.abc, 1n));
    const cmT = await time("fold: cmT (MSM)", () => commitPacked(srs, T, 0n));
    const { r } = await time("fold: challenge r + instance fold", () =>
      verifyFold(domain, 0n, 3n, l0.node.U, l1.node.U, cmT),
    );
    await time("fold: W = W1 + r·W2", () => k.axpy(w0, r, w0));
    await time("fold: E = E1 + r·T + r²·E2", () => k.fold3(e0, r, T, (r * r) % P, e0));
    await time("fold: products Az1 + r·Az2 (×3)", () => {
      k.axpy(l0.abc.Az, r, l1.abc.Az);
      k.axpy(l0.abc.Bz, r, l1.abc.Bz);
      k.axpy(l0.abc.Cz, r, l1.abc.Cz);
    });
  }
  const rows = Object.entries(times).map(([step, v]) => ({ step, ms: Math.round(median(v) * 10) / 10 }));
  const sum = (prefix: string) => rows.filter((r) => r.step.startsWith(prefix)).reduce((a, r) => a + r.ms, 0);
  const leafMs = sum("leaf:");
  const foldMs = sum("fold:");
  const width = Math.max(...rows.map((r) => r.step.length));
  const lines = rows.map((r) => {
    const of = r.step.startsWith("leaf:") ? leafMs : r.step.startsWith("fold:") ? foldMs : 0;
    return `| ${r.step.padEnd(width)} | ${r.ms.toFixed(1).padStart(8)} | ${of ? `${((100 * r.ms) / of).toFixed(0).padStart(3)} %` : "     "} |`;
  });
  process.stdout.write(
    [
      `fold profile: ${id} (m = ${shape.m}, nW = ${shape.nW}), MSM ${msm}, field kernels ${k.name} — ${cpus().length} cores, load ${loadavg()[0].toFixed(1)}`,
      ...lines,
      `leaf (without witness) ${leafMs.toFixed(1)} ms, fold ${foldMs.toFixed(1)} ms`,
    ].join("\n") + "\n",
  );
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(
    "bench/results/fold-profile.json",
    `${JSON.stringify({ circuit: id, m: shape.m, nW: shape.nW, msm, kernels: k.name, steps: rows, leafMs, foldMs }, null, 2)}\n`,
  );
  await terminateDefaultMsmBackend();
}

main()
  .then(() => process.exit(0))
  .catch((err) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
