/**
 * Relaxed R1CS (Nova paper §4, "committed relaxed R1CS"): instance `U = (cmW, cmE, u, x)`, witness
 * `W = (W, E, rW, rE)`; satisfied when `Az ∘ Bz = u·Cz + E` for `z = (u, x, W)` and
 * `cmW = cm(W, rW)`, `cmE = cm(E, rE)`. A fresh leaf is `u = 1`, `E = 0`, `cmE = (0, 0)`.
 *
 * The paper's notation (`U`, `W`, `E`, `u`, `x`) is kept on purpose. This file checks the algebra
 * only; folding/nifs.ts `checkRelaxed` also recomputes the commitments.
 */
import type { G1Affine } from "../curve/bn254.js";
import { WitnessLengthError } from "../errors/arith.js";
import { P } from "../field/fr.js";
import { type FrVec, packFr, unpackFr } from "./kernels.js";
import { type AbcProducts, multiply, type R1csShape } from "./r1cs.js";

export type RelaxedInstance = {
  cmW: G1Affine;
  cmE: G1Affine;
  u: bigint;
  /** Public IO, length 2s: for a leaf `(z_out[0..s), z_in[0..s))`. */
  x: bigint[];
};

export type RelaxedWitness = {
  /** Private witness, length `nW`. */
  W: bigint[];
  /** Error vector, length `m`. */
  E: bigint[];
  /** Hiding blind of `cmW` (0n when not hiding). */
  rW: bigint;
  /** Hiding blind of `cmE` (0n when not hiding). */
  rE: bigint;
};

/** `z = (u, x, W)` in circom's wire order. Throws {@link WitnessLengthError} on wrong lengths. */
export function assembleZ(shape: R1csShape, u: bigint, x: readonly bigint[], W: readonly bigint[]): bigint[] {
  if (x.length !== 2 * shape.s) {
    throw new WitnessLengthError("x has the wrong length", {
      details: `got ${x.length}, expected 2s = ${2 * shape.s}`,
    });
  }
  if (W.length !== shape.nW) {
    throw new WitnessLengthError("W has the wrong length", { details: `got ${W.length}, expected nW = ${shape.nW}` });
  }
  const z = new Array<bigint>(shape.nVars);
  z[0] = u;
  for (let i = 0; i < x.length; i++) z[1 + i] = x[i];
  const o = 1 + x.length;
  for (let i = 0; i < W.length; i++) z[o + i] = W[i];
  return z;
}

/** `Az, Bz, Cz` of `z = (U.u, U.x, W.W)`. */
export function relaxedProducts(shape: R1csShape, U: RelaxedInstance, W: RelaxedWitness): AbcProducts {
  return multiply(shape, assembleZ(shape, U.u, U.x, W.W));
}

/**
 * Whether `Az ∘ Bz = u·Cz + E` holds for `z = (u, x, W)` (commitments not checked). Returns false
 * (never throws) on wrong lengths or non-canonical entries, so a corrupted witness reads as unsatisfied.
 * Cost: one {@link multiply} and m multiplications.
 */
export function isRelaxedSatisfied(shape: R1csShape, U: RelaxedInstance, W: RelaxedWitness): boolean {
  if (U.x.length !== 2 * shape.s || W.W.length !== shape.nW || W.E.length !== shape.m) return false;
  const canon = (v: bigint) => typeof v === "bigint" && v >= 0n && v < P;
  if (!canon(U.u) || !U.x.every(canon) || !W.W.every(canon) || !W.E.every(canon)) return false;
  const { Az, Bz, Cz } = relaxedProducts(shape, U, W);
  return relaxedProductsSatisfy(U.u, { Az, Bz, Cz }, W.E);
}

/** Whether `Az ∘ Bz = u·Cz + E` for given products. */
export function relaxedProductsSatisfy(u: bigint, abc: AbcProducts, E: readonly bigint[]): boolean {
  const { Az, Bz, Cz } = abc;
  if (E.length !== Az.length) return false;
  for (let i = 0; i < Az.length; i++) {
    if ((Az[i] * Bz[i]) % P !== (u * Cz[i] + E[i]) % P) return false;
  }
  return true;
}

/** `W` and `E` of a witness as packed vectors (what the field kernels and `commitPacked` take). */
export type PackedWitness = { readonly W: FrVec; readonly E: FrVec };

const packedWitnesses = new WeakMap<RelaxedWitness, PackedWitness>();

/**
 * The packed `W` and `E` of a witness: the kernels' own output for a witness made by
 * {@link witnessFromPacked} (no conversion), else packed once and cached per witness object.
 *
 * @throws {FieldElementError} an entry of `W` or `E` is not canonical.
 */
export function packedWitness(w: RelaxedWitness): PackedWitness {
  let p = packedWitnesses.get(w);
  if (!p) {
    p = { W: packFr(w.W, "W"), E: packFr(w.E, "E") };
    packedWitnesses.set(w, p);
  }
  return p;
}

/**
 * A {@link RelaxedWitness} over packed vectors: `W` and `E` are decoded to bigints only when read (a
 * fold's output is usually folded again, never read), then frozen so that the bigint view and the
 * packed vectors cannot drift apart. `known` supplies bigint views already at hand (a leaf's `W`).
 */
export function witnessFromPacked(
  packed: PackedWitness,
  rW: bigint,
  rE: bigint,
  known: { W?: bigint[]; E?: bigint[] } = {},
): RelaxedWitness {
  let W = known.W ? Object.freeze(known.W) : undefined;
  let E = known.E ? Object.freeze(known.E) : undefined;
  const w = {
    get W(): bigint[] {
      if (!W) W = Object.freeze(unpackFr(packed.W, "W"));
      return W as bigint[];
    },
    get E(): bigint[] {
      if (!E) E = Object.freeze(unpackFr(packed.E, "E"));
      return E as bigint[];
    },
    rW,
    rE,
  };
  packedWitnesses.set(w, packed);
  return w;
}

/** The packed `z = (u, x, W)` in circom's wire order. Throws {@link WitnessLengthError} on wrong lengths. */
export function assembleZPacked(shape: R1csShape, u: bigint, x: readonly bigint[], W: FrVec): FrVec {
  if (x.length !== 2 * shape.s) {
    throw new WitnessLengthError("x has the wrong length", {
      details: `got ${x.length}, expected 2s = ${2 * shape.s}`,
    });
  }
  if (W.length !== 32 * shape.nW) {
    throw new WitnessLengthError("W has the wrong length", {
      details: `got ${W.length / 32}, expected nW = ${shape.nW}`,
    });
  }
  const z = new Uint8Array(32 * shape.nVars);
  z.set(packFr([u, ...x], "(u, x)"), 0);
  z.set(W, 32 * (1 + x.length));
  return z;
}
