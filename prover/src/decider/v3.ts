/**
 * Decider v3: `D_F` as a commit-and-prove Groth16 circuit (docs/decider.md "Decider v3").
 *
 * `D_F` v3 has no hash: the committed wires `W, rW, rE` are bound by the Groth16 commitment `D`
 * (groth16/keys.ts), and `ζ = keccak256(abi.encode(ZETA_TAG, D, cmDigest, u, x)) mod p` is computed by
 * the verifier from `D` and the decided instance and enters the circuit as a public input.
 *
 * Wires: public `u, x[0..2s), ζ, yW, yE` (ℓ = 2s + 4), committed `W[0..nW), rW, rE` (k = nW + 2), then
 * the products. Constraints: `E'_i = Az_i·Bz_i − u·Cz_i` (2m), Horner for `yE` (m) and `yW` (nW), two
 * equalities: `3m + nW + 2`, plus `ℓ + k + 1` independence rows in the QAP.
 *
 * Library API: {@link setupDeciderV3} (keys), {@link proveDeciderV3}, {@link checkDeciderV3} /
 * {@link verifyDeciderV3}. Keys are NOT part of a bundle: a verifier takes the verifying key from its
 * trust store, pinned by {@link vkeyHashV3} (docs/decider.md "Pinning the v3 key").
 */
import { encodeAbiParameters, keccak256, toBytes } from "viem";
import type { R1csShape } from "../arith/r1cs.js";
import { isRelaxedSatisfied, type RelaxedInstance, type RelaxedWitness } from "../arith/relaxed.js";
import { batchVerify, open } from "../commitment/kzg.js";
import type { Srs } from "../commitment/srs.js";
import { type G1Affine, type G2Affine, g1FromAffine, g2FromAffine, g2ToEvm } from "../curve/bn254.js";
import { DeciderProofFormatError, DeciderUnsatisfiedError, DeciderVerificationError } from "../errors/decider.js";
import { assertFr, P } from "../field/fr.js";
import {
  type G16Circuit,
  type G16KeyHeader,
  type G16ProvingKey,
  type G16Vkey,
  generateKeys,
  type KeygenOptions,
} from "../groth16/keys.js";
import { type G16Proof, proveG16 } from "../groth16/prove.js";
import { verifyG16 } from "../groth16/verify.js";
import { scalarsToLe } from "../msm/backend.js";
import { defaultMsmBackend } from "../msm/default.js";
import { type InstanceAbi, instanceAbi } from "./abi.js";
import { Synth } from "./cs.js";
import { blindFold, decidedInstance } from "./prove.js";
import { cmDigest } from "./transcript.js";

/** Version of `D_F` v3's constraints; part of every key's identity (bump on any constraint change). */
export const DECIDER_V3_CIRCUIT_VERSION = 3;

export const ZETA_TAG = keccak256(toBytes("NovaNet/decider/zeta/v3"));

export type DeciderV3Assignment = {
  u: bigint;
  x: readonly bigint[];
  zeta: bigint;
  W: readonly bigint[];
  rW: bigint;
  rE: bigint;
};

