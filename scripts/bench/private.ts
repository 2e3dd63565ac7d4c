/**
 * `npm run bench:private [-- --steps 4,16]`: the cost of private mode against the incumbent local mode
 * in the same run, for cubic.circom: `novanet prove --private` (wrapper F̂, salted commitments, hiding,
 * decider of D_F̂) versus `novanet prove --hiding` + its decider (the old local bundle, which publishes
 * every z_k), then each one's verification. Prints a table and writes bench/results/private.json as
 * `{"rows": [{steps, mode, proveMs, verifyMs, bundleBytes, constraints, deciderConstraints}]}`.
 * Decider keys and dev SRS files are made first (cached, not timed).
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { decodeRootWitness } from "../../prover/src/cli/bundle.js";
import { proveLocal } from "../../prover/src/cli/prove.js";
import { verifyBundle } from "../../prover/src/cli/verify.js";
import { addDeciderToBundle, verifyBundleDecider } from "../../prover/src/decider/bundle.js";
import { terminateSnarkjsCurve } from "../../prover/src/decider/snarkjs.js";
import { terminateDefaultMsmBackend } from "../../prover/src/msm/default.js";
import { provePrivate } from "../../prover/src/private/prove.js";
import { verifyPrivateBundle } from "../../prover/src/private/verify.js";

const CUBIC = join("prover", "circuits", "cubic.circom");
const CACHE = ".novanet";
const log = (e: Record<string, unknown>) => process.stderr.write(`${JSON.stringify({ bench: "private", ...e })}\n`);

const { values } = parseArgs({ options: { steps: { type: "string", default: "4,16" } } });
const stepsList = values.steps!.split(",").map(Number);

function dirBytes(d: string): number {
  let n = 0;
  for (const e of readdirSync(d, { recursive: true })) {
    const p = join(d, String(e));
    if (statSync(p).isFile()) n += statSync(p).size;
  }
  return n;
}

type Row = {
  steps: number;
  mode: "local --hiding (incumbent)" | "private";
  proveMs: number;
  verifyMs: number;
  bundleBytes: number;
  publishesStates: boolean;
  deciderConstraints: number;
};

const tmp = mkdtempSync(join(tmpdir(), "novanet-bench-private-"));
const rows: Row[] = [];
const quiet = () => {};
try {
  // Warm-up (keys, dev ptau, compiles), not timed.
  await provePrivate({ circuit: CUBIC, steps: 1, z0: [1n], out: join(tmp, "w1"), cacheDir: CACHE, warn: quiet });
  const w = await proveLocal({
    circuit: CUBIC,
    steps: 1,
    z0: [1n],
    out: join(tmp, "w2"),
    hiding: true,
    cacheDir: CACHE,
    warn: quiet,
  });
  await addDeciderToBundle(w.bundle, {
    srsPtau: w.ptau,
    cacheDir: CACHE,
    warn: quiet,
    decodeWitness: decodeRootWitness,
  });
  for (const N of stepsList) {
    let t = performance.now();
    const l = await proveLocal({
      circuit: CUBIC,
      steps: N,
      z0: [3n],
      out: join(tmp, `l${N}`),
      hiding: true,
      cacheDir: CACHE,
      warn: quiet,
    });
    const d = await addDeciderToBundle(l.bundle, {
      srsPtau: l.ptau,
      cacheDir: CACHE,
      warn: quiet,
      decodeWitness: decodeRootWitness,
    });
    const lProve = performance.now() - t;
    t = performance.now();
    // The verifier is handed the same ptau and key the prover used (a benchmark, not a trust decision).
    const lv = await verifyBundle(l.bundle, { ptau: l.ptau });
    if (!lv.trustedSrs) throw new Error("local bundle: no SRS to check the decider with");
    const ld = await verifyBundleDecider(l.bundle, { vkey: d.keys.vkey, srs: lv.trustedSrs });
    const lVerify = performance.now() - t;
    if (!lv.valid || !ld.ok) throw new Error("local bundle did not verify");
    rows.push({
      steps: N,
      mode: "local --hiding (incumbent)",
      proveMs: lProve,
      verifyMs: lVerify,
      bundleBytes: dirBytes(l.bundle),
      publishesStates: true,
      deciderConstraints: d.decider.deciderConstraints,
    });
    log({ steps: N, mode: "local", proveMs: Math.round(lProve) });

    t = performance.now();
    const p = await provePrivate({
      circuit: CUBIC,
      steps: N,
      z0: [3n],
      out: join(tmp, `p${N}`),
      cacheDir: CACHE,
      warn: quiet,
    });
    const pProve = performance.now() - t;
    t = performance.now();
    // As for local: the prover's own ptau and (dev) key, handed over explicitly (never taken from the bundle).
    const pv = await verifyPrivateBundle(p.bundle, {
      circuit: CUBIC,
      cacheDir: CACHE,
      ptau: p.ptau,
      vkey: p.vkey,
      insecureDevKeys: true,
    });
    const pVerify = performance.now() - t;
    if (!pv.valid) throw new Error(`private bundle did not verify: ${pv.reason}`);
    const pj = (await import(join(p.bundle, "bundle.json"), { with: { type: "json" } })).default;
    rows.push({
      steps: N,
      mode: "private",
      proveMs: pProve,
      verifyMs: pVerify,
      bundleBytes: dirBytes(p.bundle),
      publishesStates: false,
      deciderConstraints: pj.decider.deciderConstraints,
    });
    log({ steps: N, mode: "private", proveMs: Math.round(pProve) });
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
  await terminateSnarkjsCurve();
  await terminateDefaultMsmBackend();
}

const pad = (s: string, n: number) => s.padEnd(n);
console.log(
  `${pad("steps", 6)}${pad("mode", 30)}${pad("prove ms", 10)}${pad("verify ms", 11)}${pad("bytes", 9)}${pad("D_F", 8)}states public`,
);
for (const r of rows) {
  console.log(
    `${pad(String(r.steps), 6)}${pad(r.mode, 30)}${pad(String(Math.round(r.proveMs)), 10)}${pad(String(Math.round(r.verifyMs)), 11)}${pad(String(r.bundleBytes), 9)}${pad(String(r.deciderConstraints), 8)}${r.publishesStates}`,
  );
}
mkdirSync(join("bench", "results"), { recursive: true });
writeFileSync(
  join("bench", "results", "private.json"),
  `${JSON.stringify({ circuit: "cubic", rows: rows.map((r) => ({ ...r, proveMs: Math.round(r.proveMs), verifyMs: Math.round(r.verifyMs) })) }, null, 2)}\n`,
);
