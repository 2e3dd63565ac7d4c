/**
 * The decider v3 rows of `npm run bench:decider` (scripts/bench/decider.ts runs them in the same run as
 * the incumbent's rows). Step circuits: bench_sized at 2^k − 3 constraints and
 * prover/circuits/sha256_chain.circom ("sha256"). Each size runs in two child processes:
 * - `keygen3`: the keys through the production path: `setupDeciderV3FromPtau` (D_F v3 synthesis, the
 *   ptau read and checked, every key section summed from its Lagrange and tau sections; no τ, α, β
 *   known) and one phase-2 contribution (`contributeKeys`), written to a .g16k under .novanet/keys-v3/:
 *   `keygenMs` (both), `contributeMs` (the contribution alone), the process's peak RSS `keygenPeakMB`,
 *   the ptau's power and, if this run made the dev ptau, `ptauGenMs` (not part of `keygenMs`);
 * - `prove3`: a fresh process loads the keys, folds two leaves, proves (hiding on) and measures
 *   `proveMs` and `provePeakMB`, checks the proof off-chain, then deploys DeciderVerifierV3 on Hardhat's
 *   in-process EVM and verifies it there (`gas`: eth_estimateGas of the verifyDecider transaction).
 * The SRS of the step's commitments and the keys come from ONE dev ptau (generated once, cached), of
 * the power the larger of the two needs (docs/decider.md: keys from the ptau the SRS comes from).
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { network } from "hardhat";
import { zeroAddress } from "viem";
import { loadR1cs } from "../../prover/src/arith/r1cs.js";
import { type CompiledCircuit, compileCircuit } from "../../prover/src/circuits/compile.js";
import { circuitForSize } from "../../prover/src/circuits/sized.js";
import { computeWitness } from "../../prover/src/circuits/witness.js";
import { devPowerFor, devPtauPath, ensureDevPtau } from "../../prover/src/commitment/devsrs.js";
import { loadSrsFromPtau, srsDigest } from "../../prover/src/commitment/srs.js";
import { g2ToEvm } from "../../prover/src/curve/bn254.js";
import { instanceAbi } from "../../prover/src/decider/abi.js";
import {
  checkDeciderV3,
  DECIDER_V3_CIRCUIT_VERSION,
  deciderProofV3Abi,
  deciderV3Circuit,
  proveDeciderV3,
  setupDeciderV3FromPtau,
  vkeyWordsV3,
} from "../../prover/src/decider/v3.js";
import { domainSeparator } from "../../prover/src/folding/transcript.js";
import { foldNodes, makeLeaf } from "../../prover/src/folding/tree.js";
import { domainPowerFor, qapRows, readKeys } from "../../prover/src/groth16/keys.js";
import { contributeKeys } from "../../prover/src/groth16/phase2.js";

export type V3Row = {
  step: string;
  constraints: number;
  deciderConstraints: number;
  ratio: number;
  domainPower: number;
  keygenMs: number;
  keygenPeakMB: number;
  contributeMs?: number;
  ptauPower?: number;
  ptauGenMs?: number;
  keygenSteps?: Record<string, number>;
  proveMs: number;
  provePeakMB: number;
  gas: number;
  phases: Record<string, number>;
};

async function compiled(step: string): Promise<CompiledCircuit> {
  if (step === "sha256") return compileCircuit("prover/circuits/sha256_chain.circom");
  return circuitForSize(Number(step));
}

function z0(step: string, s: number): bigint[] {
  if (step === "sha256") return [0x000102030405060708090a0b0c0d0e0fn, 0x101112131415161718191a1b1c1d1e1fn];
  return Array.from({ length: s }, (_, i) => BigInt(i + 3));
}

function peakSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 25);
  return () => {
    clearInterval(timer);
    return Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20);
  };
}

function keyPath(r1csHash: string): string {
  const dir = join(".novanet", "keys-v3", r1csHash);
  mkdirSync(dir, { recursive: true });
  return join(dir, `decider-v${DECIDER_V3_CIRCUIT_VERSION}-ptau.g16k`);
}

/** The dev ptau (cached) for both the step's SRS and D_F v3's keys: the larger power of the two. */
async function benchPtau(shape: Parameters<typeof deciderV3Circuit>[0]): Promise<{ path: string; power: number }> {
  const nPowers = Math.max(shape.nW, shape.m) + 2;
  const power = Math.max(devPowerFor(nPowers), v3Size(shape).domainPower);
  return { path: await ensureDevPtau(power, { warn: () => {}, onProgress: () => {} }), power };
}