/** Runs the synthesis of `D_F` v3 into `cs`; in witness mode returns `yW, yE`. */
export function synthesizeDeciderV3(cs: Synth, shape: R1csShape, a?: DeciderV3Assignment): { yW: bigint; yE: bigint } {
  const { s, m, nW } = shape;
  const val = (v: bigint) => () => v;
  if (!cs.shape && !a) throw new Error("synthesizeDeciderV3: witness mode needs an assignment");
  const uW = cs.alloc(a && val(a.u));
  const xW: number[] = [];
  for (let i = 0; i < 2 * s; i++) xW.push(cs.alloc(a && val(a.x[i])));
  const zetaW = cs.alloc(a && val(a.zeta));
  const yWW = cs.alloc();
  const yEW = cs.alloc();
  const W0 = cs.nVars;
  for (let k = 0; k < nW; k++) cs.alloc(a && val(a.W[k]));
  const rWW = cs.alloc(a && val(a.rW));
  const rEW = cs.alloc(a && val(a.rE));
  const zWire = (col: number) => (col === 0 ? uW : col <= 2 * s ? xW[col - 1] : W0 + (col - 1 - 2 * s));
  const u = cs.wire(uW);
  const zeta = cs.wire(zetaW);
  // E'_i = Az_i·Bz_i − u·Cz_i, folded straight into Horner for yE = E'(ζ) + rE·ζ^m (from the top row).
  let acc = cs.wire(rEW);
  for (let i = m - 1; i >= 0; i--) {
    const az = cs.row(shape.A.cols, shape.A.vals, shape.A.rowPtr[i], shape.A.rowPtr[i + 1], zWire);
    const bz = cs.row(shape.B.cols, shape.B.vals, shape.B.rowPtr[i], shape.B.rowPtr[i + 1], zWire);
    const cz = cs.row(shape.C.cols, shape.C.vals, shape.C.rowPtr[i], shape.C.rowPtr[i + 1], zWire);
    const e = cs.sub(cs.mul(az, bz), cs.mul(u, cz));
    acc = cs.add(e, cs.mul(zeta, acc));
  }
  cs.set(yEW, acc.value ?? 0n);
  cs.enforceEqualWire(acc, yEW);
  acc = cs.wire(rWW);
  for (let k = nW - 1; k >= 0; k--) acc = cs.add(cs.wire(W0 + k), cs.mul(zeta, acc));
  cs.set(yWW, acc.value ?? 0n);
  cs.enforceEqualWire(acc, yWW);
  return { yW: cs.shape ? 0n : cs.values[yWW], yE: cs.shape ? 0n : cs.values[yEW] };
}

/** `D_F` v3 as a commit-and-prove Groth16 circuit. */
export function deciderV3Circuit(shape: R1csShape): G16Circuit {
  const cs = new Synth("shape");
  synthesizeDeciderV3(cs, shape);
  return { nVars: cs.nVars, nPublic: 2 * shape.s + 4, nCommitted: shape.nW + 2, constraints: cs.constraints };
}

