/**
 * Radix-2 number-theoretic transforms over BN254's scalar field (bigint, in place), for the Groth16
 * prover's quotient `h = (a·b − c)/Z` and key generation's Lagrange evaluations.
 * `ω_N = 5^((p−1)/N)` (5 generates F_p^*, p − 1 = 2^28·t), and the coset shift is 5 as well.
 * Cost: (N/2)·log N multiplications per transform.
 */
import { buildBn128, type FfCurve } from "ffjavascript";
import { Groth16KeyError } from "../errors/groth16.js";
import { inv, P, pow } from "../field/fr.js";

export const GENERATOR = 5n;
export const TWO_ADICITY = 28;

/** The primitive `2^k`-th root of unity. */
export function rootOfUnity(k: number): bigint {
  if (!Number.isInteger(k) || k < 0 || k > TWO_ADICITY) {
    throw new Groth16KeyError("evaluation domain too large for BN254", { details: `2^${k}` });
  }
  return pow(GENERATOR, (P - 1n) >> BigInt(k));
}

function bitReverse(a: bigint[]): void {
  const n = a.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}

/** In place: coefficients → evaluations at `ω^j` (or back with `inverse`). `a.length` is a power of two. */
export function ntt(a: bigint[], inverse = false): void {
  const n = a.length;
  const k = Math.log2(n);
  let w = rootOfUnity(k);
  if (inverse) w = inv(w);
  bitReverse(a);
  for (let len = 2; len <= n; len <<= 1) {
    const wl = pow(w, BigInt(n / len));
    const half = len >> 1;
    const tw = new Array<bigint>(half);
    tw[0] = 1n;
    for (let i = 1; i < half; i++) tw[i] = (tw[i - 1] * wl) % P;
    for (let i = 0; i < n; i += len) {
      for (let j = 0; j < half; j++) {
        const u = a[i + j];
        const v = (a[i + j + half] * tw[j]) % P;
        const s = u + v;
        a[i + j] = s >= P ? s - P : s;
        const d = u - v;
        a[i + j + half] = d < 0n ? d + P : d;
      }
    }
  }
  if (inverse) {
    const nInv = inv(BigInt(n));
    for (let i = 0; i < n; i++) a[i] = (a[i] * nInv) % P;
  }
}

/** `a[i] ← a[i]·c^i` (moves a polynomial to the coset `c·H`, or back with `c⁻¹`). */
export function scaleByPowers(a: bigint[], c: bigint): void {
  let t = 1n;
  for (let i = 0; i < a.length; i++) {
    a[i] = (a[i] * t) % P;
    t = (t * c) % P;
  }
}

function toLe(a: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(32 * a.length);
  const dv = new DataView(out.buffer);
  const mask = (1n << 64n) - 1n;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v === 0n) continue;
    const o = 32 * i;
    dv.setBigUint64(o, v & mask, true);
    dv.setBigUint64(o + 8, (v >> 64n) & mask, true);
    dv.setBigUint64(o + 16, (v >> 128n) & mask, true);
    dv.setBigUint64(o + 24, v >> 192n, true);
  }
  return out;
}

function fromLe(b: Uint8Array, out: bigint[]): void {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < out.length; i++) {
    const o = 32 * i;
    out[i] =
      dv.getBigUint64(o, true) |
      (dv.getBigUint64(o + 8, true) << 64n) |
      (dv.getBigUint64(o + 16, true) << 128n) |
      (dv.getBigUint64(o + 24, true) << 192n);
  }
}

/**
 * {@link ntt} on ffjavascript's multi-threaded wasm FFT (same roots of unity, natural order in and out).
 * The wasm works in Montgomery form; elements in standard form come out in standard form, because the
 * transform is linear and its twiddles are Montgomery constants (`mont(x, w·R) = x·w`).
 */
export async function nttWasm(a: bigint[], inverse = false): Promise<void> {
  const shared = (globalThis as { curve_bn128?: FfCurve | null }).curve_bn128;
  const curve = shared ?? (await buildBn128(false));
  const buf = toLe(a);
  const res = inverse ? await curve.Fr.ifft(buf, "", "") : await curve.Fr.fft(buf, "", "");
  fromLe(res, a);
}
