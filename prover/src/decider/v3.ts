/**
 * Decider v3: `D_F` as a commit-and-prove Groth16 circuit (docs/decider.md "Decider v3").
 *
 * `D_F` v3 has no hash: the committed wires `u, x, W, rW, rE` are bound by the Groth16 commitment `D`
 * (groth16/keys.ts), and `ζ = keccak256(abi.encode(ZETA_TAG, D, cmDigest, u, x)) mod p` is computed by
 * the verifier from `D` and the decided instance and enters the circuit as a public input.
 *
 * Wires: public `ζ, y` (ℓ = 2), committed `u, x[0..2s), W[0..nW), rW, rE` (k = 2s + nW + 3), then the
 * products. The circuit evaluates ONE polynomial at ζ by Horner, the concatenation
 * `Q(X) = u + Σ x_i·X^(i+1) + X^(2s+1)·[W(X) + rW·X^nW + X^(nW+1)·(E'(X) + rE·X^m)]` with
 * `E'_i = Az_i·Bz_i − u·Cz_i`, and enforces `y = Q(ζ)`: `3m + nW + 2s + 2` constraints, plus `ℓ + k + 1`
 * independence rows in the QAP. The verifier computes `y` from the instance and ONE KZG opening
 * `yo` of `cmW' + ζ^(nW+1)·cmE'` at ζ: `y = u' + Σ x'_i·ζ^(i+1) + ζ^(2s+1)·yo` (docs/decider.md).
 *
 * Library API: {@link setupDeciderV3} (dev keys), {@link setupDeciderV3FromPtau} (keys from a ceremony ptau), {@link proveDeciderV3}, {@link checkDeciderV3} /
 * {@link verifyDeciderV3}. Keys are NOT part of a bundle: a verifier takes the verifying key from its
 * trust store, pinned by {@link vkeyHashV3} (docs/decider.md "Pinning the v3 key").
 */
import { encodeAbiParameters, keccak256, toBytes } from "viem";
import { defaultFieldKernels, type FieldKernels, type FrVec, frGet, packCsr } from "../arith/kernels.js";
import type { R1csShape } from "../arith/r1cs.js";
import type { RelaxedInstance, RelaxedWitness } from "../arith/relaxed.js";
import { open, verifyOpening } from "../commitment/kzg.js";
import type { Srs } from "../commitment/srs.js";
import { type G1Affine, type G2Affine, g1Add, g1FromAffine, g1Mul, g2FromAffine, g2ToEvm } from "../curve/bn254.js";
import { DeciderProofFormatError, DeciderUnsatisfiedError, DeciderVerificationError } from "../errors/decider.js";
import { assertFr, P, pow } from "../field/fr.js";
import {
  type G16Circuit,
  type G16KeyHeader,
  type G16ProvingKey,
  type G16Vkey,
  generateKeys,
  type KeygenOptions,
} from "../groth16/keys.js";
import { generateKeysFromPtau, type PtauKeygenOptions, type PtauKeygenResult } from "../groth16/keysFromPtau.js";
import { type G16Proof, proveG16 } from "../groth16/prove.js";
import { verifyG16 } from "../groth16/verify.js";
import { scalarsToLe } from "../msm/backend.js";
import { defaultMsmBackend } from "../msm/default.js";
import { type InstanceAbi, instanceAbi } from "./abi.js";
import { checkAndBlindPacked } from "./blindPacked.js";
import { Synth } from "./cs.js";
import { decidedInstance } from "./prove.js";
import { cmDigest } from "./transcript.js";

/** Version of `D_F` v3's constraints; part of every key's identity (bump on any constraint change). */
export const DECIDER_V3_CIRCUIT_VERSION = 4;

export const ZETA_TAG = keccak256(toBytes("NovaNet/decider/zeta/v3"));

export type DeciderV3Assignment = {
  u: bigint;
  x: readonly bigint[];
  zeta: bigint;
  W: readonly bigint[];
  rW: bigint;
  rE: bigint;
};

