/**
 * Verification of a commit-and-prove Groth16 proof (keys.ts, prove.ts):
 * - Groth16: `e(A, B) = e(α, β)·e(vk_x + D, G2)·e(C, δ)` with `vk_x = IC_0 + Σ x_i·IC_i`;
 * - proof of knowledge of `D`'s opening: `e(D, [σ]₂) = e(Π, G2)`.
 * Both in one pairing product with the second scaled by a random `ρ` (so each holds except with
 * probability ≈ 1/p): pairs `(−A, B), (α, β), (vk_x + D − ρ·Π, G2), (C, δ), (ρ·D, [σ]₂)`.
 */
import {
  type G1Affine,
  G2_GENERATOR,
  g1Add,
  g1FromAffine,
  g1Mul,
  g1Neg,
  g2FromAffine,
  pairingProductIsOne,
  randomScalar,
} from "../curve/bn254.js";
import { Groth16ProofFormatError } from "../errors/groth16.js";
import { assertFr } from "../field/fr.js";
import type { G16Vkey } from "./keys.js";
import type { G16Proof } from "./prove.js";

/** `IC_0 + Σ x_i·IC_{i+1}`. */
export function vkX(vk: G16Vkey, inputs: readonly bigint[]): G1Affine {
  let acc = vk.ic[0];
  for (let i = 0; i < inputs.length; i++) acc = g1Add(acc, g1Mul(vk.ic[i + 1], inputs[i]));
  return acc;
}

/**
 * Whether `proof` is valid for the public `inputs` (ℓ of them). Throws {@link Groth16ProofFormatError}
 * on a wrong number of inputs, non-canonical scalars or points off their curves.
 */
export function verifyG16(vk: G16Vkey, inputs: readonly bigint[], proof: G16Proof): boolean {
  try {
    if (inputs.length !== vk.nPublic) throw new Error(`${inputs.length} public inputs, the key has ${vk.nPublic}`);
    for (const x of inputs) assertFr(x, "public input");
    for (const p of [proof.a, proof.c, proof.d, proof.pok]) g1FromAffine(p);
    g2FromAffine(proof.b);
  } catch (cause) {
    throw new Groth16ProofFormatError("malformed Groth16 proof or public inputs", {
      details: cause instanceof Error ? cause.message : String(cause),
      cause,
    });
  }
  const rho = randomScalar() || 1n;
  const left = g1Add(g1Add(vkX(vk, inputs), proof.d), g1Neg(g1Mul(proof.pok, rho)));
  return pairingProductIsOne(
    [g1Neg(proof.a), vk.alpha1, left, proof.c, g1Mul(proof.d, rho)],
    [proof.b, vk.beta2, G2_GENERATOR, vk.delta2, vk.sigma2],
  );
}
