/**
 * KZG openings of the Pedersen commitments of pedersen.ts at a point (docs/protocol.md §7).
 *
 * The committed polynomial of `v` is `v(X) = Σ v_i X^i (+ blind·X^len(v))`. An opening at `ζ` is
 * `y = v(ζ)` and `π = [(v(τ) − y)/(τ − ζ)]G1`, accepted iff `e(cm − y·G1 + ζ·π, G2) = e(π, [τ]G2)`.
 * Sound under q-SDH for an SRS whose τ nobody knows. Two openings at one `ζ` are batched with
 * `ρ = keccak256(abi.encode(cm1, cm2, ζ, y1, y2, π1, π2)) mod p` into one pairing product, exactly as the
 * on-chain `Kzg` library does.
 *
 * Costs: open = one division by `(X − ζ)` (n muls) and one MSM of n − 1 points; verify = 2 scalar
 * multiplications and one 2-pair pairing product; batchVerify = 6 scalar multiplications and one 2-pair
 * pairing product.
 */
import { encodeAbiParameters, keccak256 } from "viem";
import { G1_GENERATOR, type G1Affine, G2_GENERATOR, g1Add, g1Mul, g1Neg, pairingProductIsOne } from "../curve/bn254.js";
import { assertFr, evalPoly, P } from "../field/fr.js";
import type { MsmBackend } from "../msm/backend.js";
import { commit } from "./pedersen.js";
import { assertSrsFits, type Srs } from "./srs.js";

export type KzgOpening = { y: bigint; pi: G1Affine };

/**
 * Opens the commitment of `v` (with the same `blind` as when committing) at `zeta`.
 *
 * @example
 * const { y, pi } = await open(srs, W, zeta, rW);
 * verifyOpening(srs, cmW, zeta, y, pi); // true
 */
export async function open(
  srs: Srs,
  v: readonly bigint[],
  zeta: bigint,
  blind = 0n,
  backend?: MsmBackend,
): Promise<KzgOpening> {
  assertFr(zeta, "zeta");
  assertFr(blind, "blind");
  const hiding = blind !== 0n;
  assertSrsFits(srs, v.length, hiding, "opened vector");
  const c = hiding ? [...v, blind] : [...v];
  const y = evalPoly(c, zeta);
  // q(X) = (v(X) − y) / (X − ζ) by synthetic division: q_{n−2} = c_{n−1}, q_{i−1} = c_i + ζ·q_i.
  const n = c.length;
  if (n <= 1) return { y, pi: { x: 0n, y: 0n } };
  const q = new Array<bigint>(n - 1);
  let acc = 0n;
  for (let i = n - 1; i >= 1; i--) {
    acc = (c[i] + zeta * acc) % P;
    q[i - 1] = acc;
  }
  return { y, pi: await commit(srs, q, 0n, backend) };
}

/** `cm − y·G1 + ζ·π`: the left G1 argument of the opening equation. */
function lhs(cm: G1Affine, zeta: bigint, y: bigint, pi: G1Affine): G1Affine {
  return g1Add(g1Add(cm, g1Neg(g1Mul(G1_GENERATOR, y))), g1Mul(pi, zeta));
}

/**
 * Whether `π` opens `cm` to `y` at `ζ`: `e(cm − y·G1 + ζ·π, G2) · e(−π, [τ]G2) = 1`.
 * Throws `FieldElementError`/`InvalidPointError` on non-canonical scalars or points off the curve.
 */
export function verifyOpening(srs: Srs, cm: G1Affine, zeta: bigint, y: bigint, pi: G1Affine): boolean {
  assertFr(zeta, "zeta");
  assertFr(y, "y");
  return pairingProductIsOne([lhs(cm, zeta, y, pi), g1Neg(pi)], [G2_GENERATOR, srs.tauG2]);
}

export type BatchOpening = {
  cm1: G1Affine;
  cm2: G1Affine;
  zeta: bigint;
  y1: bigint;
  y2: bigint;
  pi1: G1Affine;
  pi2: G1Affine;
};

const G1_TUPLE = { type: "tuple", components: [{ type: "uint256" }, { type: "uint256" }] } as const;

/** `ρ = uint256(keccak256(abi.encode(G1 cm1, G1 cm2, uint256 ζ, uint256 y1, uint256 y2, G1 π1, G1 π2))) mod p`. */
export function batchChallenge(b: BatchOpening): bigint {
  const enc = encodeAbiParameters(
    [G1_TUPLE, G1_TUPLE, { type: "uint256" }, { type: "uint256" }, { type: "uint256" }, G1_TUPLE, G1_TUPLE],
    [[b.cm1.x, b.cm1.y], [b.cm2.x, b.cm2.y], b.zeta, b.y1, b.y2, [b.pi1.x, b.pi1.y], [b.pi2.x, b.pi2.y]],
  );
  return BigInt(keccak256(enc)) % P;
}

/**
 * Verifies two openings at the same `ζ` with one pairing product:
 * `e(L1 + ρ·L2, G2) · e(−(π1 + ρ·π2), [τ]G2) = 1` with `Li = cmi − yi·G1 + ζ·πi`.
 * Accepts iff both openings are valid, except with probability ≈ 1/p over ρ.
 */
export function batchVerify(srs: Srs, b: BatchOpening): boolean {
  assertFr(b.zeta, "zeta");
  assertFr(b.y1, "y1");
  assertFr(b.y2, "y2");
  const rho = batchChallenge(b);
  const l = g1Add(lhs(b.cm1, b.zeta, b.y1, b.pi1), g1Mul(lhs(b.cm2, b.zeta, b.y2, b.pi2), rho));
  const pi = g1Add(b.pi1, g1Mul(b.pi2, rho));
  return pairingProductIsOne([l, g1Neg(pi)], [G2_GENERATOR, srs.tauG2]);
}

/** Throws unless the SRS can open a vector of this length (with or without hiding). */
export function assertCanOpen(srs: Srs, len: number, hiding: boolean): void {
  assertSrsFits(srs, len, hiding, "opened vector");
}
