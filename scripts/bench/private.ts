/**
 * `npm run bench:private [-- --steps 4,16] [--deciders 3,2]`: the cost of private mode against the incumbent
 * local mode in the same run, for cubic.circom, with decider v3 and v2 side by side: `novanet prove
 * --private` (wrapper F̂, salted commitments, hiding, decider of D_F̂) versus `novanet prove --hiding` + its
 * decider (the old local bundle, which publishes every z_k), then each one's verification. Prints a table
 * (with the ratios private / local and v3 / v2) and writes bench/results/private.json as
 * `{"rows": [{steps, mode, decider, proveMs, verifyMs, bundleBytes, publishesStates, deciderConstraints}]}`.
 * Decider keys and dev SRS files are made first (cached, not timed).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { decodeRootWitness } from "../../prover/src/cli/bundle.js";
import { proveLocal } from "../../prover/src/cli/prove.js";
import { verifyBundle } from "../../prover/src/cli/verify.js";
import { addDeciderToBundle, type TrustedDeciderKey, verifyBundleDecider } from "../../prover/src/decider/bundle.js";
import { readVkeyV3File } from "../../prover/src/decider/bundleV3.js";
import { terminateSnarkjsCurve } from "../../prover/src/decider/snarkjs.js";
import { terminateDefaultMsmBackend } from "../../prover/src/msm/default.js";
import { provePrivate } from "../../prover/src/private/prove.js";
import { verifyPrivateBundle } from "../../prover/src/private/verify.js";

const CUBIC = join("prover", "circuits", "cubic.circom");
const CACHE = ".novanet";
const log = (e: Record<string, unknown>) => process.stderr.write(`${JSON.stringify({ bench: "private", ...e })}\n`);

const { values } = parseArgs({
  options: { steps: { type: "string", default: "4,16" }, deciders: { type: "string", default: "3,2" } },
});
const stepsList = values.steps!.split(",").map(Number);
const deciders = values.deciders!.split(",").map((v) => (v === "2" ? 2 : 3) as 2 | 3);

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
  decider: "v2" | "v3";
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
  for (const v of deciders) {
    // Warm-up (keys, dev ptau, compiles), not timed.
    await provePrivate({
      circuit: CUBIC,
      steps: 1,
      z0: [1n],
      out: join(tmp, `w1-${v}`),
      cacheDir: CACHE,
      warn: quiet,
      decider: v,
    });
    const w = await proveLocal({
      circuit: CUBIC,
      steps: 1,
      z0: [1n],
      out: join(tmp, `w2-${v}`),
      hiding: true,
      cacheDir: CACHE,
      warn: quiet,
    });
    await addDeciderToBundle(w.bundle, {
      version: v,
      srsPtau: w.ptau,
      cacheDir: CACHE,
      warn: quiet,
      decodeWitness: decodeRootWitness,
    });
  }
  for (const N of stepsList) {
    for (const v of deciders) {
      let t = performance.now();
      const l = await proveLocal({
        circuit: CUBIC,
        steps: N,
        z0: [3n],
        out: join(tmp, `l${N}-${v}`),
        hiding: true,
        cacheDir: CACHE,
        warn: quiet,
      });
      const d = await addDeciderToBundle(l.bundle, {
        version: v,
        srsPtau: l.ptau,
        cacheDir: CACHE,
        warn: quiet,
        decodeWitness: decodeRootWitness,
      });
      const lProve = performance.now() - t;
      t = performance.now();
      // The verifier is handed the same ptau and key the prover used (a benchmark, not a trust decision).
      const lv = await verifyBundle(l.bundle, { ptau: l.ptau });
      if (!lv.trustedSrs || !lv.circuit) throw new Error("local bundle: no SRS to check the decider with");
      const key: TrustedDeciderKey =
        v === 2
          ? { version: 2, vkey: JSON.parse(readFileSync(d.vkeyPath, "utf8")) }
          : { version: 3, words: readVkeyV3File(d.vkeyPath).words };
      const circuit = { r1csHash: lv.circuit.r1csHash, stateWidth: 1 };
      const ld = await verifyBundleDecider(l.bundle, { ...key, srs: lv.trustedSrs, circuit });
      const lVerify = performance.now() - t;
      if (!lv.valid || !ld.ok) throw new Error("local bundle did not verify");
      rows.push({
        steps: N,
        mode: "local --hiding (incumbent)",
        decider: `v${v}`,
        proveMs: lProve,
        verifyMs: lVerify,
        bundleBytes: dirBytes(l.bundle),
        publishesStates: true,
        deciderConstraints: d.decider.deciderConstraints,
      });
      log({ steps: N, mode: "local", decider: v, proveMs: Math.round(lProve) });

      t = performance.now();
      const p = await provePrivate({
        circuit: CUBIC,
        steps: N,
        z0: [3n],
        out: join(tmp, `p${N}-${v}`),
        cacheDir: CACHE,
        warn: quiet,
        decider: v,
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
      const pj = JSON.parse(readFileSync(join(p.bundle, "bundle.json"), "utf8"));
      rows.push({
        steps: N,
        mode: "private",
        decider: `v${v}`,
        proveMs: pProve,
        verifyMs: pVerify,
        bundleBytes: dirBytes(p.bundle),
        publishesStates: false,
        deciderConstraints: pj.decider.deciderConstraints,
      });
      log({ steps: N, mode: "private", decider: v, proveMs: Math.round(pProve) });
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
  await terminateSnarkjsCurve();
  await terminateDefaultMsmBackend();
}

const pad = (s: string, n: number) => s.padEnd(n);
const find = (steps: number, mode: Row["mode"], decider: Row["decider"]) =>
  rows.find((r) => r.steps === steps && r.mode === mode && r.decider === decider);
const ratio = (a: number, b: number | undefined) => (b ? `${(a / b).toFixed(2)}×` : "-");
console.log(
  `${pad("steps", 6)}${pad("mode", 30)}${pad("decider", 8)}${pad("prove ms", 10)}${pad("verify ms", 11)}${pad("bytes", 9)}${pad("D_F", 8)}${pad("prove ÷ local", 15)}${pad("prove v3 ÷ v2", 15)}states public`,
);
for (const r of rows) {
  const local = find(r.steps, "local --hiding (incumbent)", r.decider);
  const v2 = find(r.steps, r.mode, "v2");
  console.log(
    `${pad(String(r.steps), 6)}${pad(r.mode, 30)}${pad(r.decider, 8)}${pad(String(Math.round(r.proveMs)), 10)}${pad(String(Math.round(r.verifyMs)), 11)}${pad(String(r.bundleBytes), 9)}${pad(String(r.deciderConstraints), 8)}${pad(r.mode === "private" ? ratio(r.proveMs, local?.proveMs) : "", 15)}${pad(r.decider === "v3" ? ratio(r.proveMs, v2?.proveMs) : "", 15)}${r.publishesStates}`,
  );
}
mkdirSync(join("bench", "results"), { recursive: true });
writeFileSync(
  join("bench", "results", "private.json"),
  `${JSON.stringify({ circuit: "cubic", rows: rows.map((r) => ({ ...r, proveMs: Math.round(r.proveMs), verifyMs: Math.round(r.verifyMs) })) }, null, 2)}\n`,
);