/** Runs the synthesis of `D_F` v3 into `cs`; in witness mode returns `y = Q(ζ)` and `yo` (the KZG part). */
export function synthesizeDeciderV3(cs: Synth, shape: R1csShape, a?: DeciderV3Assignment): { y: bigint; yo: bigint } {
  const { s, m, nW } = shape;
  const val = (v: bigint) => () => v;
  if (!cs.shape && !a) throw new Error("synthesizeDeciderV3: witness mode needs an assignment");
  const zetaW = cs.alloc(a && val(a.zeta));
  const yW = cs.alloc();
  // Committed block: z = (u, x, W) in the step's column order, then rW, rE.
  const uW = cs.alloc(a && val(a.u));
  const xW: number[] = [];
  for (let i = 0; i < 2 * s; i++) xW.push(cs.alloc(a && val(a.x[i])));
  const W0 = cs.nVars;
  for (let k = 0; k < nW; k++) cs.alloc(a && val(a.W[k]));
  const rWW = cs.alloc(a && val(a.rW));
  const rEW = cs.alloc(a && val(a.rE));
  const zWire = (col: number) => (col === 0 ? uW : col <= 2 * s ? xW[col - 1] : W0 + (col - 1 - 2 * s));
  const u = cs.wire(uW);
  const zeta = cs.wire(zetaW);
  // Horner from the top coefficient: rE, E'_{m−1}, …, E'_0, rW, W_{nW−1}, …, W_0, x_{2s−1}, …, x_0, u.
  let acc = cs.wire(rEW);
  for (let i = m - 1; i >= 0; i--) {
    const az = cs.row(shape.A.cols, shape.A.vals, shape.A.rowPtr[i], shape.A.rowPtr[i + 1], zWire);
    const bz = cs.row(shape.B.cols, shape.B.vals, shape.B.rowPtr[i], shape.B.rowPtr[i + 1], zWire);
    const cz = cs.row(shape.C.cols, shape.C.vals, shape.C.rowPtr[i], shape.C.rowPtr[i + 1], zWire);
    const e = cs.sub(cs.mul(az, bz), cs.mul(u, cz));
    acc = cs.add(e, cs.mul(zeta, acc));
  }
  acc = cs.add(cs.wire(rWW), cs.mul(zeta, acc));
  for (let k = nW - 1; k >= 0; k--) acc = cs.add(cs.wire(W0 + k), cs.mul(zeta, acc));
  const yo = acc.value ?? 0n;
  for (let i = 2 * s - 1; i >= 0; i--) acc = cs.add(cs.wire(xW[i]), cs.mul(zeta, acc));
  acc = cs.add(u, cs.mul(zeta, acc));
  cs.set(yW, acc.value ?? 0n);
  cs.enforceEqualWire(acc, yW);
  return { y: cs.shape ? 0n : cs.values[yW], yo };
}

/** `D_F` v3 as a commit-and-prove Groth16 circuit. */
export function deciderV3Circuit(shape: R1csShape): G16Circuit {
  const cached = circuits.get(shape);
  if (cached) return cached;
  const cs = new Synth("shape");
  synthesizeDeciderV3(cs, shape);
  const c = { nVars: cs.nVars, nPublic: 2, nCommitted: 2 * shape.s + shape.nW + 3, constraints: cs.constraints };
  circuits.set(shape, c);
  return c;
}

const circuits = new WeakMap<R1csShape, G16Circuit>();

/** The full Groth16 witness of `D_F` v3 (reference: the synthesizer in witness mode, bigints). */
export function deciderV3Witness(
  shape: R1csShape,
  a: DeciderV3Assignment,
): { witness: bigint[]; y: bigint; yo: bigint } {
  const cs = new Synth("witness");
  const { y, yo } = synthesizeDeciderV3(cs, shape, a);
  return { witness: cs.values.map((v) => ((v % P) + P) % P), y, yo };
}

function put(buf: Uint8Array, i: number, v: bigint): void {
  if (v === 0n) return;
  const dv = new DataView(buf.buffer, buf.byteOffset + 32 * i, 32);
  dv.setBigUint64(0, v & MASK64, true);
  dv.setBigUint64(8, (v >> 64n) & MASK64, true);
  dv.setBigUint64(16, (v >> 128n) & MASK64, true);
  dv.setBigUint64(24, v >> 192n, true);
}

const MASK64 = (1n << 64n) - 1n;

