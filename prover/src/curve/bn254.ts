/**
 * BN254 (alt_bn128) G1/G2 helpers in the EVM's conventions, on top of @noble/curves.
 *
 * This file fixes representations only; all group arithmetic is @noble/curves'. Points are plain
 * affine bigint pairs, the point at infinity is (0, 0), and G2 coordinates are Fq2 elements
 * `c0 + c1·i` written `{ c0, c1 }`. {@link g1ToEvm} / {@link g2ToEvm} give the precompiles' word
 * order (`[x1, x0]` for G2: imaginary part first).
 *
 * Every conversion from outside data validates: coordinates and scalars must be canonical (< their
 * modulus) and points must be on the curve (G2: also in the subgroup). Arithmetic here is variable
 * time: fine for public data (commitments, proofs), not for secret keys.
 */
import { bn254 } from "@noble/curves/bn254.js";
import { FieldElementError, InvalidPointError } from "../errors/curve.js";

/** Base field modulus q. */
export const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
/** Scalar field modulus p (the group order). */
export const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

export type G1Affine = { x: bigint; y: bigint };
export type Fq2 = { c0: bigint; c1: bigint };
export type G2Affine = { x: Fq2; y: Fq2 };

type NobleG1 = typeof bn254.G1.Point.BASE;
type NobleG2 = typeof bn254.G2.Point.BASE;

export const G1_ZERO: G1Affine = Object.freeze({ x: 0n, y: 0n });

function checkCoordinate(v: bigint, what: string): void {
  if (typeof v !== "bigint" || v < 0n || v >= Q) {
    throw new FieldElementError(`${what} is not a canonical base field element (must be 0 ≤ v < q)`, {
      details: String(v),
    });
  }
}

/** Reverts-style check of a scalar: `0 ≤ s < p`. */
export function assertScalar(s: bigint, what = "scalar"): void {
  if (typeof s !== "bigint" || s < 0n || s >= P) {
    throw new FieldElementError(`${what} is not a canonical scalar field element (must be 0 ≤ s < p)`, {
      details: String(s),
    });
  }
}

/** Converts to a noble point, validating coordinates and curve membership. */
export function g1FromAffine(a: G1Affine): NobleG1 {
  checkCoordinate(a.x, "G1 x");
  checkCoordinate(a.y, "G1 y");
  if (a.x === 0n && a.y === 0n) return bn254.G1.Point.ZERO;
  const p = bn254.G1.Point.fromAffine({ x: a.x, y: a.y });
  try {
    p.assertValidity();
  } catch (cause) {
    throw new InvalidPointError("G1 point is not on the curve y² = x³ + 3", {
      details: `(${a.x}, ${a.y})`,
      cause,
    });
  }
  return p;
}

export function g1ToAffine(p: NobleG1): G1Affine {
  if (p.is0()) return G1_ZERO;
  const a = p.toAffine();
  return { x: a.x, y: a.y };
}

export function g2FromAffine(a: G2Affine): NobleG2 {
  for (const [v, what] of [
    [a.x.c0, "G2 x.c0"],
    [a.x.c1, "G2 x.c1"],
    [a.y.c0, "G2 y.c0"],
    [a.y.c1, "G2 y.c1"],
  ] as const) {
    checkCoordinate(v, what);
  }
  if (a.x.c0 === 0n && a.x.c1 === 0n && a.y.c0 === 0n && a.y.c1 === 0n) return bn254.G2.Point.ZERO;
  const p = bn254.G2.Point.fromAffine({ x: a.x, y: a.y });
  try {
    p.assertValidity();
  } catch (cause) {
    throw new InvalidPointError("G2 point is not on the twist or not in the prime-order subgroup", {
      details: `x=(${a.x.c0}, ${a.x.c1}) y=(${a.y.c0}, ${a.y.c1})`,
      cause,
    });
  }
  return p;
}

