/**
 * The decider circuit `D_F` of a step circuit `F` (docs/protocol.md §2 "Decider", §7 "Decider").
 *
 * Public wires, in this order (wires 1..2s+5, all circom "public inputs"):
 *   `u, x[0..2s), cmDigest, ζ, yW, yE`.
 * Private: `W[0..nW), rW, rE` (the relaxed witness of the instance being decided and the hiding
 * coefficients of `cmW`, `cmE`; zero when not hiding), then intermediate wires.
 * Constraints:
 *   1. `h = Sponge(W ‖ rW ‖ rE)`                      (only in the "hashed" variant, the real one)
 *   2. `ζ = Sponge(h, cmDigest, u, x)`                ("unhashed" variant: `Sponge(cmDigest, u, x)`)
 *   3. `E'_i = (A_i·z)(B_i·z) − u·(C_i·z)` for `z = (u, x, W)` (2 constraints per row)
 *   4. `yW = Σ W_k ζ^k + rW·ζ^nW`, `yE = Σ E'_i ζ^i + rE·ζ^m` by Horner (1 constraint per term)
 * The "unhashed" variant exists only to demonstrate the post-challenge attack in tests: with `ζ`
 * independent of the witness, `rW` and `rE` (or any witness entries) can be solved for after `ζ` is
 * known, and a proof for an unsatisfied instance verifies.
 *
 * {@link synthesizeDecider} runs in shape mode (to write the `.r1cs`) or witness mode (to compute the
 * Groth16 witness) over the same code, so both agree by construction.
 */
import type { R1csShape } from "../arith/r1cs.js";
import { P } from "../field/fr.js";
import { type Lc, Synth } from "./cs.js";
import { spongeGadget } from "./poseidonGadget.js";

export type DeciderVariant = "hashed" | "unhashed";

/**
 * Version of `D_F`'s constraint system as this module writes it. Part of the decider keys' cache path
 * (setup.ts), so keys made for an earlier `D_F` are never paired with a new one: bump it with any change
 * to the constraints written, even one that keeps the satisfying witnesses (e.g. v2 put the longer LC of
 * each product in A).
 */
export const DECIDER_CIRCUIT_VERSION = 2;

/** What the witness mode needs: the instance's public part and the private witness. */
export type DeciderAssignment = {
  u: bigint;
  x: readonly bigint[];
  cmDigest: bigint;
  W: readonly bigint[];
  rW: bigint;
  rE: bigint;
};

export type DeciderLayout = {
  readonly variant: DeciderVariant;
  readonly s: number;
  readonly m: number;
  readonly nW: number;
  /** Number of public signals: `2s + 5`. */
  readonly nPublic: number;
  readonly nVars: number;
  readonly nConstraints: number;
};

export type DeciderOutputs = { zeta: bigint; yW: bigint; yE: bigint };

/** Public signals in snarkjs order: `[u, ...x, cmDigest, ζ, yW, yE]`. */
export function publicSignals(u: bigint, x: readonly bigint[], cmDigest: bigint, o: DeciderOutputs): bigint[] {
  return [u, ...x, cmDigest, o.zeta, o.yW, o.yE];
}

/**
 * Runs the synthesis of `D_F` into `cs`. In witness mode `a` is required and the returned outputs are
 * the values of `ζ, yW, yE`; in shape mode `a` is ignored.
 */