/**
 * {@link deciderV3Witness} on packed vectors: `Az, Bz, Cz` by the field kernels (native when built), the
 * products and the Horner chain in one pass, written straight into the packed witness the prover's
 * MSMs take. Same wires, same values (test/prover/decider/deciderV3.test.ts compares them).
 */
export function deciderV3WitnessPacked(
  shape: R1csShape,
  a: DeciderV3Assignment,
  kernels: FieldKernels = defaultFieldKernels(),
): { witness: FrVec; y: bigint; yo: bigint } {
  const { s, m, nW } = shape;
  const k = 2 * s + nW + 3;
  const nVars = 3 + k + 3 * m + nW + 2 * s + 2;
  const w = new Uint8Array(32 * nVars);
  const z0 = 3; // first committed wire (u)
  put(w, 0, 1n);
  put(w, 1, a.zeta);
  put(w, z0, a.u);
  for (let i = 0; i < 2 * s; i++) put(w, z0 + 1 + i, a.x[i]);
  for (let i = 0; i < nW; i++) put(w, z0 + 1 + 2 * s + i, a.W[i]);
  put(w, z0 + 1 + 2 * s + nW, a.rW);
  put(w, z0 + 2 + 2 * s + nW, a.rE);
  const z = w.subarray(32 * z0, 32 * (z0 + 1 + 2 * s + nW));
  const Az = kernels.spmv(packCsr(shape.A), z);
  const Bz = kernels.spmv(packCsr(shape.B), z);
  const Cz = kernels.spmv(packCsr(shape.C), z);
  const zero = new Uint8Array(Az.length);
  const ab = kernels.crossTerm({ Az, Bz: zero, Cz: zero }, 0n, { Az: zero, Bz, Cz: zero }, 0n);
  const ucz = kernels.axpy(zero, a.u, Cz);
  const zeta = a.zeta;
  let acc = a.rE;
  let o = 3 + k;
  for (let i = m - 1; i >= 0; i--) {
    const abi = frGet(ab, i);
    const ui = frGet(ucz, i);
    const za = (zeta * acc) % P;
    w.set(ab.subarray(32 * i, 32 * (i + 1)), 32 * o);
    w.set(ucz.subarray(32 * i, 32 * (i + 1)), 32 * (o + 1));
    put(w, o + 2, za);
    o += 3;
    acc = (((abi - ui + za) % P) + P) % P;
  }
  const step = (c: bigint) => {
    const za = (zeta * acc) % P;
    put(w, o++, za);
    acc = (c + za) % P;
  };
  step(a.rW);
  for (let i = nW - 1; i >= 0; i--) step(a.W[i]);
  const yo = acc;
  for (let i = 2 * s - 1; i >= 0; i--) step(a.x[i]);
  step(a.u);
  if (o !== nVars) throw new Error(`deciderV3WitnessPacked: ${o} wires, expected ${nVars}`);
  put(w, 2, acc);
  return { witness: w, y: acc, yo };
}

/** `ζ = uint256(keccak256(abi.encode(ZETA_TAG, G1 D, uint256 cmDigest, uint256 u, uint256[] x))) mod p`. */
export function zetaV3(d: G1Affine, digest: bigint, u: bigint, x: readonly bigint[]): bigint {
  const enc = encodeAbiParameters(
    [
      { type: "bytes32" },
      { type: "uint256" },
      { type: "uint256" },
      { type: "uint256" },
      { type: "uint256" },
      { type: "uint256[]" },
    ],
    [ZETA_TAG, d.x, d.y, digest, u, [...x]],
  );
  return BigInt(keccak256(enc)) % P;
}

/** `y = u + Σ x_i·ζ^(i+1) + ζ^(2s+1)·yo`: the public input the verifier derives from the instance and `yo`. */
export function claimV3(zeta: bigint, u: bigint, x: readonly bigint[], yo: bigint): bigint {
  let acc = yo;
  for (let i = x.length - 1; i >= 0; i--) acc = (x[i] + zeta * acc) % P;
  return (u + zeta * acc) % P;
}

/** The KZG combination weight `ρ = ζ^(nW+1)`: `cmW' + ρ·cmE'` is opened at ζ. */
export function kzgWeightV3(zeta: bigint, nW: number): bigint {
  return pow(zeta, BigInt(nW + 1));
}

