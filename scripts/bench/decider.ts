/**
 * `npm run bench:decider [-- --sizes 10,12,14]`: decider proving time and peak memory for the
 * size-parametrised step circuit (prover/circuits/bench_sized.circom, 2^k − 3 constraints), and the
 * on-chain verification gas for state widths 1, 2 and 8. Writes bench/results/decider.json as
 * `{"prove": [{constraints, proveMs, peakMB, ...}], "verify": [{stateWidth, gas, ...}]}`.
 *
 * prove: the root of two folded leaves (a relaxed instance with u ≠ 1 and E ≠ 0), hiding on (random
 * instance folded in, blinded commitments): `proveMs` is `proveDecider` end to end (blinding fold,
 * D_F witness, Groth16, two KZG openings); key generation (`keygenMs`, D_F's .r1cs + snarkjs phase 2 with
 * one contribution and a beacon) and the dev SRS are excluded and reported separately. Each size runs
 * in two child processes, key generation then proving, so `peakMB` is the peak RSS of a fresh process
 * that loads the cached keys and proves (snarkjs's workers are threads of it). When the keys were
 * already cached, `keygenMs` is carried over from the results of the run that made them.
 * verify: `eth_estimateGas` of a transaction calling `verifyDecider` on Hardhat's in-process EVM (21k
 * base and calldata included), for the committed verifiers of cubic (s = 1), mix2 (s = 2) and the
 * width-8 fixture, hiding on (`gas`) and off (`gasNoHiding`), and for DeciderVerifierV3 deployed with
 * fresh v3 keys of the same circuits (`gasV3`, `gasV3NoHiding`).
 * v3 (`--v3 10,12,14,16,sha256`): decider v3 rows from scripts/bench/decider-v3.ts, in the same run;
 * `--sizes` are the incumbent's (D_F v2, snarkjs) sizes, default 10 (its 2^14 keys take ~31 min here;
 * rows of sizes not run now are carried over from bench/results/decider.json and marked "earlier").
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { network } from "hardhat";
import { zeroAddress } from "viem";
import { loadR1cs } from "../../prover/src/arith/r1cs.js";
import { circuitForSize } from "../../prover/src/circuits/sized.js";
import { computeWitness } from "../../prover/src/circuits/witness.js";
import { devPowerFor, ensureDevPtau } from "../../prover/src/commitment/devsrs.js";
import { loadSrsFromPtau, srsDigest } from "../../prover/src/commitment/srs.js";
import { g2ToEvm } from "../../prover/src/curve/bn254.js";
import { deciderProofAbi, instanceAbi } from "../../prover/src/decider/abi.js";
import { buildDecider } from "../../prover/src/decider/circuit.js";
import { proveDecider } from "../../prover/src/decider/prove.js";
import { keysDir, setupDecider } from "../../prover/src/decider/setup.js";
import { terminateSnarkjsCurve } from "../../prover/src/decider/snarkjs.js";
import { deciderProofV3Abi, proveDeciderV3, setupDeciderV3, vkeyWordsV3 } from "../../prover/src/decider/v3.js";
import { checkDecider } from "../../prover/src/decider/verify.js";
import { domainSeparator } from "../../prover/src/folding/transcript.js";
import { foldNodes, makeLeaf } from "../../prover/src/folding/tree.js";
import { readKeys } from "../../prover/src/groth16/keys.js";
import { terminateDefaultMsmBackend } from "../../prover/src/msm/default.js";
import { deciderFixture, treeRoot } from "../../test/prover/decider/fixtures.js";
import { keygenPhaseV3, provePhaseV3, type V3Row } from "./decider-v3.js";

const log = (e: Record<string, unknown>) => process.stderr.write(`${JSON.stringify({ bench: "decider", ...e })}\n`);

type ProveRow = {
  constraints: number;
  proveMs: number;
  peakMB: number;
  deciderConstraints: number;
  keygenMs: number;
  /**
   * The keys were in the cache and no earlier measurement of their generation was on file, so
   * `keygenMs` is only the cache lookup (false: `keygenMs` measured making them, in this run or before).
   */
  keysCached: boolean;
  ptauPower: number;
  phases: Record<string, number>;
};
type VerifyRow = { stateWidth: number; gas: number; gasNoHiding: number; gasV3: number; gasV3NoHiding: number };

