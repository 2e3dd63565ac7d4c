/**
 * Arithmetic in F_p, the BN254 scalar field (p = the group order), on native bigints.
 *
 * Every function takes canonical inputs (`0 ≤ a < p`) and returns canonical outputs; only
 * {@link assertFr} checks, the arithmetic does not (it is on the hot path). All of it is variable
 * time: fine for witnesses and public data, not for long-term secret keys.
 *
 * Costs: add/sub/neg are one bigint add and a compare; mul is one 254×254-bit product and one `%`;
 * inv is a Fermat power (≈ 254 squarings); {@link batchInverse} costs one inversion and 3(n−1) muls.
 * The vector kernels ({@link vecAxpy}, {@link vecHadamard}) allocate their result once and nothing per
 * element.
 */
import { P, randomScalar } from "../curve/bn254.js";
import { FieldElementError } from "../errors/curve.js";

export { P };

export function add(a: bigint, b: bigint): bigint {
  const s = a + b;
  return s >= P ? s - P : s;
}

export function sub(a: bigint, b: bigint): bigint {
  const d = a - b;
  return d < 0n ? d + P : d;
}

export function neg(a: bigint): bigint {
  return a === 0n ? 0n : P - a;
}

export function mul(a: bigint, b: bigint): bigint {
  return (a * b) % P;
}

/** Reduces any integer (negative included) into [0, p). */
export function mod(a: bigint): bigint {
  const r = a % P;
  return r < 0n ? r + P : r;
}

/** `a^e` for `e ≥ 0` by square-and-multiply. */
export function pow(a: bigint, e: bigint): bigint {
  if (e < 0n) throw new FieldElementError("negative exponent", { details: String(e) });
  let result = 1n;
  let base = a % P;
  let k = e;
  while (k > 0n) {
    if (k & 1n) result = (result * base) % P;
    base = (base * base) % P;
    k >>= 1n;
  }
  return result;
}

/** `a⁻¹`; throws {@link FieldElementError} for `a = 0`. */
export function inv(a: bigint): bigint {
  if (a % P === 0n) throw new FieldElementError("zero has no inverse in F_p");
  return pow(a, P - 2n);
}

/** Inverts every element with one field inversion (Montgomery's trick). Throws on a zero entry. */
export function batchInverse(values: readonly bigint[]): bigint[] {
  const n = values.length;
  const out = new Array<bigint>(n);
  if (n === 0) return out;
  let acc = 1n;
  for (let i = 0; i < n; i++) {
    if (values[i] === 0n) throw new FieldElementError("zero has no inverse in F_p", { details: `index ${i}` });
    out[i] = acc;
    acc = (acc * values[i]) % P;
  }
  let accInv = inv(acc);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = (out[i] * accInv) % P;
    accInv = (accInv * values[i]) % P;
  }
  return out;
}

/** Throws {@link FieldElementError} unless `v` is a bigint with `0 ≤ v < p`. */
export function assertFr(v: unknown, what = "field element"): asserts v is bigint {
  if (typeof v !== "bigint" || v < 0n || v >= P) {
    throw new FieldElementError(`${what} is not a canonical element of F_p (must be 0 ≤ v < p)`, {
      details: String(v),
    });
  }
}

/** Checks every entry of a vector with {@link assertFr}; the details name the first bad index. */
export function assertFrVector(v: readonly unknown[], what = "vector"): asserts v is bigint[] {
  for (let i = 0; i < v.length; i++) assertFr(v[i], `${what}[${i}]`);
}

/** A uniformly random element of F_p from the platform CSPRNG. */
export function randomFr(): bigint {
  return randomScalar();
}

/** `a + r·b` elementwise (equal lengths, not checked). One mul and one `%` per element. */
export function vecAxpy(a: readonly bigint[], r: bigint, b: readonly bigint[]): bigint[] {
  const n = a.length;
  const out = new Array<bigint>(n);
  for (let i = 0; i < n; i++) out[i] = (a[i] + r * b[i]) % P;
  return out;
}

/** `a ∘ b` elementwise (equal lengths, not checked). */
export function vecHadamard(a: readonly bigint[], b: readonly bigint[]): bigint[] {
  const n = a.length;
  const out = new Array<bigint>(n);
  for (let i = 0; i < n; i++) out[i] = (a[i] * b[i]) % P;
  return out;
}

/** `Σ v_i·ζ^i` by Horner's rule: `len(v)` muls. */
export function evalPoly(v: readonly bigint[], zeta: bigint): bigint {
  let acc = 0n;
  for (let i = v.length - 1; i >= 0; i--) acc = (acc * zeta + v[i]) % P;
  return acc;
}

/** Whether two vectors are equal entry by entry. */
export function vecEqual(a: readonly bigint[], b: readonly bigint[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