/**
 * The verifying key as the words DeciderVerifierV3 is deployed with:
 * `[4 (version of D_F v3), r1csHash, s, nW, α.x, α.y, β, δ, σ (4 words each, EIP-197 order), IC_0, IC_1, IC_2
 * (2 words each)]`: 24 words at every state width.
 */
export function vkeyWordsV3(vk: G16Vkey, r1csHash: string, s: number, nW: number): bigint[] {
  const g1 = (p: G1Affine) => [p.x, p.y];
  const g2 = (p: G2Affine) => g2ToEvm(p).flat();
  return [
    BigInt(DECIDER_V3_CIRCUIT_VERSION),
    BigInt(r1csHash),
    BigInt(s),
    BigInt(nW),
    ...g1(vk.alpha1),
    ...g2(vk.beta2),
    ...g2(vk.delta2),
    ...g2(vk.sigma2),
    ...vk.ic.flatMap(g1),
  ];
}

/**
 * The inverse of {@link vkeyWordsV3}, for a verifier that holds only the pinned words (a trust store
 * entry): returns the key with its r1csHash and state width, every point validated. Throws
 * {@link DeciderProofFormatError} on malformed words.
 */
export function vkeyFromWordsV3(words: readonly bigint[]): {
  vkey: G16Vkey;
  r1csHash: `0x${string}`;
  s: number;
  nW: number;
} {
  try {
    if (words.length !== VKEY_WORDS || words[0] !== BigInt(DECIDER_V3_CIRCUIT_VERSION)) {
      throw new Error(`not v${DECIDER_V3_CIRCUIT_VERSION} key words (${words.length} words)`);
    }
    const s = Number(words[2]);
    const nW = Number(words[3]);
    if (!Number.isInteger(s) || s < 1 || s > 128) throw new Error(`state width ${words[2]}`);
    if (!Number.isSafeInteger(nW) || nW < 1 || nW >= 2 ** 28) throw new Error(`nW ${words[3]}`);
    const g1 = (i: number): G1Affine => {
      const p = { x: words[i], y: words[i + 1] };
      g1FromAffine(p);
      return p;
    };
    const g2 = (i: number): G2Affine => {
      const p = { x: { c0: words[i + 1], c1: words[i] }, y: { c0: words[i + 3], c1: words[i + 2] } };
      g2FromAffine(p);
      return p;
    };
    const ic = Array.from({ length: 3 }, (_, j) => g1(18 + 2 * j));
    const vkey: G16Vkey = {
      nPublic: 2,
      alpha1: g1(4),
      beta2: g2(6),
      delta2: g2(10),
      sigma2: g2(14),
      ic,
    };
    return { vkey, r1csHash: `0x${words[1].toString(16).padStart(64, "0")}`, s, nW };
  } catch (cause) {
    throw new DeciderProofFormatError("malformed v3 verifying key words", {
      details: cause instanceof Error ? cause.message : String(cause),
      cause,
    });
  }
}

/**
 * The identity a trust store pins for a v3 verifying key: `keccak256(abi.encode(uint256[] vkeyWordsV3))`,
 * what `DeciderVerifierV3.vkeyHash()` returns. Two setups of one circuit give different hashes.
 */
export function vkeyHashV3(vk: G16Vkey, r1csHash: string, s: number, nW: number): `0x${string}` {
  return keccak256(encodeAbiParameters([{ type: "uint256[]" }], [vkeyWordsV3(vk, r1csHash, s, nW)]));
}

/** Number of verifying-key words (any state width). */
export const VKEY_WORDS = 24;

export type DeciderV3Proof = {
  /** The commit-and-prove Groth16 proof of `D_F` v3 (`d` is the commitment to `u', x', W', rW', rE'`). */
  g16: G16Proof;
  /** The opening at ζ of `cmW' + ζ^(nW+1)·cmE'` (value `yo`, proof `pi`). */
  yo: bigint;
  pi: G1Affine;
  /** The random instance folded in for zero knowledge, or null (hiding off). */
  blind: RelaxedInstance | null;
  cmT: G1Affine;
};

/**
 * Generates `D_F` v3's keys for `shape` into `path` (`.g16k`) and returns the header (its `vkey` is
 * what a trust store pins, via {@link vkeyHashV3}). Insecure setup secrets are drawn in-process and
 * dropped; see docs/decider.md for what a production ceremony must add.
 */