type SizeSetup = {
  compiled: Awaited<ReturnType<typeof circuitForSize>>;
  shape: Awaited<ReturnType<typeof loadR1cs>>;
  layout: ReturnType<typeof buildDecider>["layout"];
  power: number;
  ptau: string;
  nPowers: number;
};

async function sizeSetup(k: number): Promise<SizeSetup> {
  const compiled = await circuitForSize(k);
  const shape = await loadR1cs(compiled.r1csPath);
  const { layout } = buildDecider(shape);
  const nPowers = Math.max(shape.nW, shape.m) + 2;
  const power = devPowerFor(nPowers, layout.nConstraints, layout.nPublic);
  const ptau = await ensureDevPtau(power, { warn: () => {}, onProgress: () => {} });
  return { compiled, shape, layout, power, ptau, nPowers };
}

/** Child phase "keygen": the dev ptau and D_F's keys (cached afterwards). */
async function keygenPhase(k: number): Promise<Pick<ProveRow, "keygenMs" | "keysCached">> {
  const { shape, layout, power, ptau } = await sizeSetup(k);
  log({ k, constraints: shape.m, deciderConstraints: layout.nConstraints, ptauPower: power });
  const keysCached = existsSync(join(await keysDir(shape, ptau), "decider.zkey"));
  const t0 = performance.now();
  await setupDecider(shape, ptau, { log });
  return { keygenMs: Math.round(performance.now() - t0), keysCached };
}

/** Child phase "prove", in a fresh process so that `peakMB` is the proving alone (cached keys). */
async function provePhase(k: number): Promise<Omit<ProveRow, "keygenMs" | "keysCached">> {
  const { compiled, shape, layout, power, ptau, nPowers } = await sizeSetup(k);
  const srs = await loadSrsFromPtau(ptau, nPowers);
  const keys = await setupDecider(shape, ptau, { log });
  const ctx = {
    shape,
    srs,
    domain: domainSeparator({ chainId: 0n, market: zeroAddress, r1csHash: shape.r1csHash, srsDigest: srsDigest(srs) }),
    jobId: 0n,
    hiding: true,
  };
  const w0 = await computeWitness(compiled, [3n]);
  const w1 = await computeWitness(compiled, w0.slice(1, 2));
  const l0 = await makeLeaf(shape, srs, w0, { k: 0, hiding: true });
  const l1 = await makeLeaf(shape, srs, w1, { k: 1, hiding: true });
  const { parent: root } = await foldNodes(ctx, l0, l1);
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 25);
  let phases: Record<string, number> = {};
  const t1 = performance.now();
  const proof = await proveDecider(shape, srs, keys, root.node.U, root.W, {
    hiding: true,
    onTiming: (t) => {
      phases = t;
    },
  });
  const proveMs = Math.round(performance.now() - t1);
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  const ok = await checkDecider(keys.vkey, srs, shape.s, root.node.U, proof);
  if (!ok.ok) throw new Error(`benchmark proof does not verify: ${ok.reason}`);
  return {
    constraints: shape.m,
    proveMs,
    peakMB: Math.round(peak / 2 ** 20),
    deciderConstraints: layout.nConstraints,
    ptauPower: power,
    phases,
  };
}

const ROW_PREFIX = "NOVANET_BENCH_ROW ";

/** Runs one phase of size `k` in a child process and returns the JSON it reports. */
function child<T>(phase: "keygen" | "prove" | "keygen3" | "prove3", k: number | string): T {
  const script = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, [...process.execArgv, script, "--phase", phase, "--sizes", String(k)], {
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
    maxBuffer: 64 * 2 ** 20,
  });
  if (r.status !== 0) throw new Error(`bench:decider ${phase} ${k} failed (exit ${r.status ?? r.signal})`);
  const line = r.stdout.split("\n").find((l) => l.startsWith(ROW_PREFIX));
  if (!line) throw new Error(`bench:decider ${phase} ${k} reported no row`);
  return JSON.parse(line.slice(ROW_PREFIX.length)) as T;
}