export async function keygenPhaseV3(
  step: string,
): Promise<Pick<V3Row, "keygenMs" | "keygenPeakMB" | "contributeMs" | "ptauPower" | "ptauGenMs" | "keygenSteps">> {
  const c = await compiled(step);
  const shape = await loadR1cs(c.r1csPath);
  const t = performance.now();
  const had = existsSync(
    devPtauPath(Math.max(devPowerFor(Math.max(shape.nW, shape.m) + 2), v3Size(shape).domainPower)),
  );
  const ptau = await benchPtau(shape);
  const ptauGenMs = had ? undefined : Math.round(performance.now() - t);
  const stop = peakSampler();
  const t0 = performance.now();
  const path = keyPath(shape.r1csHash);
  const keygenSteps: Record<string, number> = {};
  await setupDeciderV3FromPtau(shape, ptau.path, `${path}.0`, {
    onProgress: (p) => {
      keygenSteps[p.step] = p.ms;
      process.stderr.write(`${JSON.stringify({ bench: "decider-v3", size: step, ...p })}\n`);
    },
  });
  const t1 = performance.now();
  await contributeKeys(`${path}.0`, path);
  rmSync(`${path}.0`, { force: true });
  const keygenMs = Math.round(performance.now() - t0);
  return {
    keygenMs,
    keygenPeakMB: stop(),
    contributeMs: Math.round(performance.now() - t1),
    ptauPower: ptau.power,
    ...(ptauGenMs !== undefined ? { ptauGenMs } : {}),
    keygenSteps,
  };
}

export async function provePhaseV3(step: string): Promise<Omit<V3Row, "keygenMs" | "keygenPeakMB">> {
  const c = await compiled(step);
  const shape = await loadR1cs(c.r1csPath);
  const nPowers = Math.max(shape.nW, shape.m) + 2;
  const ptau = (await benchPtau(shape)).path;
  const srs = await loadSrsFromPtau(ptau, nPowers);
  const path = keyPath(shape.r1csHash);
  if (!existsSync(path)) throw new Error(`no v3 keys for ${step}: run the keygen3 phase first`);
  const pk = await readKeys(path);
  const ctx = {
    shape,
    srs,
    domain: domainSeparator({ chainId: 0n, market: zeroAddress, r1csHash: shape.r1csHash, srsDigest: srsDigest(srs) }),
    jobId: 0n,
    hiding: true,
  };
  const w0 = await computeWitness(c, z0(step, shape.s));
  const w1 = await computeWitness(c, w0.slice(1, 1 + shape.s));
  const l0 = await makeLeaf(shape, srs, w0, { k: 0, hiding: true });
  const l1 = await makeLeaf(shape, srs, w1, { k: 1, hiding: true });
  const { parent: root } = await foldNodes(ctx, l0, l1);
  let phases: Record<string, number> = {};
  const stop = peakSampler();
  const t1 = performance.now();
  const proof = await proveDeciderV3(shape, srs, pk, root.node.U, root.W, {
    hiding: true,
    onTiming: (t) => {
      phases = t;
    },
  });
  const proveMs = Math.round(performance.now() - t1);
  const provePeakMB = stop();
  const ok = checkDeciderV3(pk.vkey, srs, shape.s, shape.nW, root.node.U, proof);
  if (!ok.ok) throw new Error(`v3 benchmark proof does not verify: ${ok.reason}`);
  const { viem } = await network.connect();
  const words = vkeyWordsV3(pk.vkey, shape.r1csHash, shape.s, shape.nW);
  const tau = g2ToEvm(srs.tauG2).flat() as unknown as readonly [bigint, bigint, bigint, bigint];
  const v = await viem.deployContract("DeciderVerifierV3", [words, tau]);
  const args = [instanceAbi(root.node.U), deciderProofV3Abi(proof)] as const;
  if (!(await v.read.verifyDecider(args))) throw new Error("DeciderVerifierV3 rejected the benchmark proof");
  const pc = await viem.getPublicClient();
  const gas = Number(
    await pc.estimateContractGas({ address: v.address, abi: v.abi, functionName: "verifyDecider", args }),
  );
  const circuit = { constraints: pk.nConstraints };
  return {
    step,
    constraints: shape.m,
    deciderConstraints: circuit.constraints,
    ratio: Math.round((100 * circuit.constraints) / shape.m) / 100,
    domainPower: pk.domainPower,
    proveMs,
    provePeakMB,
    gas,
    phases,
  };
}

/** D_F v3's size for a step shape without making keys (tests, docs). */
export function v3Size(shape: Parameters<typeof deciderV3Circuit>[0]) {
  const c = deciderV3Circuit(shape);
  return { constraints: c.constraints.length, domainPower: domainPowerFor(qapRows(c)) };
}