export async function setupDeciderV3(
  shape: R1csShape,
  path: string,
  options: KeygenOptions = {},
): Promise<G16KeyHeader> {
  return generateKeys(deciderV3Circuit(shape), path, options);
}

/**
 * `D_F` v3's keys for `shape` derived from a prepared ceremony `.ptau` (groth16/keysFromPtau.ts: nobody
 * learns τ, α, β; the ptau is checked first) into `path`, with δ = σ = 1: run at least one phase-2
 * contribution (groth16/phase2.ts, `novanet ceremony … --decider v3 --ptau`) before trusting them. Use
 * the ptau the circuit's SRS comes from (docs/decider.md "Keys from a ceremony's powers of tau").
 */
export async function setupDeciderV3FromPtau(
  shape: R1csShape,
  ptau: string,
  path: string,
  options: PtauKeygenOptions = {},
): Promise<PtauKeygenResult> {
  return generateKeysFromPtau(deciderV3Circuit(shape), ptau, path, options);
}

export type ProveDeciderV3Options = {
  hiding?: boolean;
  onTiming?: (t: Record<string, number>) => void;
};

/**
 * Proves that `U` (with witness `W`) is a satisfied relaxed instance of `shape`.
 *
 * @throws {DeciderUnsatisfiedError} `W` does not satisfy `U`.
 */
export async function proveDeciderV3(
  shape: R1csShape,
  srs: Srs,
  pk: G16ProvingKey,
  U: RelaxedInstance,
  W: RelaxedWitness,
  options: ProveDeciderV3Options = {},
): Promise<DeciderV3Proof> {
  const timing: Record<string, number> = {};
  let t = performance.now();
  const lap = (k: string) => {
    const now = performance.now();
    timing[k] = Math.round(now - t);
    t = now;
  };
  // The satisfaction check and the blinding fold on the packed kernels (blindPacked.ts).
  const { Ud, Wd, blind, cmT } = await checkAndBlindPacked(shape, srs, U, W, options.hiding ?? true);
  lap("blindMs");
  const circuit = deciderV3Circuit(shape);
  lap("synthMs");
  // D depends on the committed wires (u', x', W', rW', rE') only, so it (and ζ) exist before the rest of
  // the witness.
  const d = await commitmentOf(pk, [Ud.u, ...Ud.x, ...Wd.W, Wd.rW, Wd.rE]);
  const zeta = zetaV3(d, cmDigest(Ud.cmW, Ud.cmE), Ud.u, Ud.x);
  const { witness, y } = deciderV3WitnessPacked(shape, { u: Ud.u, x: Ud.x, zeta, W: Wd.W, rW: Wd.rW, rE: Wd.rE });
  lap("witnessMs");
  const g16 = await proveG16(pk, circuit.constraints, witness, {
    onTiming: (tt) => Object.assign(timing, tt),
  });
  lap("groth16Ms");
  const o = await open(srs, combinedV3(shape, Wd, zeta), zeta);
  lap("kzgMs");
  if (claimV3(zeta, Ud.u, Ud.x, o.y) !== y) {
    throw new DeciderUnsatisfiedError("the opening disagrees with D_F's output (commitments do not match W, E)");
  }
  options.onTiming?.(timing);
  return { g16, yo: o.y, pi: o.pi, blind, cmT };
}

/** The vector opened at ζ: `(W, rW) + ζ^(nW+1)·(E, rE)` (the polynomial of `cmW + ζ^(nW+1)·cmE`). */
export function combinedV3(shape: R1csShape, w: RelaxedWitness, zeta: bigint): bigint[] {
  const { nW, m } = shape;
  const rho = kzgWeightV3(zeta, nW);
  const out = new Array<bigint>(Math.max(nW, m) + 1).fill(0n);
  for (let i = 0; i < nW; i++) out[i] = w.W[i];
  out[nW] = w.rW;
  for (let i = 0; i < m; i++) out[i] = (out[i] + rho * w.E[i]) % P;
  out[m] = (out[m] + rho * w.rE) % P;
  return out;
}

/** `D = Σ w_i·K_i` over the committed wires (what proveG16 puts in the proof). */
export async function commitmentOf(pk: G16ProvingKey, committed: readonly bigint[]): Promise<G1Affine> {
  return (await defaultMsmBackend()).msm(pk.K, scalarsToLe(committed));
}

