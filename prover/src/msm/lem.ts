/**
 * ffjavascript's point representation ("LEM": affine, little-endian, coordinates in Montgomery form,
 * 32 bytes each) ↔ affine bigint points. The `.ptau` sections and the MSM backends use LEM; the rest of
 * the prover uses bigint points (curve/bn254.ts). Conversions validate coordinates and curve membership.
 */
import { type G1Affine, type G2Affine, g1FromAffine, g2FromAffine, Q } from "../curve/bn254.js";
import { InvalidPointError } from "../errors/curve.js";

const R_INV = modInverse((1n << 256n) % Q, Q);
const R_MOD = (1n << 256n) % Q;

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [a % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const quotient = oldR / r;
    [oldR, r] = [r, oldR - quotient * r];
    [oldS, s] = [s, oldS - quotient * s];
  }
  return ((oldS % m) + m) % m;
}

export function readLe(bytes: Uint8Array, offset: number, len: number): bigint {
  let v = 0n;
  for (let i = len - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[offset + i]);
  return v;
}

function writeLe(bytes: Uint8Array, offset: number, len: number, value: bigint): void {
  let v = value;
  for (let i = 0; i < len; i++) {
    bytes[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

function fqFromMontgomery(bytes: Uint8Array, offset: number): bigint {
  const m = readLe(bytes, offset, 32);
  if (m >= Q) throw new InvalidPointError("SRS coordinate is not below q", { details: String(m) });
  return (m * R_INV) % Q;
}

/** Affine LEM bytes (64) → affine bigint point, validated. All-zero bytes are the point at infinity. */
export function g1FromLem(bytes: Uint8Array, offset = 0): G1Affine {
  let zero = true;
  for (let i = 0; i < 64; i++) if (bytes[offset + i] !== 0) zero = false;
  if (zero) return { x: 0n, y: 0n };
  const p = { x: fqFromMontgomery(bytes, offset), y: fqFromMontgomery(bytes, offset + 32) };
  g1FromAffine(p);
  return p;
}

/** Affine bigint point → 64 LEM bytes written at `offset` (the point at infinity is all zeros). */
export function g1ToLem(p: G1Affine, out: Uint8Array, offset = 0): void {
  g1FromAffine(p);
  if (p.x === 0n && p.y === 0n) {
    out.fill(0, offset, offset + 64);
    return;
  }
  writeLe(out, offset, 32, (p.x * R_MOD) % Q);
  writeLe(out, offset + 32, 32, (p.y * R_MOD) % Q);
}

export function g2FromLem(bytes: Uint8Array, offset: number): G2Affine {
  const a = {
    x: { c0: fqFromMontgomery(bytes, offset), c1: fqFromMontgomery(bytes, offset + 32) },
    y: { c0: fqFromMontgomery(bytes, offset + 64), c1: fqFromMontgomery(bytes, offset + 96) },
  };
  g2FromAffine(a);
  return a;
}