export function synthesizeDecider(
  cs: Synth,
  shape: R1csShape,
  variant: DeciderVariant,
  a?: DeciderAssignment,
): DeciderOutputs | undefined {
  const { s, m, nW } = shape;
  const val = (v: bigint) => () => v;
  if (!cs.shape && !a) throw new Error("synthesizeDecider: witness mode needs an assignment");
  // Public wires first.
  const uW = cs.alloc(a && val(a.u));
  const xW: number[] = [];
  for (let i = 0; i < 2 * s; i++) xW.push(cs.alloc(a && val(a.x[i])));
  const cmDigestW = cs.alloc(a && val(a.cmDigest));
  const zetaW = cs.alloc();
  const yWW = cs.alloc();
  const yEW = cs.alloc();
  // Private inputs.
  const W0 = cs.nVars;
  for (let k = 0; k < nW; k++) cs.alloc(a && val(a.W[k]));
  const rWW = cs.alloc(a && val(a.rW));
  const rEW = cs.alloc(a && val(a.rE));

  // 1–2. ζ = Sponge(h, cmDigest, u, x) with h = Sponge(W ‖ rW ‖ rE).
  const zetaInputs: Lc[] = [];
  if (variant === "hashed") {
    const wIn: Lc[] = [];
    for (let k = 0; k < nW; k++) wIn.push(cs.wire(W0 + k));
    wIn.push(cs.wire(rWW), cs.wire(rEW));
    zetaInputs.push(spongeGadget(cs, wIn));
  }
  zetaInputs.push(cs.wire(cmDigestW), cs.wire(uW), ...xW.map((w) => cs.wire(w)));
  const zetaLc = spongeGadget(cs, zetaInputs);
  cs.set(zetaW, zetaLc.value ?? 0n);
  cs.enforceEqualWire(zetaLc, zetaW);
  const zeta = cs.wire(zetaW);

  // 3. E'_i = Az_i·Bz_i − u·Cz_i over z = (u, x, W): z[0] ↦ u, z[1..1+2s) ↦ x, the rest ↦ W.
  const zWire = (col: number) => (col === 0 ? uW : col <= 2 * s ? xW[col - 1] : W0 + (col - 1 - 2 * s));
  const u = cs.wire(uW);
  const ePrime: Lc[] = new Array(m);
  for (let i = 0; i < m; i++) {
    const az = cs.row(shape.A.cols, shape.A.vals, shape.A.rowPtr[i], shape.A.rowPtr[i + 1], zWire);
    const bz = cs.row(shape.B.cols, shape.B.vals, shape.B.rowPtr[i], shape.B.rowPtr[i + 1], zWire);
    const cz = cs.row(shape.C.cols, shape.C.vals, shape.C.rowPtr[i], shape.C.rowPtr[i + 1], zWire);
    ePrime[i] = cs.sub(cs.mul(az, bz), cs.mul(u, cz));
  }

  // 4. Horner: yE = E'(ζ) + rE·ζ^m, yW = W(ζ) + rW·ζ^nW.
  let acc = cs.wire(rEW);
  for (let i = m - 1; i >= 0; i--) acc = cs.add(ePrime[i], cs.mul(zeta, acc));
  cs.set(yEW, acc.value ?? 0n);
  cs.enforceEqualWire(acc, yEW);
  acc = cs.wire(rWW);
  for (let k = nW - 1; k >= 0; k--) acc = cs.add(cs.wire(W0 + k), cs.mul(zeta, acc));
  cs.set(yWW, acc.value ?? 0n);
  cs.enforceEqualWire(acc, yWW);

  if (cs.shape) return undefined;
  return { zeta: cs.values[zetaW], yW: cs.values[yWW], yE: cs.values[yEW] };
}

/** Builds `D_F`'s constraints (shape mode) and its layout. */
export function buildDecider(
  shape: R1csShape,
  variant: DeciderVariant = "hashed",
): { cs: Synth; layout: DeciderLayout } {
  const cs = new Synth("shape");
  synthesizeDecider(cs, shape, variant);
  return {
    cs,
    layout: {
      variant,
      s: shape.s,
      m: shape.m,
      nW: shape.nW,
      nPublic: 2 * shape.s + 5,
      nVars: cs.nVars,
      nConstraints: cs.constraints.length,
    },
  };
}

/** The full Groth16 witness of `D_F` (wire 0 = 1) and its outputs. */
export function deciderWitness(
  shape: R1csShape,
  variant: DeciderVariant,
  a: DeciderAssignment,
): { witness: bigint[]; outputs: DeciderOutputs } {
  const cs = new Synth("witness");
  const outputs = synthesizeDecider(cs, shape, variant, a)!;
  return { witness: cs.values.map((v) => ((v % P) + P) % P), outputs };
}
