/**
 * The decider's satisfaction check and blinding fold on packed vectors and the field kernels
 * (prover/src/arith/kernels.ts: native when the addon is built, bigint otherwise): the same values as
 * `isRelaxedSatisfied` + `blindFold` (prove.ts), without bigint arrays of `Az, Bz, Cz`. The products of
 * `U`'s witness are computed once and serve both the check and the cross term.
 */
import { randomBytes } from "node:crypto";
import {
  defaultFieldKernels,
  type FieldKernels,
  type FrVec,
  type PackedProducts,
  packCsr,
  packFr,
  unpackFr,
} from "../arith/kernels.js";
import type { R1csShape } from "../arith/r1cs.js";
import { assembleZPacked, type RelaxedInstance, type RelaxedWitness } from "../arith/relaxed.js";
import { commitPacked } from "../commitment/pedersen.js";
import type { Srs } from "../commitment/srs.js";
import type { G1Affine } from "../curve/bn254.js";
import { DeciderUnsatisfiedError } from "../errors/decider.js";
import { P, randomFr } from "../field/fr.js";
import { foldInstances } from "../folding/nifs.js";
import { blindChallenge } from "./transcript.js";

/** `n` uniform field elements, packed (64 random bytes reduced per element: bias < 2^-250). */
function randomPacked(n: number): FrVec {
  const bytes = randomBytes(64 * n);
  const out = new Uint8Array(32 * n);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < n; i++) {
    let v = 0n;
    for (let j = 0; j < 8; j++) v = (v << 64n) | bytes.readBigUInt64LE(64 * i + 8 * j);
    v %= P;
    for (let j = 0; j < 4; j++) dv.setBigUint64(32 * i + 8 * j, (v >> (64n * BigInt(j))) & 0xffffffffffffffffn, true);
  }
  return out;
}

function products(shape: R1csShape, k: FieldKernels, z: FrVec): PackedProducts {
  return { Az: k.spmv(packCsr(shape.A), z), Bz: k.spmv(packCsr(shape.B), z), Cz: k.spmv(packCsr(shape.C), z) };
}

/**
 * Checks that `W` satisfies `U` (relaxed R1CS) and, with `hiding`, folds a fresh random satisfying pair
 * into it (docs/decider.md "Proving", step 1).
 *
 * @throws {DeciderUnsatisfiedError} `W` does not satisfy `U` (or has the wrong shape, or a non-canonical entry).
 */
export async function checkAndBlindPacked(
  shape: R1csShape,
  srs: Srs,
  U: RelaxedInstance,
  W: RelaxedWitness,
  hiding: boolean,
  kernels: FieldKernels = defaultFieldKernels(),
): Promise<{ Ud: RelaxedInstance; Wd: RelaxedWitness; blind: RelaxedInstance | null; cmT: G1Affine }> {
  const unsat = (details: string) =>
    new DeciderUnsatisfiedError("the witness does not satisfy the relaxed instance", { details });
  if (U.x.length !== 2 * shape.s || W.W.length !== shape.nW || W.E.length !== shape.m) {
    throw unsat(`shape: |x|=${U.x.length}, |W|=${W.W.length}, |E|=${W.E.length}`);
  }
  let W1: FrVec;
  let E1: FrVec;
  let z1: FrVec;
  try {
    W1 = packFr(W.W, "W");
    E1 = packFr(W.E, "E");
    z1 = assembleZPacked(shape, U.u, U.x, W1);
  } catch (e) {
    throw unsat(e instanceof Error ? e.message : String(e));
  }
  const abc1 = products(shape, kernels, z1);
  const row = kernels.relaxedFirstFailure(abc1, U.u, E1);
  if (row >= 0) throw unsat(`u=${U.u}, |x|=${U.x.length}, first failing row ${row}`);
  if (!hiding) return { Ud: U, Wd: W, blind: null, cmT: { x: 0n, y: 0n } };

  // The random pair: uniform (u2, x2, W2), E2 = Az2∘Bz2 − u2·Cz2, hiding commitments.
  const u2 = randomFr();
  const x2 = Array.from({ length: 2 * shape.s }, randomFr);
  const W2 = randomPacked(shape.nW);
  const abc2 = products(shape, kernels, assembleZPacked(shape, u2, x2, W2));
  const zero = new Uint8Array(abc2.Az.length);
  const ab2 = kernels.crossTerm({ Az: abc2.Az, Bz: zero, Cz: zero }, 0n, { Az: zero, Bz: abc2.Bz, Cz: zero }, 0n);
  const E2 = kernels.axpy(ab2, (P - u2) % P, abc2.Cz);
  const [rW2, rE2, rT] = [randomFr(), randomFr(), randomFr()];
  const T = kernels.crossTerm(abc1, U.u, abc2, u2);
  const [cmW2, cmE2, cmT] = [
    await commitPacked(srs, W2, rW2),
    await commitPacked(srs, E2, rE2),
    await commitPacked(srs, T, rT),
  ];
  const blind: RelaxedInstance = { cmW: cmW2, cmE: cmE2, u: u2, x: x2 };
  const rb = blindChallenge(U, blind, cmT);
  const rb2 = (rb * rb) % P;
  const Wd: RelaxedWitness = {
    W: unpackFr(kernels.axpy(W1, rb, W2), "W'"),
    E: unpackFr(kernels.fold3(E1, rb, T, rb2, E2), "E'"),
    rW: (W.rW + rb * rW2) % P,
    rE: (W.rE + rb * rT + rb2 * rE2) % P,
  };
  return { Ud: foldInstances(U, blind, cmT, rb), Wd, blind, cmT };
}