function benchProve(k: number): ProveRow {
  const kg = child<Pick<ProveRow, "keygenMs" | "keysCached">>("keygen", k);
  const pr = child<Omit<ProveRow, "keygenMs" | "keysCached">>("prove", k);
  const row = { ...pr, keygenMs: kg.keygenMs, keysCached: kg.keysCached };
  log(row);
  return row;
}

async function benchGas(): Promise<VerifyRow[]> {
  const { viem } = await network.connect();
  const pc = await viem.getPublicClient();
  const rows: VerifyRow[] = [];
  const dir = mkdtempSync(join(tmpdir(), "bench-dv3-"));
  for (const [name, contract] of [
    ["cubic", "TestOnlyCubicDeciderVerifier"],
    ["mix2", "TestOnlyMix2DeciderVerifier"],
    ["width8", "TestOnlyWidth8DeciderVerifier"],
  ] as const) {
    const { circuit, keys, srs } = await deciderFixture(name);
    const v = await viem.deployContract(contract);
    const gas: Record<string, number> = {};
    for (const hiding of [true, false]) {
      const root = await treeRoot(circuit, srs, 4, hiding);
      const proof = await proveDecider(circuit.shape, srs, keys, root.node.U, root.W, { hiding });
      const g = await pc.estimateContractGas({
        address: v.address,
        abi: v.abi,
        functionName: "verifyDecider",
        args: [instanceAbi(root.node.U), deciderProofAbi(proof)],
      });
      gas[String(hiding)] = Number(g);
    }
    const path = join(dir, `${name}.g16k`);
    await setupDeciderV3(circuit.shape, path);
    const pk = await readKeys(path);
    const tau = g2ToEvm(srs.tauG2).flat() as unknown as readonly [bigint, bigint, bigint, bigint];
    const v3 = await viem.deployContract("DeciderVerifierV3", [
      vkeyWordsV3(pk.vkey, circuit.shape.r1csHash, circuit.shape.s, circuit.shape.nW),
      tau,
    ]);
    for (const hiding of [true, false]) {
      const root = await treeRoot(circuit, srs, 4, hiding);
      const proof = await proveDeciderV3(circuit.shape, srs, pk, root.node.U, root.W, { hiding });
      const g = await pc.estimateContractGas({
        address: v3.address,
        abi: v3.abi,
        functionName: "verifyDecider",
        args: [instanceAbi(root.node.U), deciderProofV3Abi(proof)],
      });
      gas[`v3${hiding}`] = Number(g);
    }
    const row = {
      stateWidth: circuit.shape.s,
      gas: gas.true,
      gasNoHiding: gas.false,
      gasV3: gas.v3true,
      gasV3NoHiding: gas.v3false,
    };
    log(row);
    rows.push(row);
  }
  rmSync(dir, { recursive: true, force: true });
  return rows;
}