export type VerifyDeciderV3Result = { ok: true } | { ok: false; reason: "groth16" | "kzg" };

function checkInstance(U: RelaxedInstance, s: number, what: string): void {
  if (U.x.length !== 2 * s) {
    throw new DeciderProofFormatError(`${what}: x has the wrong length`, { details: `${U.x.length} ≠ 2s = ${2 * s}` });
  }
  assertFr(U.u, `${what}.u`);
  for (const v of U.x) assertFr(v, `${what}.x`);
  g1FromAffine(U.cmW);
  g1FromAffine(U.cmE);
}

/**
 * Checks a v3 proof for `U` off-chain: the blinding fold, `ζ` from `D`, the commit-and-prove Groth16
 * proof (with its proof of knowledge) on `[u', x', ζ, yW, yE]`, and the batched KZG openings at `ζ`.
 * Returns `{ ok: false, reason }` for a well-formed false proof; throws {@link DeciderProofFormatError}
 * for malformed input.
 */
export function checkDeciderV3(
  vkey: G16Vkey,
  srs: Srs,
  stateWidth: number,
  nW: number,
  U: RelaxedInstance,
  proof: DeciderV3Proof,
): VerifyDeciderV3Result {
  try {
    if (vkey.nPublic !== 2) throw new Error("not a D_F v3 verifying key (2 public inputs)");
    if (!Number.isSafeInteger(nW) || nW < 1) throw new Error(`nW ${nW}`);
    checkInstance(U, stateWidth, "instance");
    if (proof.blind) checkInstance(proof.blind, stateWidth, "blind");
    assertFr(proof.yo, "yo");
    for (const p of [proof.pi, proof.cmT, proof.g16.a, proof.g16.c, proof.g16.d, proof.g16.pok]) {
      g1FromAffine(p);
    }
    g2FromAffine(proof.g16.b);
  } catch (cause) {
    throw new DeciderProofFormatError("malformed decider v3 proof or instance", {
      details: cause instanceof Error ? cause.message : String(cause),
      cause,
    });
  }
  const Ud = decidedInstance(U, proof.blind, proof.cmT);
  const zeta = zetaV3(proof.g16.d, cmDigest(Ud.cmW, Ud.cmE), Ud.u, Ud.x);
  const y = claimV3(zeta, Ud.u, Ud.x, proof.yo);
  if (!verifyG16(vkey, [zeta, y], proof.g16)) return { ok: false, reason: "groth16" };
  const cm = g1Add(Ud.cmW, g1Mul(Ud.cmE, kzgWeightV3(zeta, nW)));
  return verifyOpening(srs, cm, zeta, proof.yo, proof.pi) ? { ok: true } : { ok: false, reason: "kzg" };
}

/** {@link checkDeciderV3}, throwing {@link DeciderVerificationError} instead of returning false. */
export function verifyDeciderV3(
  vkey: G16Vkey,
  srs: Srs,
  stateWidth: number,
  nW: number,
  U: RelaxedInstance,
  proof: DeciderV3Proof,
): void {
  const r = checkDeciderV3(vkey, srs, stateWidth, nW, U, proof);
  if (!r.ok) throw new DeciderVerificationError(`decider v3 proof rejected: ${r.reason} check failed`);
}

const EMPTY_INSTANCE: InstanceAbi = { cmW: { x: 0n, y: 0n }, cmE: { x: 0n, y: 0n }, u: 0n, x: [] };

/** The Solidity ABI value of `DeciderProofV3` (contracts/decider/DeciderVerifierV3.sol). */
export function deciderProofV3Abi(p: DeciderV3Proof) {
  const g1 = (q: G1Affine) => ({ x: q.x, y: q.y });
  return {
    a: [p.g16.a.x, p.g16.a.y] as const,
    b: g2ToEvm(p.g16.b),
    c: [p.g16.c.x, p.g16.c.y] as const,
    d: g1(p.g16.d),
    pok: g1(p.g16.pok),
    yo: p.yo,
    pi: g1(p.pi),
    blind: p.blind ? instanceAbi(p.blind) : EMPTY_INSTANCE,
    cmT: g1(p.cmT),
  };
}
