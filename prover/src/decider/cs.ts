/**
 * A two-mode constraint synthesizer for circuits NovaNet generates itself (the decider `D_F`).
 *
 * One synthesis function runs twice over the same code path: in "shape" mode every linear combination
 * (LC) carries its terms and every multiplication records an R1CS constraint `A·B = C`; in "witness"
 * mode LCs carry only their value and nothing is recorded. Running the same code in both modes is what
 * keeps the generated `.r1cs` and the TypeScript witness in agreement wire by wire.
 *
 * Wire 0 is the constant 1 (circom's convention). Wires are numbered in allocation order; public wires
 * must be allocated first (they are wires 1..nPublic, as snarkjs expects).
 *
 * Costs: an LC addition is O(terms) in shape mode and O(1) in witness mode; {@link Synth.mul} is one
 * constraint and one new wire.
 */
import { P } from "../field/fr.js";

/** A linear combination `Σ coef·wire` (shape mode: `terms`) with its value (witness mode: `value`). */
export type Lc = { readonly terms?: Map<number, bigint>; readonly value?: bigint };

export type Constraint = readonly [Map<number, bigint>, Map<number, bigint>, Map<number, bigint>];

export type SynthMode = "shape" | "witness";

/**
 * The constraint `a·b = w`. The product commutes, so the longer LC goes to A: snarkjs's key generation
 * pays for B's non-zeros twice (G1 and G2, the dearer group) and for A's once.
 */
export function productConstraint(a: Map<number, bigint>, b: Map<number, bigint>, w: number): Constraint {
  return a.size >= b.size ? [a, b, new Map([[w, 1n]])] : [b, a, new Map([[w, 1n]])];
}

export class Synth {
  readonly mode: SynthMode;
  /** Number of wires allocated so far (wire 0 included). */
  nVars = 1;
  readonly constraints: Constraint[] = [];
  /** Witness values by wire (witness mode). */
  readonly values: bigint[] = [1n];

  constructor(mode: SynthMode) {
    this.mode = mode;
  }

  get shape(): boolean {
    return this.mode === "shape";
  }

  /** Allocates a wire; `value` is called in witness mode only (pass `undefined` to set it later). */
  alloc(value?: () => bigint): number {
    const w = this.nVars++;
    if (!this.shape) this.values[w] = value === undefined ? 0n : value();
    return w;
  }

  /** Sets a wire's value (witness mode; ignored in shape mode). */
  set(w: number, v: bigint): void {
    if (!this.shape) this.values[w] = ((v % P) + P) % P;
  }

  /** The LC `1·w`. */
  wire(w: number): Lc {
    return this.shape ? { terms: new Map([[w, 1n]]) } : { value: this.values[w] };
  }

  /** The constant LC `c·1`. */
  constant(c: bigint): Lc {
    const v = ((c % P) + P) % P;
    return this.shape ? { terms: v === 0n ? new Map() : new Map([[0, v]]) } : { value: v };
  }

  /** `Σ coef·z[col]` for LCs `z` (a sparse row of a step matrix over D_F's wires). */
  row(cols: ArrayLike<number>, vals: readonly bigint[], start: number, end: number, zWire: (col: number) => number) {
    if (this.shape) {
      const terms = new Map<number, bigint>();
      for (let k = start; k < end; k++) {
        const w = zWire(cols[k]);
        const prev = terms.get(w);
        terms.set(w, prev === undefined ? vals[k] : (prev + vals[k]) % P);
      }
      return { terms } as Lc;
    }
    let acc = 0n;
    for (let k = start; k < end; k++) acc += vals[k] * this.values[zWire(cols[k])];
    return { value: acc % P } as Lc;
  }

  /** `a + k·b`. */
  axpy(a: Lc, k: bigint, b: Lc): Lc {
    const kk = ((k % P) + P) % P;
    if (!this.shape) return { value: (a.value! + kk * b.value!) % P };
    const terms = new Map(a.terms!);
    if (kk === 0n) return { terms };
    for (const [w, c] of b.terms!) {
      const v = ((terms.get(w) ?? 0n) + kk * c) % P;
      if (v === 0n) terms.delete(w);
      else terms.set(w, v);
    }
    return { terms };
  }

  add(a: Lc, b: Lc): Lc {
    return this.axpy(a, 1n, b);
  }

  sub(a: Lc, b: Lc): Lc {
    return this.axpy(a, P - 1n, b);
  }

  /** `Σ k_i·lc_i`. */
  combine(ks: readonly bigint[], lcs: readonly Lc[]): Lc {
    if (!this.shape) {
      let acc = 0n;
      for (let i = 0; i < lcs.length; i++) acc += ks[i] * lcs[i].value!;
      return { value: acc % P };
    }
    const terms = new Map<number, bigint>();
    for (let i = 0; i < lcs.length; i++) {
      const k = ks[i];
      if (k === 0n) continue;
      for (const [w, c] of lcs[i].terms!) terms.set(w, ((terms.get(w) ?? 0n) + k * c) % P);
    }
    for (const [w, c] of terms) if (c === 0n) terms.delete(w);
    return { terms };
  }

  /** Number of terms (shape mode; 1 in witness mode). */
  size(a: Lc): number {
    return this.shape ? a.terms!.size : 1;
  }

  /** A new wire `w = a·b` and the constraint `a·b = w` (the longer of `a`, `b` as A). */
  mul(a: Lc, b: Lc): Lc {
    const w = this.alloc(() => (a.value! * b.value!) % P);
    if (this.shape) this.constraints.push(productConstraint(a.terms!, b.terms!, w));
    return this.wire(w);
  }

  /** A new wire equal to `a` (one constraint `a·1 = w`): caps the size of LCs reused many times. */
  materialize(a: Lc): Lc {
    const w = this.alloc(() => a.value!);
    if (this.shape) this.constraints.push([a.terms!, new Map([[0, 1n]]), new Map([[w, 1n]])]);
    return this.wire(w);
  }

  /** Enforces `a = wire w` (one constraint `a·1 = w`). */
  enforceEqualWire(a: Lc, w: number): void {
    if (this.shape) this.constraints.push([a.terms!, new Map([[0, 1n]]), new Map([[w, 1n]])]);
  }

  /** `x⁵` in three constraints (circomlib's Sigma). */
  pow5(x: Lc): Lc {
    const x2 = this.mul(x, x);
    const x4 = this.mul(x2, x2);
    return this.mul(x4, x);
  }
}