/** The full Groth16 witness of `D_F` v3 and its outputs. */
export function deciderV3Witness(
  shape: R1csShape,
  a: DeciderV3Assignment,
): { witness: bigint[]; yW: bigint; yE: bigint } {
  const cs = new Synth("witness");
  const { yW, yE } = synthesizeDeciderV3(cs, shape, a);
  return { witness: cs.values.map((v) => ((v % P) + P) % P), yW, yE };
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

/**
 * The verifying key as the words DeciderVerifierV3 is deployed with:
 * `[3 (version), r1csHash, s, α.x, α.y, β, δ, σ (4 words each, EIP-197 order), IC_0.x, IC_0.y, …]`.
 */
export function vkeyWordsV3(vk: G16Vkey, r1csHash: string, s: number): bigint[] {
  const g1 = (p: G1Affine) => [p.x, p.y];
  const g2 = (p: G2Affine) => g2ToEvm(p).flat();
  return [
    BigInt(DECIDER_V3_CIRCUIT_VERSION),
    BigInt(r1csHash),
    BigInt(s),
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
export function vkeyFromWordsV3(words: readonly bigint[]): { vkey: G16Vkey; r1csHash: `0x${string}`; s: number } {
  try {
    if (words.length < 17 || words[0] !== BigInt(DECIDER_V3_CIRCUIT_VERSION)) throw new Error("not v3 key words");
    const s = Number(words[2]);
    if (!Number.isInteger(s) || s < 1 || s > 128 || words.length !== 17 + 2 * (2 * s + 5)) {
      throw new Error(`${words.length} words for state width ${words[2]}`);
    }
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
    const ic = Array.from({ length: 2 * s + 5 }, (_, j) => g1(17 + 2 * j));
    const vkey: G16Vkey = {
      nPublic: 2 * s + 4,
      alpha1: g1(3),
      beta2: g2(5),
      delta2: g2(9),
      sigma2: g2(13),
      ic,
    };
    return { vkey, r1csHash: `0x${words[1].toString(16).padStart(64, "0")}`, s };
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
export function vkeyHashV3(vk: G16Vkey, r1csHash: string, s: number): `0x${string}` {
  return keccak256(encodeAbiParameters([{ type: "uint256[]" }], [vkeyWordsV3(vk, r1csHash, s)]));
}

export type DeciderV3Proof = {
  /** The commit-and-prove Groth16 proof of `D_F` v3 (`d` is the commitment to `W', rW', rE'`). */
  g16: G16Proof;
  yW: bigint;
  yE: bigint;
  piW: G1Affine;
  piE: G1Affine;
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
  if (!isRelaxedSatisfied(shape, U, W)) {
    throw new DeciderUnsatisfiedError("the witness does not satisfy the relaxed instance", {
      details: `u=${U.u}, |x|=${U.x.length}`,
    });
  }
  const hiding = options.hiding ?? true;
  const { Ud, Wd, blind, cmT } = hiding
    ? await blindFold(shape, srs, U, W)
    : { Ud: U, Wd: W, blind: null, cmT: { x: 0n, y: 0n } };
  lap("blindMs");
  const circuit = deciderV3Circuit(shape);
  lap("synthMs");
  // D depends on the committed wires (W', rW', rE') only, so it (and ζ) exist before the rest of the witness.
  const d = await commitmentOf(pk, [...Wd.W, Wd.rW, Wd.rE]);
  const zeta = zetaV3(d, cmDigest(Ud.cmW, Ud.cmE), Ud.u, Ud.x);
  const { witness, yW, yE } = deciderV3Witness(shape, { u: Ud.u, x: Ud.x, zeta, W: Wd.W, rW: Wd.rW, rE: Wd.rE });
  lap("witnessMs");
  const g16 = await proveG16(pk, circuit.constraints, witness, {
    onTiming: (tt) => Object.assign(timing, tt),
  });
  lap("groth16Ms");
  const ow = await open(srs, Wd.W, zeta, Wd.rW);
  const oe = await open(srs, Wd.E, zeta, Wd.rE);
  lap("kzgMs");
  if (ow.y !== yW || oe.y !== yE) {
    throw new DeciderUnsatisfiedError("the openings disagree with D_F's outputs (commitments do not match W, E)");
  }
  options.onTiming?.(timing);
  return { g16, yW, yE, piW: ow.pi, piE: oe.pi, blind, cmT };
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
  U: RelaxedInstance,
  proof: DeciderV3Proof,
): VerifyDeciderV3Result {
  try {
    if (vkey.nPublic !== 2 * stateWidth + 4) throw new Error("verifying key is for another state width");
    checkInstance(U, stateWidth, "instance");
    if (proof.blind) checkInstance(proof.blind, stateWidth, "blind");
    assertFr(proof.yW, "yW");
    assertFr(proof.yE, "yE");
    for (const p of [proof.piW, proof.piE, proof.cmT, proof.g16.a, proof.g16.c, proof.g16.d, proof.g16.pok]) {
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
  if (!verifyG16(vkey, [Ud.u, ...Ud.x, zeta, proof.yW, proof.yE], proof.g16)) return { ok: false, reason: "groth16" };
  const kzgOk = batchVerify(srs, {
    cm1: Ud.cmW,
    cm2: Ud.cmE,
    zeta,
    y1: proof.yW,
    y2: proof.yE,
    pi1: proof.piW,
    pi2: proof.piE,
  });
  return kzgOk ? { ok: true } : { ok: false, reason: "kzg" };
}

/** {@link checkDeciderV3}, throwing {@link DeciderVerificationError} instead of returning false. */
export function verifyDeciderV3(
  vkey: G16Vkey,
  srs: Srs,
  stateWidth: number,
  U: RelaxedInstance,
  proof: DeciderV3Proof,
): void {
  const r = checkDeciderV3(vkey, srs, stateWidth, U, proof);
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
    yW: p.yW,
    yE: p.yE,
    piW: g1(p.piW),
    piE: g1(p.piE),
    blind: p.blind ? instanceAbi(p.blind) : EMPTY_INSTANCE,
    cmT: g1(p.cmT),
  };
}