export function g2ToAffine(p: NobleG2): G2Affine {
  if (p.is0()) return { x: { c0: 0n, c1: 0n }, y: { c0: 0n, c1: 0n } };
  const a = p.toAffine();
  return { x: { c0: a.x.c0, c1: a.x.c1 }, y: { c0: a.y.c0, c1: a.y.c1 } };
}

export const G1_GENERATOR: G1Affine = Object.freeze(g1ToAffine(bn254.G1.Point.BASE));
export const G2_GENERATOR: G2Affine = Object.freeze(g2ToAffine(bn254.G2.Point.BASE));

/** `a + b` (validates both). The same result as precompile 0x06. */
export function g1Add(a: G1Affine, b: G1Affine): G1Affine {
  return g1ToAffine(g1FromAffine(a).add(g1FromAffine(b)));
}

/** `-a` (validates). */
export function g1Neg(a: G1Affine): G1Affine {
  return g1ToAffine(g1FromAffine(a).negate());
}

/** `s·a` with `0 ≤ s < p` (validates both). The same result as precompile 0x07 on canonical scalars. */
export function g1Mul(a: G1Affine, s: bigint): G1Affine {
  assertScalar(s);
  const p = g1FromAffine(a);
  if (s === 0n || p.is0()) return G1_ZERO;
  return g1ToAffine(p.multiply(s));
}

export function g2Mul(a: G2Affine, s: bigint): G2Affine {
  assertScalar(s);
  const p = g2FromAffine(a);
  if (s === 0n || p.is0()) return g2ToAffine(bn254.G2.Point.ZERO);
  return g2ToAffine(p.multiply(s));
}

export function g1Equal(a: G1Affine, b: G1Affine): boolean {
  return a.x === b.x && a.y === b.y;
}

/**
 * Whether `Π e(g1[i], g2[i]) == 1` in GT: what precompile 0x08 returns. Pairs with a point at
 * infinity contribute 1, as on the EVM. Cost: one Miller loop per pair plus one final exponentiation.
 */
export function pairingProductIsOne(g1: readonly G1Affine[], g2: readonly G2Affine[]): boolean {
  if (g1.length !== g2.length) {
    throw new InvalidPointError("pairing inputs have different lengths", { details: `${g1.length} vs ${g2.length}` });
  }
  const pairs: { g1: NobleG1; g2: NobleG2 }[] = [];
  for (let i = 0; i < g1.length; i++) {
    const a = g1FromAffine(g1[i]);
    const b = g2FromAffine(g2[i]);
    if (a.is0() || b.is0()) continue;
    pairs.push({ g1: a, g2: b });
  }
  const fp12 = bn254.fields.Fp12;
  return fp12.eql(bn254.pairingBatch(pairs), fp12.ONE);
}

/** `[x, y]`: the word order of precompiles 0x06/0x07/0x08 for G1. */
export function g1ToEvm(a: G1Affine): readonly [bigint, bigint] {
  return [a.x, a.y];
}

/** `[[x1, x0], [y1, y0]]`: the word order of precompile 0x08 (and snarkjs verifiers) for G2. */
export function g2ToEvm(a: G2Affine): readonly [readonly [bigint, bigint], readonly [bigint, bigint]] {
  return [
    [a.x.c1, a.x.c0],
    [a.y.c1, a.y.c0],
  ];
}

export function g1FromEvm(w: readonly [bigint, bigint]): G1Affine {
  const a = { x: w[0], y: w[1] };
  g1FromAffine(a);
  return a;
}

export function g2FromEvm(w: readonly [readonly [bigint, bigint], readonly [bigint, bigint]]): G2Affine {
  const a = { x: { c0: w[0][1], c1: w[0][0] }, y: { c0: w[1][1], c1: w[1][0] } };
  g2FromAffine(a);
  return a;
}

/** A uniformly random scalar in [0, p) from the platform CSPRNG. */
export function randomScalar(): bigint {
  const bytes = new Uint8Array(48);
  crypto.getRandomValues(bytes);
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v % P;
}