/** bench/results/decider.json with this run's gas and v3 rows so far (the v2 rows of the file kept). */
function writePartial(verify: VerifyRow[], v3: V3Row[]): void {
  const file = join("bench", "results", "decider.json");
  const old = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as { prove?: ProveRow[] }) : {};
  mkdirSync(join("bench", "results"), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ prove: old.prove ?? [], verify, v3, partial: true }, null, 2)}\n`);
}

async function main() {
  const { values } = parseArgs({
    options: {
      sizes: { type: "string", default: "10" },
      v3: { type: "string", default: "10,12,14,16,sha256" },
      phase: { type: "string" },
    },
  });
  const sizes = values.sizes!.split(",").filter(Boolean).map(Number);
  if (values.phase === "keygen3" || values.phase === "prove3") {
    const step = values.sizes!;
    const row = values.phase === "keygen3" ? await keygenPhaseV3(step) : await provePhaseV3(step);
    process.stdout.write(`${ROW_PREFIX}${JSON.stringify(row)}\n`);
    await terminateDefaultMsmBackend();
    return;
  }
  if (values.phase !== undefined) {
    // Child mode: one phase of one size, reported on stdout.
    if (values.phase !== "keygen" && values.phase !== "prove") throw new Error(`unknown --phase ${values.phase}`);
    const row = values.phase === "keygen" ? await keygenPhase(sizes[0]) : await provePhase(sizes[0]);
    process.stdout.write(`${ROW_PREFIX}${JSON.stringify(row)}\n`);
    await terminateSnarkjsCurve();
    await terminateDefaultMsmBackend();
    return;
  }
  const verify = await benchGas();
  const v3: V3Row[] = [];
  for (const step of values.v3!.split(",").filter(Boolean)) {
    const kg = child<Pick<V3Row, "keygenMs" | "keygenPeakMB" | "contributeMs" | "ptauPower" | "ptauGenMs">>(
      "keygen3",
      step,
    );
    const pr = child<Omit<V3Row, "keygenMs" | "keygenPeakMB">>("prove3", step);
    const row = { ...pr, ...kg };
    log({ v3: row });
    v3.push(row);
    // Written after every row, so that a run cut short (the 2^16 row takes long) keeps what it measured.
    writePartial(verify, v3);
  }
  const prove: ProveRow[] = [];
  for (const k of sizes) prove.push(benchProve(k));
  const ranNow = new Set(prove);
  const keygenEarlier = new Set<ProveRow>();
  // Keygen times of cached keys, and rows of sizes not run this time, come from the previous results.
  const file = join("bench", "results", "decider.json");
  if (existsSync(file)) {
    const old = JSON.parse(readFileSync(file, "utf8")) as { prove?: ProveRow[] };
    for (const r of prove) {
      const prev = old.prove?.find(
        (o) => o.constraints === r.constraints && o.deciderConstraints === r.deciderConstraints,
      );
      if (r.keysCached && prev && !prev.keysCached) {
        Object.assign(r, { keygenMs: prev.keygenMs, keysCached: false });
        keygenEarlier.add(r);
      }
    }
    for (const r of old.prove ?? []) if (!prove.some((p) => p.constraints === r.constraints)) prove.push(r);
    prove.sort((a, b) => a.constraints - b.constraints);
  }
  console.log("\nDecider proving (hiding on; key generation excluded)");
  console.table(
    prove.map((r) => ({
      constraints: r.constraints,
      "D_F constraints": r.deciderConstraints,
      "prove ms": r.proveMs,
      "peak MB": r.peakMB,
      run: ranNow.has(r) ? "now" : "earlier",
      "keygen ms": r.keygenMs,
      "keygen run": r.keysCached ? "cache lookup" : ranNow.has(r) && !keygenEarlier.has(r) ? "now" : "earlier",
    })),
  );
  console.log("Decider v3 (commit-and-prove Groth16; keys, proof with hiding, on-chain verification; this run)");
  console.table(
    v3.map((r) => {
      const old = prove.find((p) => p.constraints === r.constraints);
      return {
        step: r.step === "sha256" ? "sha256_chain" : `2^${r.step} − 3`,
        constraints: r.constraints,
        "D_F v3": r.deciderConstraints,
        "v3 ratio": r.ratio,
        "D_F v2": old?.deciderConstraints ?? "—",
        "v2 ratio": old ? Math.round((100 * old.deciderConstraints) / old.constraints) / 100 : "—",
        "v3 keygen ms (ptau + 1 contribution)": r.keygenMs,
        "v3 keygen MB": r.keygenPeakMB,
        ptau: r.ptauPower ? `2^${r.ptauPower}` : "—",
        "v2 keygen ms": old?.keygenMs ?? "—",
        "v3 prove ms": r.proveMs,
        "v3 prove MB": r.provePeakMB,
        "v2 prove ms": old?.proveMs ?? "—",
        "v2 prove MB": old?.peakMB ?? "—",
        "v3 gas": r.gas,
      };
    }),
  );
  console.log("On-chain verification (estimateGas, tx total)");
  console.table(
    verify.map((r) => ({
      "state width": r.stateWidth,
      "v2 gas": r.gas,
      "v2 gas (no hiding)": r.gasNoHiding,
      "v3 gas": r.gasV3,
      "v3 gas (no hiding)": r.gasV3NoHiding,
    })),
  );
  mkdirSync(join("bench", "results"), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ prove, verify, v3 }, null, 2)}\n`);
  await terminateSnarkjsCurve();
  await terminateDefaultMsmBackend();
}

await main();
process.exit(0);
