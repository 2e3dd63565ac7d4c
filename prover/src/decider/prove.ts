/**
 * Proving a relaxed instance with the decider (docs/protocol.md §2 "Decider", docs/decider.md):
 *
 * 1. (hiding) Fold in a random satisfying relaxed instance `(Ur, Wr)` (Nova's zero-knowledge
 *    technique): `T`, `cmT` (with a random blind), `rb = blindChallenge(U, Ur, cmT)`,
 *    `U' = U + rb·Ur`, `W' = W + rb·Wr`. `W'` is uniformly random, so nothing below reveals `W`.
 * 2. `cmDigest = keccak(cmW', cmE') mod p`, the witness of `D_F` (which computes `ζ`, `yW`, `yE`).
 * 3. Groth16 proof of `D_F` (snarkjs), KZG openings `cmW' → yW`, `cmE' → yE` at `ζ`.
 * The prover refuses (DeciderUnsatisfiedError) when the instance is not satisfied.
 */
import { multiply, type R1csShape } from "../arith/r1cs.js";
import { assembleZ, isRelaxedSatisfied, type RelaxedInstance, type RelaxedWitness } from "../arith/relaxed.js";
import { open } from "../commitment/kzg.js";
import { commit } from "../commitment/pedersen.js";
import type { Srs } from "../commitment/srs.js";
import type { G1Affine } from "../curve/bn254.js";
import { DeciderUnsatisfiedError } from "../errors/decider.js";
import { P, randomFr } from "../field/fr.js";
import { crossTerm, foldInstances, foldWitnesses } from "../folding/nifs.js";
import { type DeciderVariant, deciderWitness } from "./circuit.js";
import { writeWtnsBytes } from "./r1csFile.js";
import type { DeciderKeys } from "./setup.js";
import { snarkjs } from "./snarkjs.js";
import { blindChallenge, cmDigest } from "./transcript.js";

export type G2Evm = readonly [readonly [bigint, bigint], readonly [bigint, bigint]];

/** A decider proof (the TypeScript form of Solidity's `DeciderProof`). */
export type DeciderProof = {
  a: readonly [bigint, bigint];
  /** G2 in EIP-197 order `[[x1, x0], [y1, y0]]`. */
  b: G2Evm;
  c: readonly [bigint, bigint];
  zeta: bigint;
  yW: bigint;
  yE: bigint;
  piW: G1Affine;
  piE: G1Affine;
  /** The random instance folded in for zero knowledge, or null (hiding off). */
  blind: RelaxedInstance | null;
  /** The cross term commitment of the blinding fold ((0, 0) when hiding is off). */
  cmT: G1Affine;
};

export type ProveDeciderOptions = {
  /** Fold in a random instance and blind its commitments (default true). */
  hiding?: boolean;
  /** Time per phase (ms) is reported here. */
  onTiming?: (t: Record<string, number>) => void;
};

/** A uniformly random satisfying relaxed instance-witness pair, commitments blinded. */
export async function randomRelaxedPair(
  shape: R1csShape,
  srs: Srs,
): Promise<{ U: RelaxedInstance; W: RelaxedWitness }> {
  const W = Array.from({ length: shape.nW }, randomFr);
  const u = randomFr();
  const x = Array.from({ length: 2 * shape.s }, randomFr);
  const { Az, Bz, Cz } = multiply(shape, assembleZ(shape, u, x, W));
  const E = Az.map((a, i) => (((a * Bz[i] - u * Cz[i]) % P) + P) % P);
  const rW = randomFr();
  const rE = randomFr();
  const [cmW, cmE] = [await commit(srs, W, rW), await commit(srs, E, rE)];
  return { U: { cmW, cmE, u, x }, W: { W, E, rW, rE } };
}

/** The instance actually decided: `U` itself, or `U` folded with `proof.blind` (verifier side). */
export function decidedInstance(U: RelaxedInstance, blind: RelaxedInstance | null, cmT: G1Affine): RelaxedInstance {
  if (!blind) return U;
  return foldInstances(U, blind, cmT, blindChallenge(U, blind, cmT));
}

/** The blinding fold of step 1: `U` folded with a fresh random pair, its witness, the blind and `cmT`. */
export async function blindFold(
  shape: R1csShape,
  srs: Srs,
  U: RelaxedInstance,
  W: RelaxedWitness,
): Promise<{ Ud: RelaxedInstance; Wd: RelaxedWitness; blind: RelaxedInstance; cmT: G1Affine }> {
  const r = await randomRelaxedPair(shape, srs);
  const abc1 = multiply(shape, assembleZ(shape, U.u, U.x, W.W));
  const abc2 = multiply(shape, assembleZ(shape, r.U.u, r.U.x, r.W.W));
  const T = crossTerm(abc1, U.u, abc2, r.U.u);
  const rT = randomFr();
  const cmT = await commit(srs, T, rT);
  const rb = blindChallenge(U, r.U, cmT);
  return { Ud: foldInstances(U, r.U, cmT, rb), Wd: foldWitnesses(W, r.W, T, rT, rb), blind: r.U, cmT };
}

/**
 * Proves that `U` (with witness `W`) is a satisfied relaxed instance of `shape`.
 *
 * @throws {DeciderUnsatisfiedError} `W` does not satisfy `U`.
 * @example
 * const proof = await proveDecider(shape, srs, keys, U, W);
 */
export async function proveDecider(
  shape: R1csShape,
  srs: Srs,
  keys: DeciderKeys,
  U: RelaxedInstance,
  W: RelaxedWitness,
  options: ProveDeciderOptions = {},
): Promise<DeciderProof> {
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
  if (hiding) lap("blindMs");
  const digest = cmDigest(Ud.cmW, Ud.cmE);
  const variant: DeciderVariant = keys.layout.variant;
  const { witness, outputs } = deciderWitness(shape, variant, {
    u: Ud.u,
    x: Ud.x,
    cmDigest: digest,
    W: Wd.W,
    rW: Wd.rW,
    rE: Wd.rE,
  });
  lap("witnessMs");
  const sj = await snarkjs();
  const { proof } = await sj.groth16.prove(keys.zkeyPath, { type: "mem", data: writeWtnsBytes(witness) });
  lap("groth16Ms");
  const ow = await open(srs, Wd.W, outputs.zeta, Wd.rW);
  const oe = await open(srs, Wd.E, outputs.zeta, Wd.rE);
  lap("kzgMs");
  if (ow.y !== outputs.yW || oe.y !== outputs.yE) {
    throw new DeciderUnsatisfiedError("the openings disagree with D_F's outputs (commitments do not match W, E)");
  }
  options.onTiming?.(timing);
  return {
    a: [BigInt(proof.pi_a[0]), BigInt(proof.pi_a[1])],
    b: [
      [BigInt(proof.pi_b[0][1]), BigInt(proof.pi_b[0][0])],
      [BigInt(proof.pi_b[1][1]), BigInt(proof.pi_b[1][0])],
    ],
    c: [BigInt(proof.pi_c[0]), BigInt(proof.pi_c[1])],
    zeta: outputs.zeta,
    yW: outputs.yW,
    yE: outputs.yE,
    piW: ow.pi,
    piE: oe.pi,
    blind,
    cmT,
  };
}
